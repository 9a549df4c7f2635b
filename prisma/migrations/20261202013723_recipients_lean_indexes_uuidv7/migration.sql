-- DropIndex
DROP INDEX "campaign_recipients_whatsapp_message_id_key";

-- DropIndex
DROP INDEX "campaign_recipients_click_token_key";

-- DropIndex
DROP INDEX "campaign_recipients_campaign_id_variant_status_idx";

-- AlterTable
ALTER TABLE "campaign_recipients" ALTER COLUMN "id" SET DEFAULT uuidv7();

-- AlterTable
ALTER TABLE "whatsapp_messages" ALTER COLUMN "id" SET DEFAULT uuidv7();

-- A message id and a click token are unique once set: partial unique indexes, so a pending recipient
-- (both null) adds no entry to either.
CREATE UNIQUE INDEX "campaign_recipients_whatsapp_message_id_key" ON "campaign_recipients" ("whatsapp_message_id") WHERE "whatsapp_message_id" IS NOT NULL;
CREATE UNIQUE INDEX "campaign_recipients_click_token_key" ON "campaign_recipients" ("click_token") WHERE "click_token" IS NOT NULL;

-- The same definition as campaign_recipients_guard_attempts_idx (the failure guard's recent attempts).
DROP INDEX "campaign_recipients_attempt_at_idx";

-- Reply attribution looks a number's sends up by phone_number (campaign_recipients_phone_number_idx:
-- a number has one row per campaign it was in), so no second phone index is written on every send.
DROP INDEX "campaign_recipients_phone_sent_idx";

-- Room on each page for a row's next version, so an update that changes no indexed column (counts,
-- delivery times, costs) is a heap-only (HOT) update and a non-HOT one stays on the row's page.
ALTER TABLE "campaign_recipients" SET (fillfactor = 90);

-- Recipients without a market, in id order (the market assignment and activation read them in keyset
-- steps: each step starts where the last ended instead of re-reading the rows already done).
DROP INDEX "campaign_recipients_market_missing_idx";
CREATE INDEX "campaign_recipients_market_missing_idx" ON "campaign_recipients" ("campaign_id", "id") WHERE "market" IS NULL;

-- Outbound messages by number and send time: whatsapp_messages_outbound_phone_sent_at_idx (direction =
-- 'outbound') answers every query of this one (direction = 'outbound' AND sent_at IS NOT NULL: a query
-- with a sent_at bound implies it), so only one is written per send.
DROP INDEX "whatsapp_messages_outbound_phone_sent_idx";

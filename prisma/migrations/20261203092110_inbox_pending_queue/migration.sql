-- AlterTable
ALTER TABLE "webhook_inbox" DROP COLUMN "applied_at",
ALTER COLUMN "state" SET DEFAULT 'accepted';

-- CreateTable
CREATE TABLE "webhook_inbox_pending" (
    "lane" SMALLINT NOT NULL,
    "id" BIGINT NOT NULL,
    "whatsapp_message_id" TEXT,
    "recipient_id" UUID,

    CONSTRAINT "webhook_inbox_pending_pkey" PRIMARY KEY ("lane","id")
);

-- CreateIndex
CREATE INDEX "webhook_inbox_pending_whatsapp_message_id_idx" ON "webhook_inbox_pending"("whatsapp_message_id");

-- ---------------------------------------------------------------------------------------------
-- Hand-written.
-- ---------------------------------------------------------------------------------------------

-- The applier's lane of an inbox row: the statuses of a message always share one (a hash of its id), every
-- other row is lane 0. `lanes` comes from the application (INBOX_LANES in store-webhook-delivery.ts).
CREATE FUNCTION webhook_inbox_lane(kind text, wamid text, lanes int) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN kind = 'status' AND wamid IS NOT NULL THEN (abs(hashtext(wamid)::bigint) % lanes)::smallint ELSE 0::smallint END;

-- by recipient when the processor records a send (by message: the index above)
CREATE INDEX "webhook_inbox_pending_recipient_id_idx" ON "webhook_inbox_pending" (recipient_id) WHERE recipient_id IS NOT NULL;

-- the rows waiting now move into the queue; the inbox's own state no longer changes when a row is applied
INSERT INTO "webhook_inbox_pending" (lane, id, whatsapp_message_id, recipient_id)
SELECT webhook_inbox_lane(kind, whatsapp_message_id, 2), id, whatsapp_message_id, recipient_id FROM "webhook_inbox" WHERE state = 'pending';

ALTER TABLE "webhook_inbox" DROP CONSTRAINT "webhook_inbox_state_check";
UPDATE "webhook_inbox" SET state = 'accepted' WHERE state IN ('pending', 'applied');
ALTER TABLE "webhook_inbox" ADD CONSTRAINT "webhook_inbox_state_check" CHECK (state IN ('accepted', 'quarantined', 'ignored'));

DROP INDEX "webhook_inbox_pending_idx";
DROP INDEX "webhook_inbox_pending_wamid_idx";
DROP INDEX "webhook_inbox_pending_recipient_idx";

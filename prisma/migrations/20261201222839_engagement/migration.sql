-- AlterTable
ALTER TABLE "marketing_campaigns" ADD COLUMN     "follow_up_outcome" TEXT,
ADD COLUMN     "parent_campaign_id" UUID;

-- AlterTable
ALTER TABLE "campaign_recipients" ADD COLUMN     "click_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "click_token" TEXT,
ADD COLUMN     "first_clicked_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_clicked_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_replied_at" TIMESTAMPTZ(3),
ADD COLUMN     "opted_out_at" TIMESTAMPTZ(3),
ADD COLUMN     "replied_at" TIMESTAMPTZ(3),
ADD COLUMN     "reply_count" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "reply_window_hours" INTEGER NOT NULL DEFAULT 72;

-- CreateIndex
CREATE INDEX "marketing_campaigns_parent_campaign_id_idx" ON "marketing_campaigns"("parent_campaign_id");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_recipients_click_token_key" ON "campaign_recipients"("click_token");

-- AddForeignKey
ALTER TABLE "marketing_campaigns" ADD CONSTRAINT "marketing_campaigns_parent_campaign_id_fkey" FOREIGN KEY ("parent_campaign_id") REFERENCES "marketing_campaigns"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Engagement is read per campaign from the recipients that engaged (stats, daily series, follow-ups): these
-- partial indexes hold only those recipients, so a count costs what was clicked / replied, not the campaign's size.
CREATE INDEX "campaign_recipients_clicked_idx" ON "campaign_recipients" ("campaign_id", "first_clicked_at") WHERE "first_clicked_at" IS NOT NULL;
CREATE INDEX "campaign_recipients_replied_idx" ON "campaign_recipients" ("campaign_id", "replied_at") WHERE "replied_at" IS NOT NULL;
-- a customer's latest campaign message (reply attribution looks it up by number, newest send first)
CREATE INDEX "campaign_recipients_phone_sent_idx" ON "campaign_recipients" ("phone_number", "sent_at" DESC) WHERE "sent_at" IS NOT NULL;
-- the latest replies attributed to a campaign
CREATE INDEX "whatsapp_messages_campaign_inbound_idx" ON "whatsapp_messages" ("campaign_id", "received_at" DESC) WHERE "direction" = 'inbound';

ALTER TABLE "marketing_campaigns" ADD CONSTRAINT "marketing_campaigns_follow_up_outcome_check"
  CHECK ("follow_up_outcome" IS NULL OR "follow_up_outcome" IN ('not_read', 'not_delivered', 'clicked', 'not_clicked', 'replied'));
ALTER TABLE "settings" ADD CONSTRAINT "settings_reply_window_hours_check" CHECK ("reply_window_hours" BETWEEN 1 AND 720);
ALTER TABLE "campaign_recipients" ADD CONSTRAINT "campaign_recipients_click_count_check" CHECK ("click_count" >= 0 AND "reply_count" >= 0);

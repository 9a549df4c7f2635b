-- AlterTable
ALTER TABLE "marketing_campaigns" ADD COLUMN     "guard_reset_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "account_event_at" TIMESTAMPTZ(3);

-- Hand-written: the failure guard reads a campaign's most recent attempts (by attempt time)
CREATE INDEX "campaign_recipients_attempt_at_idx" ON "campaign_recipients" ("campaign_id", (coalesce("sent_at", "failed_at")) DESC)
  WHERE status IN ('queued', 'sent', 'delivered', 'read', 'failed');

-- the frequency cap counts a customer's recent marketing sends
CREATE INDEX "whatsapp_messages_outbound_phone_sent_at_idx" ON "whatsapp_messages" ("phone_number", "sent_at")
  WHERE direction = 'outbound';

ALTER TABLE "marketing_campaigns"
  ADD CONSTRAINT "marketing_campaigns_paused_by_check" CHECK (paused_by IS NULL OR paused_by IN ('user', 'failure_guard', 'template', 'account'));

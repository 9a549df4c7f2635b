-- The failure guard reads a campaign's most recent attempts (by send or failure time) after batches:
-- an index on exactly that order keeps it a short index scan however large the campaign is.
-- Partial: pending rows (adding and scheduling recipients) never touch it.
CREATE INDEX "campaign_recipients_guard_attempts_idx" ON "campaign_recipients" (campaign_id, (coalesce(sent_at, failed_at)) DESC)
  WHERE status IN ('queued', 'sent', 'delivered', 'read', 'failed');

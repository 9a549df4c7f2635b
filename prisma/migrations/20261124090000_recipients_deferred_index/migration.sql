-- Hand-written (not modelled in schema.prisma, like the other partial indexes): the stats and the
-- campaign page count a campaign's deferred recipients (frequency cap, Meta's per-user cap). Without
-- this index that count read every pending row of the campaign. Only deferred rows enter it, so it stays
-- small and costs nothing when recipients are added or scheduled.
CREATE INDEX IF NOT EXISTS "campaign_recipients_deferred_idx" ON "campaign_recipients" ("campaign_id", "deferred_reason")
  WHERE status = 'pending' AND deferred_reason IS NOT NULL;

-- Scheduling a recipient (activation, the roll-forward) writes only its scheduled_send_date (and updated_at):
-- with no index on the day, and room on the page for the new version, that UPDATE is HOT — no new entry in
-- any of the indexes a pending row is in. PostgreSQL's rule is by column, whatever an index's predicate:
-- an UPDATE that changes a column any index names (as a key, an INCLUDE column, in an expression or in its
-- WHERE) is never HOT, so no index of campaign_recipients may name scheduled_send_date or updated_at.
-- Measured at 1,000,000 recipients (docs/performance-log.md, "Activation without index writes"): the bare
-- UPDATE takes 7.9 s instead of 23.8 s.
--
-- The due recipients are found without the day in an index (lib/marketing/recipients/due-recipients.ts):
--  - "fresh" pending rows (no deferral, no backoff) are packed in (created_at, id) order (packSchedule), so
--    in that order a campaign's due rows come first: the queue index. Not (campaign_id, id): the primary
--    key gives id order too, and when a campaign is most of the table the planner reads it by the primary
--    key from the table's first row, through every older campaign's rows;
--  - pending rows with a deferral or a backoff (their day was written with their reason, never HOT) are
--    few: the held index; the claim takes them by day, then id, after reading them all;
--  - how many fresh rows are due comes from the schedule (campaign_send_schedule plus unfolded
--    counter_deltas), and the claim's scan of the queue index ends after the last of them: nothing due
--    reads one row, and due rows that may not go (an A/B test holding for its winner) are read, not the
--    rest of the campaign.
DROP INDEX "campaign_recipients_due_idx";

CREATE INDEX "campaign_recipients_queue_idx" ON "campaign_recipients" ("campaign_id", "created_at", "id")
  WHERE "status" = 'pending' AND "deferred_reason" IS NULL AND "next_attempt_at" IS NULL;

CREATE INDEX "campaign_recipients_held_idx" ON "campaign_recipients" ("campaign_id", "id")
  WHERE "status" = 'pending' AND ("deferred_reason" IS NOT NULL OR "next_attempt_at" IS NOT NULL);

-- Room for the day's new row version on the same page (HOT needs it): a page is filled to 45% by inserts.
-- Existing tables keep their pages as they are until rewritten (VACUUM FULL, pg_repack); new pages get
-- the room. The emptier pages cost the bulk insert little (16.2-16.7 s vs 16.6-19.0 s at 1,000,000).
ALTER TABLE "campaign_recipients" SET (fillfactor = 45);

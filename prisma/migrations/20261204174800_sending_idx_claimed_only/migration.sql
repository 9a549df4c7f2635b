-- campaign_recipients_sending_idx serves one query: reconciling claims older than a cutoff
-- (status = 'sending' AND claimed_at < cutoff, which implies claimed_at IS NOT NULL). With the predicate
-- status = 'sending' alone, the planner also used it for statements that look rows up by id within a
-- claim (mark-sending, the release of a batch): from statistics taken while nothing was in flight it
-- judged the index nearly empty and scanned every row in flight, filtering by id, instead of probing the
-- primary key (494 rows read to mark one). Its new predicate is implied only by a condition on claimed_at.
DROP INDEX IF EXISTS "campaign_recipients_sending_idx";
CREATE INDEX "campaign_recipients_sending_idx" ON "campaign_recipients" ("claimed_at") WHERE "status" = 'sending' AND "claimed_at" IS NOT NULL;

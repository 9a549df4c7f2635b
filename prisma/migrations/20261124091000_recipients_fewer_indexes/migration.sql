-- Adding or scheduling 1,000,000 recipients writes every index of campaign_recipients for every row.
-- These two serve no query the others do not: pending rows by campaign and day use the partial
-- campaign_recipients_due_idx, other statuses campaign_recipients_campaign_status_id_idx.
DROP INDEX IF EXISTS "campaign_recipients_campaign_id_status_scheduled_send_date_idx";
DROP INDEX IF EXISTS "campaign_recipients_campaign_id_scheduled_send_date_idx";

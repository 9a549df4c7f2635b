-- whatsapp_messages_campaign_cost_idx (campaign_id) WHERE cost_set_at IS NOT NULL served no query: a
-- campaign's spend is read from campaign_cost_daily, and the budget check finds a recipient's priced send
-- by recipient_id. It cost an index entry for every priced message (each message's first status with
-- pricing sets cost_set_at). whatsapp_messages_campaign_unpriced_idx stays: the budget check and the stats
-- read a campaign's unpriced sends through it.
DROP INDEX IF EXISTS whatsapp_messages_campaign_cost_idx;

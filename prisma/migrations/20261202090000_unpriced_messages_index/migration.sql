-- A campaign's sends whose pricing has not arrived yet (the in-flight part of its committed spend, read by
-- GET …/stats, the campaign page and the budget check): a small index of the unpriced outbound messages,
-- instead of reading every recipient of the campaign.
CREATE INDEX whatsapp_messages_campaign_unpriced_idx ON whatsapp_messages (campaign_id) WHERE cost_set_at IS NULL AND direction = 'outbound';

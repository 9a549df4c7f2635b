-- AlterTable
ALTER TABLE "marketing_campaigns" ADD COLUMN     "cancelled_by_actor" TEXT;

-- campaign.cancelled names who cancelled it, as campaign.paused names who paused it
CREATE OR REPLACE FUNCTION outbound_campaign_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_wanted(ARRAY['campaign.activated', 'campaign.paused', 'campaign.completed', 'campaign.cancelled']) THEN RETURN NULL; END IF;
  PERFORM outbound_emit((
    SELECT jsonb_agg(jsonb_build_object(
      'type', CASE n.status WHEN 'active' THEN 'campaign.activated' WHEN 'paused' THEN 'campaign.paused'
        WHEN 'cancelled' THEN 'campaign.cancelled' ELSE 'campaign.completed' END,
      'data', jsonb_build_object('campaign_id', n.id, 'name', n.name, 'status', n.status, 'previous_status', o.status,
        'paused_by', n.paused_by, 'paused_by_actor', CASE WHEN n.paused_by = 'user' THEN n.paused_by_actor END, 'pause_reason', n.pause_reason,
        'cancelled_by_actor', CASE WHEN n.status = 'cancelled' THEN n.cancelled_by_actor END, 'total_target', n.total_target_customers,
        'messages_sent', n.messages_sent, 'messages_delivered', n.messages_delivered, 'messages_failed', n.messages_failed))
      ORDER BY n.id)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.status IS DISTINCT FROM o.status AND n.status IN ('active', 'paused', 'completed', 'cancelled')));
  RETURN NULL;
END $$;

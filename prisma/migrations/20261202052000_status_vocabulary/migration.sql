-- The recipient status groups the counters count by, defined once for SQL (the TypeScript lists are
-- lib/marketing/recipients/recipient-status.ts, and a test holds the two equal). IMMUTABLE SQL functions
-- of one constant: the planner inlines them and folds them to the array, so a trigger using them costs
-- what the literal list cost. Partial-index predicates keep their literal lists (an index predicate
-- cannot call a function that may be redefined).

-- still to send: waiting for its day, or claimed and being sent (the pending counter)
CREATE OR REPLACE FUNCTION wac_pending_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['pending', 'sending']::text[]
$$;

-- accepted by Meta, whatever happened next short of a failure (the sent counter)
CREATE OR REPLACE FUNCTION wac_sent_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['queued', 'sent', 'delivered', 'read']::text[]
$$;

-- reached the phone (the delivered counter)
CREATE OR REPLACE FUNCTION wac_delivered_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['delivered', 'read']::text[]
$$;

-- The counter fold, unchanged but for the status groups, which it now takes from the functions above.
CREATE OR REPLACE FUNCTION fold_recipient_deltas(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF deltas IS NULL OR jsonb_array_length(deltas) = 0 THEN
    RETURN;
  END IF;

  -- lock the campaigns in a fixed order: concurrent batches touching several campaigns cannot deadlock
  PERFORM 1 FROM marketing_campaigns
  WHERE id IN (SELECT DISTINCT c FROM jsonb_to_recordset(deltas) AS e(c uuid, s text, sd date, so date, n bigint))
  ORDER BY id FOR NO KEY UPDATE;

  UPDATE marketing_campaigns m SET
    total_target_customers = m.total_target_customers + c.total,
    messages_pending   = m.messages_pending   + c.pending,
    messages_sent      = m.messages_sent      + c.sent,
    messages_delivered = m.messages_delivered + c.delivered,
    messages_read      = m.messages_read      + c.read,
    messages_failed    = m.messages_failed    + c.failed,
    messages_skipped   = m.messages_skipped   + c.skipped,
    messages_unknown   = m.messages_unknown   + c.unknown
  FROM (
    SELECT c AS campaign_id,
      sum(n) AS total,
      coalesce(sum(n) FILTER (WHERE e.s = ANY (wac_pending_statuses())), 0) AS pending,
      coalesce(sum(n) FILTER (WHERE e.s = ANY (wac_sent_statuses())), 0) AS sent,
      coalesce(sum(n) FILTER (WHERE e.s = ANY (wac_delivered_statuses())), 0) AS delivered,
      coalesce(sum(n) FILTER (WHERE e.s = 'read'), 0) AS read,
      coalesce(sum(n) FILTER (WHERE e.s = 'failed'), 0) AS failed,
      coalesce(sum(n) FILTER (WHERE e.s = 'skipped'), 0) AS skipped,
      coalesce(sum(n) FILTER (WHERE e.s = 'unknown'), 0) AS unknown
    FROM jsonb_to_recordset(deltas) AS e(c uuid, s text, sd date, so date, n bigint) GROUP BY e.c
  ) c
  WHERE m.id = c.campaign_id;

  INSERT INTO campaign_send_schedule AS s
    (id, campaign_id, send_date, batch_number, batch_size, messages_sent, messages_remaining, status, updated_at)
  SELECT gen_random_uuid(), campaign_id, sd, 1, total, sent, remaining,
         CASE WHEN total = 0 THEN 'rolled_over' WHEN remaining = 0 THEN 'completed'
              WHEN sent > 0 THEN 'processing' ELSE 'pending' END,
         now()
  FROM (
    SELECT e.c AS campaign_id, e.sd,
      sum(n) AS total,
      coalesce(sum(n) FILTER (WHERE e.s = ANY (wac_sent_statuses())), 0) AS sent,
      coalesce(sum(n) FILTER (WHERE e.s = ANY (wac_pending_statuses())), 0) AS remaining
    FROM jsonb_to_recordset(deltas) AS e(c uuid, s text, sd date, so date, n bigint) WHERE e.sd IS NOT NULL AND EXISTS (SELECT 1 FROM marketing_campaigns mc WHERE mc.id = e.c)
    GROUP BY e.c, e.sd
    ORDER BY e.c, e.sd
  ) x
  ON CONFLICT (campaign_id, send_date, batch_number) DO UPDATE SET
    batch_size = s.batch_size + excluded.batch_size,
    messages_sent = s.messages_sent + excluded.messages_sent,
    messages_remaining = s.messages_remaining + excluded.messages_remaining,
    status = CASE
      WHEN s.status = 'cancelled' THEN 'cancelled'
      WHEN s.batch_size + excluded.batch_size = 0 THEN 'rolled_over'
      WHEN s.messages_remaining + excluded.messages_remaining = 0 THEN 'completed'
      WHEN s.messages_sent + excluded.messages_sent > 0 THEN 'processing'
      ELSE 'pending' END,
    updated_at = now();

  INSERT INTO campaign_analytics AS a
    (id, campaign_id, date, messages_sent, messages_delivered, messages_read, messages_failed, messages_skipped,
     delivery_rate, read_rate, updated_at)
  SELECT gen_random_uuid(), campaign_id, so, sent, delivered, read, failed, skipped,
         CASE WHEN sent > 0 THEN round(100.0 * delivered / sent, 2) ELSE 0 END,
         CASE WHEN sent > 0 THEN round(100.0 * read / sent, 2) ELSE 0 END,
         now()
  FROM (
    SELECT e.c AS campaign_id, e.so,
      coalesce(sum(n) FILTER (WHERE e.s = ANY (wac_sent_statuses())), 0) AS sent,
      coalesce(sum(n) FILTER (WHERE e.s = ANY (wac_delivered_statuses())), 0) AS delivered,
      coalesce(sum(n) FILTER (WHERE e.s = 'read'), 0) AS read,
      coalesce(sum(n) FILTER (WHERE e.s = 'failed'), 0) AS failed,
      coalesce(sum(n) FILTER (WHERE e.s = 'skipped'), 0) AS skipped
    FROM jsonb_to_recordset(deltas) AS e(c uuid, s text, sd date, so date, n bigint) WHERE e.so IS NOT NULL AND EXISTS (SELECT 1 FROM marketing_campaigns mc WHERE mc.id = e.c)
    GROUP BY e.c, e.so
    ORDER BY e.c, e.so
  ) x
  ON CONFLICT (campaign_id, date) DO UPDATE SET
    messages_sent = a.messages_sent + excluded.messages_sent,
    messages_delivered = a.messages_delivered + excluded.messages_delivered,
    messages_read = a.messages_read + excluded.messages_read,
    messages_failed = a.messages_failed + excluded.messages_failed,
    messages_skipped = a.messages_skipped + excluded.messages_skipped,
    delivery_rate = CASE WHEN a.messages_sent + excluded.messages_sent > 0
      THEN round(100.0 * (a.messages_delivered + excluded.messages_delivered) / (a.messages_sent + excluded.messages_sent), 2) ELSE 0 END,
    read_rate = CASE WHEN a.messages_sent + excluded.messages_sent > 0
      THEN round(100.0 * (a.messages_read + excluded.messages_read) / (a.messages_sent + excluded.messages_sent), 2) ELSE 0 END,
    updated_at = now();

END
$fn$;

-- AlterTable
ALTER TABLE "user_profiles" ADD COLUMN     "user_id" TEXT,
ADD COLUMN     "whatsapp_event_at" TIMESTAMPTZ(3),
ADD COLUMN     "whatsapp_event_seq" BIGINT;

-- AlterTable
ALTER TABLE "campaign_recipients" ADD COLUMN     "outcome_unknown_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "whatsapp_messages" ADD COLUMN     "pricing_billable" BOOLEAN,
ADD COLUMN     "pricing_category" TEXT,
ADD COLUMN     "pricing_model" TEXT,
ADD COLUMN     "pricing_type" TEXT,
ADD COLUMN     "user_id" TEXT;

-- CreateTable
CREATE TABLE "webhook_inbox" (
    "id" BIGSERIAL NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "whatsapp_message_id" TEXT,
    "recipient_id" UUID,
    "status" TEXT,
    "occurred_at" TIMESTAMPTZ(3),
    "entry_id" TEXT,
    "phone_number_id" TEXT,
    "value" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_inbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "counter_deltas" (
    "id" BIGSERIAL NOT NULL,
    "campaign_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "scheduled_send_date" DATE,
    "sent_on" DATE,
    "n" INTEGER NOT NULL,

    CONSTRAINT "counter_deltas_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_inbox_dedupe_key_key" ON "webhook_inbox"("dedupe_key");

-- CreateIndex
CREATE INDEX "webhook_inbox_received_at_idx" ON "webhook_inbox"("received_at");

-- CreateIndex
CREATE INDEX "counter_deltas_campaign_id_idx" ON "counter_deltas"("campaign_id");

-- CreateIndex
CREATE INDEX "user_profiles_user_id_idx" ON "user_profiles"("user_id");


-- ---------------------------------------------------------------------------------------------
-- Hand-written.
-- ---------------------------------------------------------------------------------------------

-- the applier's work: pending rows in arrival order, and by message / recipient when a send is recorded
CREATE INDEX "webhook_inbox_pending_idx" ON "webhook_inbox" (id) WHERE state = 'pending';
CREATE INDEX "webhook_inbox_pending_wamid_idx" ON "webhook_inbox" (whatsapp_message_id) WHERE state = 'pending';
CREATE INDEX "webhook_inbox_pending_recipient_idx" ON "webhook_inbox" (recipient_id) WHERE state = 'pending' AND recipient_id IS NOT NULL;
CREATE INDEX "webhook_inbox_quarantined_idx" ON "webhook_inbox" (id) WHERE state IN ('quarantined', 'ignored');
ALTER TABLE "webhook_inbox"
  ADD CONSTRAINT "webhook_inbox_kind_check" CHECK (kind IN ('status', 'message', 'change')),
  ADD CONSTRAINT "webhook_inbox_state_check" CHECK (state IN ('pending', 'applied', 'quarantined', 'ignored'));

-- statuses kept for messages not recorded yet move into the inbox, as the status objects Meta sent
INSERT INTO "webhook_inbox" (dedupe_key, kind, field, state, whatsapp_message_id, recipient_id, status, occurred_at, value, received_at)
SELECT 's:' || e.whatsapp_message_id || ':' || e.status, 'status', 'messages', 'pending', e.whatsapp_message_id, e.recipient_id, e.status, e.occurred_at,
  jsonb_strip_nulls(jsonb_build_object(
    'id', e.whatsapp_message_id, 'status', e.status, 'timestamp', floor(extract(epoch FROM e.occurred_at))::bigint::text,
    'biz_opaque_callback_data', e.recipient_id::text, 'recipient_id', e.raw->>'wa_id', 'pricing', e.raw->'pricing',
    'errors', CASE WHEN e.error_code IS NOT NULL THEN jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
      'code', e.error_code, 'title', e.error_title, 'error_data', jsonb_build_object('details', e.raw->>'error_details')))) END)),
  e.created_at
FROM "pending_status_events" e
ORDER BY e.created_at
ON CONFLICT (dedupe_key) DO NOTHING;

DROP TABLE "pending_status_events";

-- ---------------------------------------------------------------------------------------------
-- Counters without a hot row. The statement triggers on campaign_recipients keep their per-(campaign,
-- status, scheduled day, sent day) aggregation. In a transaction that set wac.defer_counters (the
-- delivery applier) they append it to counter_deltas (insert-only: no row is shared between concurrent
-- writers, nothing waits for another transaction's commit); fold_counter_deltas then moves appended deltas
-- into marketing_campaigns / campaign_send_schedule / campaign_analytics in a short transaction of its
-- own (one fold at a time). Readers fold first (or add the unfolded rest), so what they see is a recount.
-- ---------------------------------------------------------------------------------------------

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
      coalesce(sum(n) FILTER (WHERE e.s IN ('pending', 'sending')), 0) AS pending,
      coalesce(sum(n) FILTER (WHERE e.s IN ('queued', 'sent', 'delivered', 'read')), 0) AS sent,
      coalesce(sum(n) FILTER (WHERE e.s IN ('delivered', 'read')), 0) AS delivered,
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
      coalesce(sum(n) FILTER (WHERE e.s IN ('queued', 'sent', 'delivered', 'read')), 0) AS sent,
      coalesce(sum(n) FILTER (WHERE e.s IN ('pending', 'sending')), 0) AS remaining
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
      coalesce(sum(n) FILTER (WHERE e.s IN ('queued', 'sent', 'delivered', 'read')), 0) AS sent,
      coalesce(sum(n) FILTER (WHERE e.s IN ('delivered', 'read')), 0) AS delivered,
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


CREATE OR REPLACE FUNCTION apply_recipient_deltas(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF deltas IS NULL OR jsonb_array_length(deltas) = 0 THEN
    RETURN;
  END IF;
  -- the delivery applier (many small concurrent transactions on the same campaigns) appends; every other
  -- writer (imports, scheduling, the processor's batches) folds at once as before
  IF current_setting('wac.defer_counters', true) = 'on' THEN
    INSERT INTO counter_deltas (campaign_id, status, scheduled_send_date, sent_on, n)
    SELECT e.c, e.s, e.sd, e.so, e.n FROM jsonb_to_recordset(deltas) AS e(c uuid, s text, sd date, so date, n bigint) WHERE e.n <> 0;
  ELSE
    PERFORM fold_recipient_deltas(deltas);
  END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION fold_counter_deltas(max_rows int) RETURNS int LANGUAGE plpgsql AS $fn$
DECLARE
  folded int;
  deltas jsonb;
BEGIN
  -- one fold at a time: a fold that waited sees what the previous one deleted and applied
  PERFORM pg_advisory_xact_lock(2003136100);
  WITH gone AS (
    DELETE FROM counter_deltas WHERE id IN (SELECT id FROM counter_deltas ORDER BY id LIMIT max_rows)
    RETURNING campaign_id, status, scheduled_send_date, sent_on, n
  )
  SELECT (SELECT count(*) FROM gone),
         (SELECT jsonb_agg(jsonb_build_object('c', c, 's', s, 'sd', sd, 'so', so, 'n', n)) FROM (
            SELECT campaign_id AS c, status AS s, scheduled_send_date AS sd, sent_on AS so, sum(n) AS n
            FROM gone GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0) x)
  INTO folded, deltas;
  PERFORM fold_recipient_deltas(deltas);
  RETURN folded;
END
$fn$;

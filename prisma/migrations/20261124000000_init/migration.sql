-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "user_profiles" (
    "id" UUID NOT NULL,
    "whatsapp_phone" TEXT NOT NULL,
    "wa_id" TEXT,
    "name" TEXT,
    "customer_tier" TEXT,
    "city" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "subscription" TEXT NOT NULL DEFAULT 'subscribed',
    "subscription_changed_at" TIMESTAMPTZ(3),
    "subscription_source" TEXT,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "marketing_deferred_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_profiles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "marketing_campaigns" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "template_name" TEXT NOT NULL,
    "language_code" TEXT NOT NULL DEFAULT 'en_US',
    "status" TEXT NOT NULL DEFAULT 'draft',
    "daily_send_limit" INTEGER NOT NULL DEFAULT 250,
    "priority" INTEGER NOT NULL DEFAULT 5,
    "target_audience" JSONB NOT NULL DEFAULT '{}',
    "template_components" JSONB NOT NULL DEFAULT '[]',
    "send_window" JSONB,
    "failure_guard" JSONB,
    "template_verified" BOOLEAN,
    "template_warnings" JSONB NOT NULL DEFAULT '[]',
    "pause_reason" TEXT,
    "paused_by" TEXT,
    "last_test_send_at" TIMESTAMPTZ(3),
    "last_test_send_hash" TEXT,
    "total_target_customers" INTEGER NOT NULL DEFAULT 0,
    "messages_sent" INTEGER NOT NULL DEFAULT 0,
    "messages_delivered" INTEGER NOT NULL DEFAULT 0,
    "messages_read" INTEGER NOT NULL DEFAULT 0,
    "messages_failed" INTEGER NOT NULL DEFAULT 0,
    "messages_pending" INTEGER NOT NULL DEFAULT 0,
    "messages_skipped" INTEGER NOT NULL DEFAULT 0,
    "messages_unknown" INTEGER NOT NULL DEFAULT 0,
    "start_date" DATE,
    "started_at" TIMESTAMPTZ(3),
    "paused_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "marketing_campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_recipients" (
    "id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "phone_number" TEXT NOT NULL,
    "customer_id" UUID,
    "wa_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "scheduled_send_date" DATE,
    "sent_on" DATE,
    "whatsapp_message_id" TEXT,
    "whatsapp_message_status" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "failure_reason" TEXT,
    "error_code" INTEGER,
    "retry_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "deferred_reason" TEXT,
    "claim_id" UUID,
    "claimed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_recipients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_send_schedule" (
    "id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "send_date" DATE NOT NULL,
    "batch_number" INTEGER NOT NULL DEFAULT 1,
    "batch_size" INTEGER NOT NULL DEFAULT 0,
    "messages_sent" INTEGER NOT NULL DEFAULT 0,
    "messages_remaining" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_send_schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_analytics" (
    "id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "date" DATE NOT NULL,
    "messages_sent" INTEGER NOT NULL DEFAULT 0,
    "messages_delivered" INTEGER NOT NULL DEFAULT 0,
    "messages_read" INTEGER NOT NULL DEFAULT 0,
    "messages_failed" INTEGER NOT NULL DEFAULT 0,
    "messages_skipped" INTEGER NOT NULL DEFAULT 0,
    "delivery_rate" DECIMAL(5,2) NOT NULL DEFAULT 0,
    "read_rate" DECIMAL(5,2) NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_analytics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "whatsapp_messages" (
    "id" UUID NOT NULL,
    "direction" TEXT NOT NULL,
    "campaign_id" UUID,
    "recipient_id" UUID,
    "phone_number" TEXT,
    "wa_id" TEXT,
    "whatsapp_message_id" TEXT,
    "status" TEXT NOT NULL,
    "whatsapp_message_status" TEXT,
    "message_type" TEXT NOT NULL DEFAULT 'template',
    "template_name" TEXT,
    "language_code" TEXT,
    "body" TEXT,
    "payload" JSONB,
    "is_test" BOOLEAN NOT NULL DEFAULT false,
    "error_code" INTEGER,
    "error_title" TEXT,
    "pricing" JSONB,
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "whatsapp_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pending_status_events" (
    "id" UUID NOT NULL,
    "whatsapp_message_id" TEXT NOT NULL,
    "recipient_id" UUID,
    "status" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "error_code" INTEGER,
    "error_title" TEXT,
    "raw" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_status_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "whatsapp_templates" (
    "id" UUID NOT NULL,
    "meta_id" TEXT,
    "name" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "quality_score" TEXT,
    "parameter_format" TEXT NOT NULL DEFAULT 'POSITIONAL',
    "components" JSONB NOT NULL DEFAULT '[]',
    "reason" TEXT,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "synced_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "whatsapp_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'marketer',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'marketer',
    "created_by_id" UUID,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "default_send_window" JSONB,
    "frequency_cap" JSONB,
    "failure_guard" JSONB NOT NULL DEFAULT '{"threshold_pct":10,"window":500,"min_attempts":100}',
    "test_phone_numbers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "require_test_send" BOOLEAN NOT NULL DEFAULT false,
    "send_hold" BOOLEAN NOT NULL DEFAULT false,
    "send_hold_reason" TEXT,
    "send_hold_since" TIMESTAMPTZ(3),
    "quality_rating" TEXT,
    "messaging_limit_tier" TEXT,
    "last_template_sync_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "severity" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "campaign_id" UUID,
    "text" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "read_at" TIMESTAMPTZ(3),
    "delivery_status" TEXT NOT NULL DEFAULT 'pending',
    "delivery_attempts" INTEGER NOT NULL DEFAULT 0,
    "next_delivery_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "dedupe_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "login_attempts" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "login_attempts_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "sandbox_events" (
    "id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sandbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "user_profiles_whatsapp_phone_key" ON "user_profiles"("whatsapp_phone");

-- CreateIndex
CREATE INDEX "user_profiles_subscription_is_active_idx" ON "user_profiles"("subscription", "is_active");

-- CreateIndex
CREATE INDEX "user_profiles_customer_tier_idx" ON "user_profiles"("customer_tier");

-- CreateIndex
CREATE INDEX "user_profiles_tags_idx" ON "user_profiles" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "marketing_campaigns_status_priority_created_at_idx" ON "marketing_campaigns"("status", "priority" DESC, "created_at");

-- CreateIndex
CREATE INDEX "marketing_campaigns_created_at_idx" ON "marketing_campaigns"("created_at" DESC);

-- CreateIndex
CREATE INDEX "marketing_campaigns_template_name_language_code_idx" ON "marketing_campaigns"("template_name", "language_code");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_recipients_whatsapp_message_id_key" ON "campaign_recipients"("whatsapp_message_id");

-- CreateIndex
CREATE INDEX "campaign_recipients_campaign_id_status_scheduled_send_date_idx" ON "campaign_recipients"("campaign_id", "status", "scheduled_send_date");

-- CreateIndex
CREATE INDEX "campaign_recipients_campaign_id_scheduled_send_date_idx" ON "campaign_recipients"("campaign_id", "scheduled_send_date");

-- CreateIndex
CREATE INDEX "campaign_recipients_phone_number_idx" ON "campaign_recipients"("phone_number");

-- CreateIndex
CREATE INDEX "campaign_recipients_customer_id_idx" ON "campaign_recipients"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "unique_campaign_recipient" ON "campaign_recipients"("campaign_id", "phone_number");
ALTER TABLE "campaign_recipients" ADD CONSTRAINT "unique_campaign_recipient" UNIQUE USING INDEX "unique_campaign_recipient";

-- CreateIndex
CREATE INDEX "campaign_send_schedule_send_date_status_idx" ON "campaign_send_schedule"("send_date", "status");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_send_schedule_campaign_id_send_date_batch_number_key" ON "campaign_send_schedule"("campaign_id", "send_date", "batch_number");

-- CreateIndex
CREATE INDEX "campaign_analytics_date_idx" ON "campaign_analytics"("date");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_analytics_campaign_id_date_key" ON "campaign_analytics"("campaign_id", "date");

-- CreateIndex
CREATE UNIQUE INDEX "whatsapp_messages_whatsapp_message_id_key" ON "whatsapp_messages"("whatsapp_message_id");

-- CreateIndex
CREATE INDEX "whatsapp_messages_direction_created_at_idx" ON "whatsapp_messages"("direction", "created_at");

-- CreateIndex
CREATE INDEX "whatsapp_messages_phone_number_created_at_idx" ON "whatsapp_messages"("phone_number", "created_at");

-- CreateIndex
CREATE INDEX "whatsapp_messages_recipient_id_idx" ON "whatsapp_messages"("recipient_id");

-- CreateIndex
CREATE INDEX "whatsapp_messages_campaign_id_idx" ON "whatsapp_messages"("campaign_id");

-- CreateIndex
CREATE INDEX "pending_status_events_recipient_id_idx" ON "pending_status_events"("recipient_id");

-- CreateIndex
CREATE UNIQUE INDEX "pending_status_events_whatsapp_message_id_status_key" ON "pending_status_events"("whatsapp_message_id", "status");

-- CreateIndex
CREATE INDEX "whatsapp_templates_meta_id_idx" ON "whatsapp_templates"("meta_id");

-- CreateIndex
CREATE UNIQUE INDEX "whatsapp_templates_name_language_key" ON "whatsapp_templates"("name", "language");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "audit_log_entity_type_entity_id_idx" ON "audit_log"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "audit_log_created_at_idx" ON "audit_log"("created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "alerts_dedupe_key_key" ON "alerts"("dedupe_key");

-- CreateIndex
CREATE INDEX "alerts_delivery_status_next_delivery_at_idx" ON "alerts"("delivery_status", "next_delivery_at");

-- CreateIndex
CREATE INDEX "alerts_created_at_idx" ON "alerts"("created_at" DESC);

-- CreateIndex
CREATE INDEX "sandbox_events_due_at_idx" ON "sandbox_events"("due_at");

-- AddForeignKey
ALTER TABLE "campaign_recipients" ADD CONSTRAINT "campaign_recipients_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "marketing_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_recipients" ADD CONSTRAINT "campaign_recipients_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "user_profiles"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_send_schedule" ADD CONSTRAINT "campaign_send_schedule_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "marketing_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_analytics" ADD CONSTRAINT "campaign_analytics_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "marketing_campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "whatsapp_messages" ADD CONSTRAINT "whatsapp_messages_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "marketing_campaigns"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------------
-- Hand-written: CHECK constraints, expression / partial indexes and the counter triggers.
-- (Prisma does not model these, later migrations generated from the schema diff leave them alone.)
-- ---------------------------------------------------------------------------------------------

ALTER TABLE "marketing_campaigns"
  ADD CONSTRAINT "marketing_campaigns_status_check" CHECK (status IN ('draft', 'active', 'paused', 'completed', 'cancelled')),
  ADD CONSTRAINT "marketing_campaigns_daily_send_limit_check" CHECK (daily_send_limit BETWEEN 1 AND 100000),
  ADD CONSTRAINT "marketing_campaigns_priority_check" CHECK (priority BETWEEN 1 AND 10),
  ADD CONSTRAINT "marketing_campaigns_counters_check" CHECK (
    total_target_customers >= 0 AND messages_sent >= 0 AND messages_delivered >= 0 AND messages_read >= 0
    AND messages_failed >= 0 AND messages_pending >= 0 AND messages_skipped >= 0 AND messages_unknown >= 0);

ALTER TABLE "campaign_recipients"
  ADD CONSTRAINT "campaign_recipients_status_check" CHECK (status IN
    ('pending', 'sending', 'queued', 'sent', 'delivered', 'read', 'failed', 'skipped', 'unknown')),
  ADD CONSTRAINT "campaign_recipients_phone_check" CHECK (phone_number ~ '^[0-9]{6,15}$' OR phone_number ~ '^erased:'),
  ADD CONSTRAINT "campaign_recipients_claim_check" CHECK (status <> 'sending' OR (claim_id IS NOT NULL AND claimed_at IS NOT NULL));

ALTER TABLE "campaign_send_schedule"
  ADD CONSTRAINT "campaign_send_schedule_status_check" CHECK (status IN ('pending', 'processing', 'completed', 'rolled_over', 'cancelled'));

ALTER TABLE "user_profiles"
  ADD CONSTRAINT "user_profiles_subscription_check" CHECK (subscription IN ('subscribed', 'unsubscribed')),
  ADD CONSTRAINT "user_profiles_phone_check" CHECK (whatsapp_phone ~ '^[0-9]{6,15}$' OR whatsapp_phone ~ '^erased:');

ALTER TABLE "whatsapp_messages"
  ADD CONSTRAINT "whatsapp_messages_direction_check" CHECK (direction IN ('outbound', 'inbound')),
  ADD CONSTRAINT "whatsapp_messages_status_check" CHECK (status IN ('sending', 'queued', 'sent', 'delivered', 'read', 'failed', 'unknown', 'received'));

ALTER TABLE "users"
  ADD CONSTRAINT "users_role_check" CHECK (role IN ('admin', 'marketer', 'viewer'));

ALTER TABLE "api_tokens"
  ADD CONSTRAINT "api_tokens_role_check" CHECK (role IN ('admin', 'marketer', 'viewer'));

ALTER TABLE "settings"
  ADD CONSTRAINT "settings_singleton_check" CHECK (id = 1);

ALTER TABLE "alerts"
  ADD CONSTRAINT "alerts_severity_check" CHECK (severity IN ('info', 'warning', 'critical')),
  ADD CONSTRAINT "alerts_delivery_status_check" CHECK (delivery_status IN ('pending', 'delivered', 'failed', 'skipped'));

-- audience filters: city is matched case-insensitively
CREATE INDEX "user_profiles_lower_city_idx" ON "user_profiles" (lower(city));
-- the processor: due pending recipients of a campaign
CREATE INDEX "campaign_recipients_due_idx" ON "campaign_recipients" (campaign_id, scheduled_send_date, id) WHERE status = 'pending';
-- stale claims (crash recovery)
CREATE INDEX "campaign_recipients_sending_idx" ON "campaign_recipients" (claimed_at) WHERE status = 'sending';
-- recipients table in the dashboard: by campaign and status, stable order
CREATE INDEX "campaign_recipients_campaign_status_id_idx" ON "campaign_recipients" (campaign_id, status, id);
-- unique users reached in a moving 24 hours (WhatsApp's messaging limit) and the frequency cap
CREATE INDEX "whatsapp_messages_outbound_sent_idx" ON "whatsapp_messages" (sent_at) WHERE direction = 'outbound' AND sent_at IS NOT NULL;
CREATE INDEX "whatsapp_messages_outbound_phone_sent_idx" ON "whatsapp_messages" (phone_number, sent_at) WHERE direction = 'outbound' AND sent_at IS NOT NULL;

INSERT INTO "settings" (id) VALUES (1) ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------------
-- Counters. marketing_campaigns.{total_target_customers, messages_*}, campaign_send_schedule
-- (batch_size, messages_sent, messages_remaining, status) and campaign_analytics are kept equal to
-- what campaign_recipients says, incrementally: statement-level triggers aggregate the transition
-- tables into per-(campaign, status, scheduled day, sent day) deltas, so a statement touching a
-- million rows costs one aggregation and a handful of counter updates, never a recount.
--   sent      = queued, sent, delivered, read (accepted by WhatsApp)
--   delivered = delivered, read
--   pending   = pending, sending (claimed, in flight)
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION apply_recipient_deltas(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
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

CREATE OR REPLACE FUNCTION campaign_recipients_counters_ins() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM apply_recipient_deltas((
    SELECT jsonb_agg(jsonb_build_object('c', campaign_id, 's', status, 'sd', scheduled_send_date, 'so', sent_on, 'n', n))
    FROM (SELECT campaign_id, status, scheduled_send_date, sent_on, count(*) AS n
          FROM new_rows GROUP BY 1, 2, 3, 4) d));
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION campaign_recipients_counters_del() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM apply_recipient_deltas((
    SELECT jsonb_agg(jsonb_build_object('c', campaign_id, 's', status, 'sd', scheduled_send_date, 'so', sent_on, 'n', -n))
    FROM (SELECT campaign_id, status, scheduled_send_date, sent_on, count(*) AS n
          FROM old_rows GROUP BY 1, 2, 3, 4) d));
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION campaign_recipients_counters_upd() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM apply_recipient_deltas((
    SELECT jsonb_agg(jsonb_build_object('c', campaign_id, 's', status, 'sd', scheduled_send_date, 'so', sent_on, 'n', n))
    FROM (
      SELECT campaign_id, status, scheduled_send_date, sent_on, sum(n) AS n
      FROM (
        SELECT campaign_id, status, scheduled_send_date, sent_on, count(*) AS n FROM new_rows GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT campaign_id, status, scheduled_send_date, sent_on, -count(*) AS n FROM old_rows GROUP BY 1, 2, 3, 4
      ) u
      GROUP BY 1, 2, 3, 4
      HAVING sum(n) <> 0
    ) d));
  RETURN NULL;
END
$fn$;

CREATE TRIGGER campaign_recipients_counters_ins
  AFTER INSERT ON campaign_recipients REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_counters_ins();
CREATE TRIGGER campaign_recipients_counters_upd
  AFTER UPDATE ON campaign_recipients REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_counters_upd();
CREATE TRIGGER campaign_recipients_counters_del
  AFTER DELETE ON campaign_recipients REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION campaign_recipients_counters_del();

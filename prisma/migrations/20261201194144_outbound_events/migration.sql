-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "secret" TEXT NOT NULL,
    "event_types" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "allow_private_network" BOOLEAN NOT NULL DEFAULT false,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbound_events" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "event_id" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "first_attempt_at" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbound_events_created_at_idx" ON "outbound_events"("created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_status_event_id_idx" ON "webhook_deliveries"("endpoint_id", "status", "event_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_event_id_idx" ON "webhook_deliveries"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_id_event_id_key" ON "webhook_deliveries"("endpoint_id", "event_id");

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "outbound_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Outbound events are emitted here, by statement-level triggers, in the transaction that made the change:
-- whichever code path changes a campaign's status, a subscription, a recipient's failure or stores a reply,
-- the event is written exactly once with it. An event is only written when some enabled endpoint subscribes
-- to its type, and it is fanned out to those endpoints at once (a later endpoint does not get old events).

CREATE FUNCTION outbound_emit(events jsonb) RETURNS void LANGUAGE sql AS $$
  WITH ev AS (
    INSERT INTO outbound_events (type, data)
    SELECT x->>'type', x->'data'
    FROM jsonb_array_elements(coalesce(events, '[]'::jsonb)) WITH ORDINALITY AS t(x, n)
    WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.enabled AND (x->>'type') = ANY (e.event_types))
    ORDER BY n
    RETURNING id, type)
  INSERT INTO webhook_deliveries (endpoint_id, event_id)
  SELECT e.id, ev.id FROM ev JOIN webhook_endpoints e ON e.enabled AND ev.type = ANY (e.event_types)
$$;

-- true when some enabled endpoint wants one of these types (the cheap test every trigger starts with)
CREATE FUNCTION outbound_wanted(types text[]) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND event_types && types)
$$;

-- campaign.activated / campaign.paused (with paused_by: user, failure_guard, template, account, and the reason) / campaign.completed
CREATE FUNCTION outbound_campaign_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_wanted(ARRAY['campaign.activated', 'campaign.paused', 'campaign.completed']) THEN RETURN NULL; END IF;
  PERFORM outbound_emit((
    SELECT jsonb_agg(jsonb_build_object(
      'type', CASE n.status WHEN 'active' THEN 'campaign.activated' WHEN 'paused' THEN 'campaign.paused' ELSE 'campaign.completed' END,
      'data', jsonb_build_object('campaign_id', n.id, 'name', n.name, 'status', n.status, 'previous_status', o.status,
        'paused_by', n.paused_by, 'pause_reason', n.pause_reason, 'total_target', n.total_target_customers,
        'messages_sent', n.messages_sent, 'messages_delivered', n.messages_delivered, 'messages_failed', n.messages_failed))
      ORDER BY n.id)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.status IS DISTINCT FROM o.status AND n.status IN ('active', 'paused', 'completed')));
  RETURN NULL;
END $$;
CREATE TRIGGER marketing_campaigns_outbound_events
  AFTER UPDATE ON marketing_campaigns REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_campaign_status();

-- customer.unsubscribed / customer.subscribed, with the source of the change
CREATE FUNCTION outbound_customer_subscription() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_wanted(ARRAY['customer.unsubscribed', 'customer.subscribed']) THEN RETURN NULL; END IF;
  PERFORM outbound_emit((
    SELECT jsonb_agg(jsonb_build_object(
      'type', 'customer.' || n.subscription,
      'data', jsonb_build_object('customer_id', n.id, 'phone', n.whatsapp_phone, 'subscription', n.subscription,
        'source', n.subscription_source, 'changed_at', n.subscription_changed_at))
      ORDER BY n.id)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.subscription IS DISTINCT FROM o.subscription AND n.subscription IN ('subscribed', 'unsubscribed')));
  RETURN NULL;
END $$;
CREATE TRIGGER user_profiles_outbound_events
  AFTER UPDATE ON user_profiles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_customer_subscription();

-- message.failed: a campaign message that became failed (the error class is added at delivery, from the code)
CREATE FUNCTION outbound_recipient_failed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_wanted(ARRAY['message.failed']) THEN RETURN NULL; END IF;
  PERFORM outbound_emit((
    SELECT jsonb_agg(jsonb_build_object(
      'type', 'message.failed',
      'data', jsonb_build_object('campaign_id', n.campaign_id, 'recipient_id', n.id, 'phone_number', n.phone_number,
        'whatsapp_message_id', n.whatsapp_message_id, 'error_code', n.error_code, 'failure_reason', n.failure_reason, 'failed_at', n.failed_at))
      ORDER BY n.id)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.status = 'failed' AND o.status IS DISTINCT FROM 'failed'));
  RETURN NULL;
END $$;
CREATE TRIGGER campaign_recipients_outbound_events
  AFTER UPDATE ON campaign_recipients REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_recipient_failed();

-- reply.received: an inbound message was stored
CREATE FUNCTION outbound_inbound_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_wanted(ARRAY['reply.received']) THEN RETURN NULL; END IF;
  PERFORM outbound_emit((
    SELECT jsonb_agg(jsonb_build_object(
      'type', 'reply.received',
      'data', jsonb_build_object('message_id', n.id, 'whatsapp_message_id', n.whatsapp_message_id, 'phone_number', n.phone_number,
        'wa_id', n.wa_id, 'campaign_id', n.campaign_id, 'message_type', n.message_type, 'body', n.body,
        'received_at', coalesce(n.received_at, n.created_at)))
      ORDER BY n.created_at, n.id)
    FROM new_rows n
    WHERE n.direction = 'inbound'));
  RETURN NULL;
END $$;
CREATE TRIGGER whatsapp_messages_outbound_events
  AFTER INSERT ON whatsapp_messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_inbound_message();

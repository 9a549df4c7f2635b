-- DropIndex
DROP INDEX "alerts_delivery_status_next_delivery_at_idx";

-- AlterTable
ALTER TABLE "alerts" DROP COLUMN "delivered_at",
DROP COLUMN "delivery_attempts",
DROP COLUMN "delivery_status",
DROP COLUMN "last_error",
DROP COLUMN "next_delivery_at";

-- AlterTable
ALTER TABLE "webhook_endpoints" ADD COLUMN     "format" TEXT NOT NULL DEFAULT 'standard',
ADD COLUMN     "managed_by" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "webhook_endpoints_managed_by_key" ON "webhook_endpoints"("managed_by");

ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_format_check" CHECK ("format" IN ('standard', 'slack'));

-- alert.created: every new alert (the Slack/Teams alert webhook is an endpoint subscribed to it, format 'slack')
CREATE FUNCTION outbound_alert_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_wanted(ARRAY['alert.created']) THEN RETURN NULL; END IF;
  PERFORM outbound_emit((
    SELECT jsonb_agg(jsonb_build_object(
      'type', 'alert.created',
      'data', jsonb_build_object('alert_id', n.id, 'severity', n.severity, 'kind', n.kind, 'campaign_id', n.campaign_id,
        'text', n.text, 'details', n.details, 'created_at', n.created_at))
      ORDER BY n.created_at, n.id)
    FROM new_rows n));
  RETURN NULL;
END $$;
CREATE TRIGGER alerts_outbound_events
  AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_alert_created();

/**
 * Alerts: every guard action, account problem, template pause and completed campaign is one
 * row of `alerts`, shown on the overview; inserting it emits the outbound event `alert.created` (a trigger),
 * delivered like every event to the endpoints subscribed to it — ALERT_WEBHOOK_URL is one (alert-endpoint.ts).
 * A dedupe_key makes repeats of the same event a no-op.
 */
import { Prisma, type DbOrTx } from "../db";

export type AlertSeverity = "info" | "warning" | "critical";

export type NewAlert = {
  severity: AlertSeverity;
  /** e.g. campaign_completed, campaign_paused_failure_guard, campaign_paused_template, send_hold, account_error, account_quality */
  kind: string;
  campaignId?: string | null;
  text: string;
  details?: Record<string, unknown>;
  /** the same key twice records one alert */
  dedupeKey: string;
};

/** Records an alert (idempotent by dedupe key); true when it is new. */
export async function createAlert(db: DbOrTx, alert: NewAlert, now: Date): Promise<boolean> {
  const n = await db.$executeRaw(Prisma.sql`
    INSERT INTO alerts (id, severity, kind, campaign_id, text, details, dedupe_key, created_at)
    VALUES (gen_random_uuid(), ${alert.severity}, ${alert.kind}, ${alert.campaignId ?? null}::uuid, ${alert.text.slice(0, 2000)},
            ${JSON.stringify(alert.details ?? {})}::jsonb, ${alert.dedupeKey.slice(0, 500)}, ${now}::timestamptz)
    ON CONFLICT (dedupe_key) DO NOTHING`);
  return n > 0;
}

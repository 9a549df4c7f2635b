/**
 * The alert outbox: pending alerts are POSTed to ALERT_WEBHOOK_URL as JSON with a `text` field (what
 * Slack and Teams incoming webhooks expect), with retries and exponential backoff. Called at the end of
 * every processor run; bounded (a few alerts, a short timeout each) and it never throws, so it can neither
 * block nor fail a send.
 *
 * Concurrency: alerts are leased with FOR UPDATE SKIP LOCKED (next_delivery_at moves past the lease), so
 * two runs never post the same alert at once; a run that dies mid-delivery leaves the lease to expire.
 * Without a URL, pending alerts become 'skipped' (they stay listed on the overview).
 */
import { Prisma, type Db } from "../db";

export const ALERT_DELIVERY = { maxAttempts: 8, baseBackoffMs: 30_000, maxBackoffMs: 3_600_000, leaseMs: 60_000, timeoutMs: 5_000, batch: 20 } as const;

export type DeliverAlertsResult = { delivered: number; failed: number; retrying: number; skipped: number };

export async function deliverAlerts({ db, now, url, fetch: fetchFn = fetch, limit = ALERT_DELIVERY.batch, timeoutMs = ALERT_DELIVERY.timeoutMs }: {
  db: Db; now: Date; url: string | null | undefined; fetch?: typeof fetch; limit?: number; timeoutMs?: number;
}): Promise<DeliverAlertsResult> {
  const result: DeliverAlertsResult = { delivered: 0, failed: 0, retrying: 0, skipped: 0 };
  try {
    if (!url) {
      result.skipped = await db.$executeRaw(Prisma.sql`UPDATE alerts SET delivery_status = 'skipped' WHERE delivery_status = 'pending'`);
      return result;
    }
    const lease = new Date(now.getTime() + ALERT_DELIVERY.leaseMs);
    const due = await db.$queryRaw<Array<{ id: string; severity: string; kind: string; campaign_id: string | null; text: string; details: unknown; created_at: Date; delivery_attempts: number }>>(Prisma.sql`
      UPDATE alerts a SET next_delivery_at = ${lease}::timestamptz
      FROM (SELECT id FROM alerts WHERE delivery_status = 'pending' AND (next_delivery_at IS NULL OR next_delivery_at <= ${now}::timestamptz)
            ORDER BY created_at, id LIMIT ${limit}::int FOR UPDATE SKIP LOCKED) d
      WHERE a.id = d.id
      RETURNING a.id, a.severity, a.kind, a.campaign_id::text AS campaign_id, a.text, a.details, a.created_at, a.delivery_attempts`);
    for (const a of due.sort((x, y) => x.created_at.getTime() - y.created_at.getTime())) {
      const error = await post(fetchFn, url, timeoutMs, {
        text: a.text, severity: a.severity, kind: a.kind, campaign_id: a.campaign_id, created_at: a.created_at.toISOString(), details: a.details,
      });
      if (error === null) {
        await db.$executeRaw(Prisma.sql`
          UPDATE alerts SET delivery_status = 'delivered', delivered_at = ${now}::timestamptz, delivery_attempts = delivery_attempts + 1, next_delivery_at = NULL, last_error = NULL
          WHERE id = ${a.id}::uuid AND delivery_status = 'pending'`);
        result.delivered++;
      } else {
        const attempts = a.delivery_attempts + 1;
        const giveUp = attempts >= ALERT_DELIVERY.maxAttempts;
        const next = new Date(now.getTime() + Math.min(ALERT_DELIVERY.baseBackoffMs * 2 ** (attempts - 1), ALERT_DELIVERY.maxBackoffMs));
        await db.$executeRaw(Prisma.sql`
          UPDATE alerts SET delivery_attempts = ${attempts}::int, last_error = ${error.slice(0, 500)},
            delivery_status = ${giveUp ? "failed" : "pending"}, next_delivery_at = ${giveUp ? null : next}::timestamptz
          WHERE id = ${a.id}::uuid AND delivery_status = 'pending'`);
        if (giveUp) result.failed++;
        else result.retrying++;
      }
    }
  } catch (error) {
    // the outbox keeps what was not delivered; the next run tries again
    console.error("[alerts] delivery failed:", error instanceof Error ? error.message : "unknown error");
  }
  return result;
}

/** null on a 2xx answer, otherwise what went wrong. */
async function post(fetchFn: typeof fetch, url: string, timeoutMs: number, body: unknown): Promise<string | null> {
  try {
    const res = await fetchFn(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
    await res.body?.cancel().catch(() => {});
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : "request failed";
  }
}

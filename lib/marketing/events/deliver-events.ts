/**
 * Delivery from the outbox. Rules:
 * - in order per endpoint: event n+1 is not sent to an endpoint before n was delivered or given up on
 *   (a run leases the endpoint's queue, so two runs never interleave one endpoint);
 * - every request is signed (X-WAC-Signature, see sign-payload.ts), answers 2xx = delivered;
 * - a failure waits 30 s, 1 min, 2 min … (at most 1 h) before the next attempt, and is given up (failed)
 *   once a day has passed since its first attempt; the next event then goes;
 * - bounded: a few endpoints and events per run, a short timeout each; it never throws (called at the end
 *   of every processor run, it can neither block nor fail a send).
 * - the body is the endpoint's format: "standard" (the envelope below) or "slack" (what Slack and Teams
 *   incoming webhooks accept: `text` first; for alert.created the alert's own fields), signed either way.
 * "Send again" re-sends one delivery now, out of order, at an admin's request.
 */
import { classifyError } from "@/lib/whatsapp/errors";
import { Prisma, type Db } from "../db";
import { AppError } from "../errors";
import { TEST_EVENT_TYPE, type EndpointFormat } from "./event-types";
import { outboundUrlProblem, type Resolve } from "./network-guard";
import { SIGNATURE_HEADER, signatureHeader } from "./sign-payload";
import type { Principal } from "../auth/api-tokens";
import { assertAdmin, loadEndpoint } from "./webhook-endpoints";

export const EVENT_DELIVERY = {
  baseBackoffMs: 30_000,
  maxBackoffMs: 3_600_000,
  giveUpAfterMs: 24 * 3_600_000,
  leaseMs: 120_000,
  timeoutMs: 5_000,
  perEndpoint: 50,
  endpoints: 20,
} as const;

export type DeliverEventsResult = { delivered: number; retrying: number; failed: number };

type Deps = { db: Db; now: Date; fetch?: typeof fetch; resolve?: Resolve; /** per request (default EVENT_DELIVERY.timeoutMs) */ timeoutMs?: number };

type EndpointRow = { id: string; url: string; secret: string; allow_private_network: boolean; format: string };
type DueRow = { id: bigint; event_id: bigint; attempts: number; next_attempt_at: Date | null; first_attempt_at: Date | null; type: string; data: unknown; created_at: Date };

/**
 * An event's data as delivered: its timestamps (the fields named `…_at`) in the form of every other
 * timestamp of the API, `2026-12-06T03:58:02.123Z` (the database's triggers write them as PostgreSQL
 * renders them, `…+00:00`, or in the session's time zone), and message.failed gets the error's class.
 */
function deliveredData(type: string, data: unknown): unknown {
  if (!data || typeof data !== "object" || Array.isArray(data)) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [key, value] of Object.entries(out)) {
    if (!key.endsWith("_at") || typeof value !== "string") continue;
    const t = new Date(value);
    if (!Number.isNaN(t.getTime())) out[key] = t.toISOString();
  }
  if (type === "message.failed") out.class = classifyError(typeof out.error_code === "number" ? out.error_code : null);
  return out;
}

/** The JSON body of an event: { id, type, created_at, data }. */
export function eventBody(ev: { eventId: bigint; type: string; data: unknown; createdAt: Date }): string {
  return JSON.stringify({ id: `evt_${ev.eventId}`, type: ev.type, created_at: ev.createdAt.toISOString(), data: deliveredData(ev.type, ev.data) });
}

/**
 * The body for a Slack/Teams incoming webhook. alert.created: the alert as it always was posted
 * ({ text, severity, kind, campaign_id, created_at, details }; its text is already safe to post, see
 * alert-text.ts). Any other event: only its type and id in `text` (customer-controlled strings stay in `data`).
 */
export function slackBody(ev: { eventId: bigint; type: string; data: unknown; createdAt: Date }): string {
  const data = (deliveredData(ev.type, ev.data) ?? {}) as Record<string, unknown>;
  if (ev.type === "alert.created") {
    return JSON.stringify({
      text: data.text, severity: data.severity, kind: data.kind, campaign_id: data.campaign_id ?? null,
      created_at: typeof data.created_at === "string" ? data.created_at : ev.createdAt.toISOString(), details: data.details ?? {},
    });
  }
  return JSON.stringify({ text: `WhatsApp Campaigns event ${ev.type} (evt_${ev.eventId})`, type: ev.type, created_at: ev.createdAt.toISOString(), data });
}

function bodyFor(format: string, ev: { eventId: bigint; type: string; data: unknown; createdAt: Date }): string {
  return (format as EndpointFormat) === "slack" ? slackBody(ev) : eventBody(ev);
}

type Attempt = { ok: boolean; status: number | null; error: string | null };

async function send(deps: Deps, endpoint: EndpointRow, ev: { eventId: bigint; type: string }, body: string): Promise<Attempt> {
  const problem = await outboundUrlProblem(endpoint.url, { allowPrivateNetwork: endpoint.allow_private_network, resolve: deps.resolve });
  if (problem) return { ok: false, status: null, error: `refused: ${problem}` };
  const timestamp = Math.floor(deps.now.getTime() / 1000);
  try {
    const res = await (deps.fetch ?? fetch)(endpoint.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs ?? EVENT_DELIVERY.timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "WhatsAppCampaigns-Webhooks/1.0",
        [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, body),
        "X-WAC-Event-Id": `evt_${ev.eventId}`,
        "X-WAC-Event-Type": ev.type,
      },
      body,
    });
    await res.body?.cancel().catch(() => {});
    return res.ok ? { ok: true, status: res.status, error: null } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, status: null, error: error instanceof Error ? error.message.slice(0, 300) : "request failed" };
  }
}

async function record(db: Db, deliveryId: bigint, now: Date, a: Attempt, next: { status: "pending" | "delivered" | "failed"; nextAttemptAt: Date | null }) {
  await db.$executeRaw(Prisma.sql`
    UPDATE webhook_deliveries SET attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, ${now}::timestamptz),
      last_attempt_at = ${now}::timestamptz, last_status_code = ${a.status}::int, last_error = ${a.error},
      status = ${next.status}, next_attempt_at = ${next.nextAttemptAt}::timestamptz,
      delivered_at = CASE WHEN ${next.status} = 'delivered' THEN ${now}::timestamptz ELSE delivered_at END
    WHERE id = ${deliveryId}::bigint`);
}

/** Sends what is due, in order per endpoint (optionally only one endpoint's queue). */
export async function deliverEvents(deps: Deps & { endpointId?: string }): Promise<DeliverEventsResult> {
  const { db, now } = deps;
  const result: DeliverEventsResult = { delivered: 0, retrying: 0, failed: 0 };
  try {
    const only = deps.endpointId ? Prisma.sql`AND d.endpoint_id = ${deps.endpointId}::uuid` : Prisma.empty;
    const candidates = await db.$queryRaw<Array<{ endpoint_id: string }>>(Prisma.sql`
      SELECT DISTINCT d.endpoint_id::text AS endpoint_id FROM webhook_deliveries d
      WHERE d.status = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ${now}::timestamptz) ${only}
      LIMIT ${EVENT_DELIVERY.endpoints}::int`);
    for (const { endpoint_id } of candidates) {
      const [endpoint] = await db.$queryRaw<EndpointRow[]>(Prisma.sql`
        UPDATE webhook_endpoints SET lease_until = ${new Date(now.getTime() + EVENT_DELIVERY.leaseMs)}::timestamptz
        WHERE id = ${endpoint_id}::uuid AND enabled AND (lease_until IS NULL OR lease_until < ${now}::timestamptz)
        RETURNING id::text AS id, url, secret, allow_private_network, format`);
      if (!endpoint) continue; // disabled, or another run owns this queue
      try {
        await drainEndpoint(deps, endpoint, result);
      } finally {
        await db.$executeRaw(Prisma.sql`UPDATE webhook_endpoints SET lease_until = NULL WHERE id = ${endpoint.id}::uuid`);
      }
    }
  } catch (error) {
    // the outbox keeps what was not delivered; the next run tries again
    console.error("[events] delivery failed:", error instanceof Error ? error.message : "unknown error");
  }
  return result;
}

async function drainEndpoint(deps: Deps, endpoint: EndpointRow, result: DeliverEventsResult) {
  const { db, now } = deps;
  for (let i = 0; i < EVENT_DELIVERY.perEndpoint; i++) {
    const [head] = await db.$queryRaw<DueRow[]>(Prisma.sql`
      SELECT d.id, d.event_id, d.attempts, d.next_attempt_at, d.first_attempt_at, e.type, e.data, e.created_at
      FROM webhook_deliveries d JOIN outbound_events e ON e.id = d.event_id
      WHERE d.endpoint_id = ${endpoint.id}::uuid AND d.status = 'pending'
      ORDER BY d.event_id LIMIT 1`);
    if (!head || (head.next_attempt_at && head.next_attempt_at > now)) return; // the head waits: so do the others
    const ev = { eventId: head.event_id, type: head.type, data: head.data, createdAt: head.created_at };
    const attempt = await send(deps, endpoint, ev, bodyFor(endpoint.format, ev));
    if (attempt.ok) {
      await record(db, head.id, now, attempt, { status: "delivered", nextAttemptAt: null });
      result.delivered++;
      continue;
    }
    const first = head.first_attempt_at ?? now;
    if (now.getTime() - first.getTime() >= EVENT_DELIVERY.giveUpAfterMs) {
      await record(db, head.id, now, attempt, { status: "failed", nextAttemptAt: null });
      result.failed++;
      continue;
    }
    const wait = Math.min(EVENT_DELIVERY.baseBackoffMs * 2 ** head.attempts, EVENT_DELIVERY.maxBackoffMs);
    await record(db, head.id, now, attempt, { status: "pending", nextAttemptAt: new Date(now.getTime() + wait) });
    result.retrying++;
    return;
  }
}

/** "Send test event": queues an endpoint.test event for this endpoint only and delivers its queue now. */
export async function sendTestEvent(deps: Deps & { endpointId: string; principal?: Principal | null }) {
  assertAdmin(deps.principal);
  const endpoint = await loadEndpoint(deps.db, deps.endpointId);
  // a disabled endpoint is sent nothing: the test would only sit there as pending
  if (!endpoint.enabled) throw new AppError("CONFLICT", "This endpoint is disabled: enable it to send a test event.");
  const [row] = await deps.db.$queryRaw<Array<{ id: bigint }>>(Prisma.sql`
    WITH ev AS (INSERT INTO outbound_events (type, data, created_at)
      VALUES (${TEST_EVENT_TYPE}, ${JSON.stringify({ endpoint_id: endpoint.id, message: "A test event from WhatsApp Campaigns." })}::jsonb, ${deps.now}::timestamptz)
      RETURNING id)
    INSERT INTO webhook_deliveries (endpoint_id, event_id) SELECT ${endpoint.id}::uuid, id FROM ev RETURNING id`);
  await deliverEvents({ db: deps.db, now: deps.now, fetch: deps.fetch, resolve: deps.resolve, endpointId: endpoint.id });
  return getDelivery(deps.db, endpoint.id, row.id);
}

/** "Send again": re-sends one delivery now (whatever its status), and records the attempt. */
export async function resendDelivery(deps: Deps & { endpointId: string; deliveryId: string; principal?: Principal | null }) {
  assertAdmin(deps.principal);
  const endpoint = await loadEndpoint(deps.db, deps.endpointId);
  const id = /^\d{1,18}$/.test(deps.deliveryId) ? BigInt(deps.deliveryId) : null;
  const [d] = id === null ? [] : await deps.db.$queryRaw<Array<DueRow & { status: string }>>(Prisma.sql`
    SELECT d.id, d.event_id, d.status, d.attempts, d.next_attempt_at, d.first_attempt_at, e.type, e.data, e.created_at
    FROM webhook_deliveries d JOIN outbound_events e ON e.id = d.event_id
    WHERE d.id = ${id}::bigint AND d.endpoint_id = ${endpoint.id}::uuid`);
  if (!d) throw new AppError("NOT_FOUND", "No delivery with this id for this endpoint.");
  const ev = { eventId: d.event_id, type: d.type, data: d.data, createdAt: d.created_at };
  const attempt = await send(deps, { id: endpoint.id, url: endpoint.url, secret: endpoint.secret, allow_private_network: endpoint.allowPrivateNetwork, format: endpoint.format }, ev, bodyFor(endpoint.format, ev));
  const status = attempt.ok ? "delivered" : d.status === "pending" ? "pending" : d.status === "delivered" ? "delivered" : "failed";
  await record(deps.db, d.id, deps.now, attempt, { status, nextAttemptAt: attempt.ok ? null : d.next_attempt_at });
  return getDelivery(deps.db, endpoint.id, d.id);
}

export type DeliveryJson = {
  id: string; event_id: string; event_type: string; status: string; attempts: number; last_status_code: number | null; last_error: string | null;
  next_attempt_at: string | null; last_attempt_at: string | null; delivered_at: string | null; created_at: string;
};

type DeliveryRow = {
  id: bigint; event_id: bigint; type: string; status: string; attempts: number; last_status_code: number | null; last_error: string | null;
  next_attempt_at: Date | null; last_attempt_at: Date | null; delivered_at: Date | null; created_at: Date;
};

function deliveryJson(r: DeliveryRow): DeliveryJson {
  return {
    id: String(r.id), event_id: `evt_${r.event_id}`, event_type: r.type, status: r.status, attempts: r.attempts,
    last_status_code: r.last_status_code, last_error: r.last_error, next_attempt_at: r.next_attempt_at?.toISOString() ?? null,
    last_attempt_at: r.last_attempt_at?.toISOString() ?? null, delivered_at: r.delivered_at?.toISOString() ?? null, created_at: r.created_at.toISOString(),
  };
}

const DELIVERY_COLUMNS = Prisma.sql`d.id, d.event_id, e.type, d.status, d.attempts, d.last_status_code, d.last_error, d.next_attempt_at, d.last_attempt_at, d.delivered_at, d.created_at`;

async function getDelivery(db: Db, endpointId: string, id: bigint): Promise<DeliveryJson> {
  const [r] = await db.$queryRaw<DeliveryRow[]>(Prisma.sql`
    SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN outbound_events e ON e.id = d.event_id WHERE d.id = ${id}::bigint AND d.endpoint_id = ${endpointId}::uuid`);
  return deliveryJson(r);
}

/** The delivery log of one endpoint, newest first; `cursor` is the last page's next_cursor. */
export async function findDeliveries({ db, principal, endpointId, limit = 50, cursor }: {
  db: Db; principal?: Principal | null; endpointId: string; limit?: number; cursor?: string;
}) {
  assertAdmin(principal);
  const endpoint = await loadEndpoint(db, endpointId);
  const before = cursor && /^\d{1,18}$/.test(cursor) ? BigInt(cursor) : null;
  if (cursor && before === null) throw new AppError("VALIDATION_FAILED", "Invalid cursor.", [{ path: "cursor", message: "invalid" }]);
  const rows = await db.$queryRaw<DeliveryRow[]>(Prisma.sql`
    SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN outbound_events e ON e.id = d.event_id
    WHERE d.endpoint_id = ${endpoint.id}::uuid ${before === null ? Prisma.empty : Prisma.sql`AND d.id < ${before}::bigint`}
    ORDER BY d.id DESC LIMIT ${limit + 1}::int`);
  const page = rows.slice(0, limit);
  return { deliveries: page.map(deliveryJson), next_cursor: rows.length > limit ? String(page[page.length - 1].id) : null };
}

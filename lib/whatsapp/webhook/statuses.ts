/**
 * Status webhooks (sent, delivered, read, failed) → campaign_recipients and whatsapp_messages, set-based.
 *
 *  - All statuses of a payload are aggregated per message (wamid): the earliest time of each kind.
 *  - A recipient is matched by biz_opaque_callback_data (our recipient id) first — while it has no wamid
 *    or the same one — then by wamid. A status for a recipient still 'sending' or 'unknown' proves
 *    WhatsApp accepted it: the wamid is recorded and the recipient moves forward (crash reconciliation).
 *  - Forward only: queued → sent → delivered → read; failed only from queued/sent (and sending/unknown);
 *    a 'read' without 'delivered' sets both. A late 'delivered' after 'read' changes nothing, and the
 *    same payload twice changes nothing.
 *  - Error classes: 131050 fails the recipient and unsubscribes the customer; 131049 (Meta's per-user
 *    marketing cap) sends the recipient back to pending no sooner than 24 h later and defers the customer
 *    in every campaign (user_profiles.marketing_deferred_until); any other error fails the recipient.
 *  - Statuses for messages we do not know yet go to pending_status_events, applied by
 *    applyPendingStatusEvents() once the engine has recorded the send.
 *
 * Counters, the schedule and campaign_analytics follow campaign_recipients by trigger.
 */
import { Prisma, withRetry, type Db, type Tx } from "@/lib/marketing/db";
import { errorTitle } from "../errors";
import type { TStatus } from "./schema";
import { applySubscriptionChanges } from "./subscriptions";

export const META_CAP_DEFER_MS = 24 * 60 * 60 * 1000;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KINDS = ["sent", "delivered", "read", "failed"] as const;
type Kind = (typeof KINDS)[number];

/** Everything one payload says about one message. */
export type StatusAggregate = {
  wamid: string;
  /** our recipient id, from biz_opaque_callback_data (only when it is a UUID) */
  biz: string | null;
  waId: string | null;
  sent: Date | null;
  delivered: Date | null;
  read: Date | null;
  failed: Date | null;
  errorCode: number | null;
  errorTitle: string | null;
  errorDetails: string | null;
  pricing: Record<string, unknown> | null;
};

export type StatusSummary = {
  received: number;
  /** statuses of a kind we do not track (e.g. "deleted") */
  ignored: number;
  messages: number;
  /** recipients whose row changed */
  recipientsUpdated: number;
  whatsappMessagesUpdated: number;
  /** stored for later: the message is not known yet */
  pending: number;
  unsubscribed: number;
  deferred: number;
};

const emptyAggregate = (wamid: string): StatusAggregate => ({
  wamid, biz: null, waId: null, sent: null, delivered: null, read: null, failed: null,
  errorCode: null, errorTitle: null, errorDetails: null, pricing: null,
});

const earliest = (a: Date | null, b: Date) => (a && a.getTime() <= b.getTime() ? a : b);

export function aggregateStatuses(statuses: TStatus[]): { aggregates: StatusAggregate[]; ignored: number } {
  const byWamid = new Map<string, StatusAggregate>();
  let ignored = 0;
  for (const s of statuses) {
    const kind = s.status.toLowerCase() as Kind;
    if (!KINDS.includes(kind)) {
      ignored++;
      continue;
    }
    let agg = byWamid.get(s.id);
    if (!agg) byWamid.set(s.id, (agg = emptyAggregate(s.id)));
    if (!agg.biz && s.biz_opaque_callback_data && UUID_RE.test(s.biz_opaque_callback_data)) agg.biz = s.biz_opaque_callback_data.toLowerCase();
    if (!agg.waId && s.recipient_id) agg.waId = s.recipient_id;
    const at = s.timestamp;
    if (kind === "failed") {
      if (!agg.failed || at.getTime() >= agg.failed.getTime()) {
        const e = s.errors?.[0];
        agg.errorCode = e ? e.code : null;
        agg.errorTitle = errorTitle(e?.code ?? null, e?.title ?? e?.message ?? "Failed");
        agg.errorDetails = e?.error_data?.details ?? e?.message ?? null;
      }
      agg.failed = agg.failed && agg.failed.getTime() > at.getTime() ? agg.failed : at;
    } else {
      agg[kind] = earliest(agg[kind], at);
    }
    if (s.pricing || s.conversation) {
      agg.pricing = { ...(agg.pricing ?? {}), ...(s.pricing ?? {}), ...(s.conversation ? { conversation: s.conversation } : {}) };
    }
  }
  return { aggregates: [...byWamid.values()], ignored };
}

function toJson(aggregates: StatusAggregate[]): string {
  return JSON.stringify(
    aggregates.map((a) => ({
      wamid: a.wamid, biz: a.biz, wa_id: a.waId,
      sent_ts: a.sent?.toISOString() ?? null, delivered_ts: a.delivered?.toISOString() ?? null,
      read_ts: a.read?.toISOString() ?? null, failed_ts: a.failed?.toISOString() ?? null,
      error_code: a.errorCode, error_title: a.errorTitle?.slice(0, 500) ?? null, error_details: a.errorDetails?.slice(0, 2000) ?? null,
      pricing: a.pricing,
    })),
  );
}

const EV = (json: string) => Prisma.sql`
  SELECT * FROM jsonb_to_recordset(${json}::jsonb) AS e(
    wamid text, biz uuid, wa_id text, sent_ts timestamptz, delivered_ts timestamptz, read_ts timestamptz,
    failed_ts timestamptz, error_code int, error_title text, error_details text, pricing jsonb)`;

type UpdatedRecipient = {
  id: string; status: string; prev: string; campaign_id: string; whatsapp_message_id: string | null; error_code: number | null;
  customer_id: string | null; phone_number: string; wa_id: string | null; failed_at: Date | null; sent_at: Date | null;
};

/**
 * Applies aggregated statuses inside a transaction. Returns what changed; statuses of unknown messages
 * are stored in pending_status_events when `storeUnknown` (the default).
 */
export async function applyStatusAggregates(
  tx: Tx,
  aggregates: StatusAggregate[],
  options: { now: Date; timezone: string; storeUnknown?: boolean },
): Promise<Omit<StatusSummary, "received" | "ignored">> {
  const summary = { messages: aggregates.length, recipientsUpdated: 0, whatsappMessagesUpdated: 0, pending: 0, unsubscribed: 0, deferred: 0 };
  if (aggregates.length === 0) return summary;
  const json = toJson(aggregates);
  const { now, timezone } = options;
  const deferUntil = Prisma.sql`(greatest(${now}::timestamptz, t.failed_ts) + interval '24 hours')`;

  // lock every candidate row in id order (no deadlock with the engine or a concurrent webhook)
  await tx.$queryRaw(Prisma.sql`
    WITH ev AS (${EV(json)})
    SELECT r.id FROM campaign_recipients r
    WHERE r.id IN (SELECT biz FROM ev WHERE biz IS NOT NULL UNION SELECT o.id FROM ev JOIN campaign_recipients o ON o.whatsapp_message_id = ev.wamid)
    ORDER BY r.id FOR UPDATE`);

  const updated = await tx.$queryRaw<UpdatedRecipient[]>(Prisma.sql`
    WITH ev AS (${EV(json)}),
    m AS (
      SELECT DISTINCT ON (x.rid) x.rid, x.wamid FROM (
        SELECT r.id AS rid, ev.wamid, 1 AS pri FROM ev JOIN campaign_recipients r
          ON r.id = ev.biz AND (r.whatsapp_message_id IS NULL OR r.whatsapp_message_id = ev.wamid)
        UNION ALL
        SELECT r.id, ev.wamid, 2 FROM ev JOIN campaign_recipients r ON r.whatsapp_message_id = ev.wamid
      ) x ORDER BY x.rid, x.pri
    ),
    t AS (
      SELECT m.rid, r.status AS cur, ev.*,
        CASE
          WHEN r.status IN ('sending', 'unknown', 'queued', 'sent') AND ev.failed_ts IS NOT NULL AND ev.delivered_ts IS NULL AND ev.read_ts IS NULL
            THEN CASE WHEN ev.error_code = 131049 THEN 'pending' ELSE 'failed' END
          WHEN ev.read_ts IS NOT NULL AND r.status IN ('sending', 'unknown', 'queued', 'sent', 'delivered') THEN 'read'
          WHEN ev.delivered_ts IS NOT NULL AND r.status IN ('sending', 'unknown', 'queued', 'sent') THEN 'delivered'
          WHEN ev.sent_ts IS NOT NULL AND r.status IN ('sending', 'unknown', 'queued') THEN 'sent'
          ELSE r.status
        END AS next
      FROM m JOIN ev ON ev.wamid = m.wamid JOIN campaign_recipients r ON r.id = m.rid
    )
    UPDATE campaign_recipients r SET
      status = t.next,
      whatsapp_message_id = CASE WHEN r.whatsapp_message_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM campaign_recipients o WHERE o.whatsapp_message_id = t.wamid) THEN t.wamid ELSE r.whatsapp_message_id END,
      wa_id = coalesce(r.wa_id, t.wa_id),
      claim_id = CASE WHEN t.cur = 'sending' THEN NULL ELSE r.claim_id END,
      claimed_at = CASE WHEN t.cur = 'sending' THEN NULL ELSE r.claimed_at END,
      sent_on = CASE WHEN t.next = 'pending' THEN NULL
        ELSE coalesce(r.sent_on, (coalesce(t.sent_ts, t.delivered_ts, t.read_ts, t.failed_ts) AT TIME ZONE ${timezone})::date) END,
      sent_at = CASE
        WHEN t.next IN ('sent', 'delivered', 'read') AND t.cur IN ('sending', 'unknown', 'queued') AND t.sent_ts IS NOT NULL THEN t.sent_ts
        WHEN t.next IN ('sent', 'delivered', 'read') THEN coalesce(r.sent_at, t.sent_ts, t.delivered_ts, t.read_ts)
        ELSE r.sent_at END,
      delivered_at = CASE WHEN t.next IN ('delivered', 'read') THEN coalesce(r.delivered_at, t.delivered_ts, t.read_ts) ELSE r.delivered_at END,
      read_at = CASE WHEN t.next = 'read' THEN coalesce(r.read_at, t.read_ts) ELSE r.read_at END,
      failed_at = CASE WHEN t.next IN ('failed', 'pending') THEN t.failed_ts ELSE r.failed_at END,
      error_code = CASE WHEN t.next IN ('failed', 'pending') THEN t.error_code ELSE r.error_code END,
      failure_reason = CASE WHEN t.next IN ('failed', 'pending') THEN t.error_title ELSE r.failure_reason END,
      next_attempt_at = CASE WHEN t.next = 'pending' THEN ${deferUntil} ELSE r.next_attempt_at END,
      scheduled_send_date = CASE WHEN t.next = 'pending' THEN (${deferUntil} AT TIME ZONE ${timezone})::date ELSE r.scheduled_send_date END,
      deferred_reason = CASE WHEN t.next = 'pending' THEN 'meta_cap' ELSE r.deferred_reason END,
      retry_count = CASE WHEN t.next = 'pending' THEN r.retry_count + 1 ELSE r.retry_count END,
      updated_at = ${now}
    FROM t
    WHERE r.id = t.rid AND t.next <> t.cur
    RETURNING r.id, r.status, t.cur AS prev, r.campaign_id, r.whatsapp_message_id, r.error_code, r.customer_id, r.phone_number, r.wa_id, r.failed_at,
      coalesce(r.sent_at, t.sent_ts, t.delivered_ts, t.read_ts, t.failed_ts) AS sent_at`);
  summary.recipientsUpdated = updated.length;

  // the customer: 131050 unsubscribes, 131049 defers marketing everywhere for 24 h, wa_id learnt
  const optedOut = updated.filter((u) => u.status === "failed" && u.error_code === 131050);
  if (optedOut.length > 0) {
    const r = await applySubscriptionChanges(
      tx,
      optedOut.map((u) => ({ action: "unsubscribe" as const, at: u.failed_at ?? now, source: "whatsapp_error_131050", customerId: u.customer_id, phone: u.phone_number, waId: u.wa_id })),
    );
    summary.unsubscribed = r.unsubscribed;
  }
  const capped = updated.filter((u) => u.status === "pending" && u.error_code === 131049);
  summary.deferred = capped.length;
  if (capped.length > 0) {
    await tx.$executeRaw(Prisma.sql`
      UPDATE user_profiles p SET marketing_deferred_until = x.until, updated_at = ${now}
      FROM (
        SELECT p2.id, max(r.next_attempt_at) AS until
        FROM campaign_recipients r
        JOIN user_profiles p2 ON p2.id = r.customer_id OR (r.customer_id IS NULL AND p2.whatsapp_phone = r.phone_number)
        WHERE r.id = ANY(${capped.map((c) => c.id)}::uuid[])
        GROUP BY p2.id
      ) x
      WHERE p.id = x.id AND (p.marketing_deferred_until IS NULL OR p.marketing_deferred_until < x.until)`);
  }
  const learnt = updated.filter((u) => u.customer_id && u.wa_id);
  if (learnt.length > 0) {
    await tx.$executeRaw(Prisma.sql`
      UPDATE user_profiles p SET wa_id = x.wa_id, updated_at = ${now}
      FROM (SELECT DISTINCT ON (c) c, w AS wa_id FROM unnest(${learnt.map((u) => u.customer_id!)}::uuid[], ${learnt.map((u) => u.wa_id!)}::text[]) AS u(c, w) ORDER BY c) x
      WHERE p.id = x.c AND p.wa_id IS NULL`);
  }

  // a reconciled send (the process died, or the webhook beat the engine's write) gets its whatsapp_messages
  // row here: it counts towards the messaging limit, and the engine's own insert becomes a no-op
  const reconciled = updated.filter((u) => (u.prev === "sending" || u.prev === "unknown") && u.whatsapp_message_id);
  if (reconciled.length > 0) {
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO whatsapp_messages (id, direction, campaign_id, recipient_id, phone_number, wa_id, whatsapp_message_id, status,
        message_type, template_name, language_code, sent_at, created_at, updated_at)
      SELECT gen_random_uuid(), 'outbound', v.campaign_id, v.id, v.phone, v.wa_id, v.wamid, 'queued', 'template', c.template_name, c.language_code,
        v.sent_at, ${now}, ${now}
      FROM unnest(${reconciled.map((u) => u.id)}::uuid[], ${reconciled.map((u) => u.campaign_id)}::uuid[], ${reconciled.map((u) => u.phone_number)}::text[],
                  ${reconciled.map((u) => u.wa_id)}::text[], ${reconciled.map((u) => u.whatsapp_message_id)}::text[],
                  ${reconciled.map((u) => u.sent_at?.toISOString() ?? null)}::timestamptz[]) AS v(id, campaign_id, phone, wa_id, wamid, sent_at)
      LEFT JOIN marketing_campaigns c ON c.id = v.campaign_id
      ORDER BY v.wamid
      ON CONFLICT (whatsapp_message_id) DO NOTHING`);
  }

  // whatsapp_messages (campaign sends and test sends): the same forward-only rules
  summary.whatsappMessagesUpdated = await tx.$executeRaw(Prisma.sql`
    WITH ev AS (${EV(json)}),
    t AS (
      SELECT w.id AS wid, w.status AS cur, ev.*,
        CASE
          WHEN w.status IN ('sending', 'unknown', 'queued', 'sent') AND ev.failed_ts IS NOT NULL AND ev.delivered_ts IS NULL AND ev.read_ts IS NULL THEN 'failed'
          WHEN ev.read_ts IS NOT NULL AND w.status IN ('sending', 'unknown', 'queued', 'sent', 'delivered') THEN 'read'
          WHEN ev.delivered_ts IS NOT NULL AND w.status IN ('sending', 'unknown', 'queued', 'sent') THEN 'delivered'
          WHEN ev.sent_ts IS NOT NULL AND w.status IN ('sending', 'unknown', 'queued') THEN 'sent'
          ELSE w.status
        END AS next
      FROM ev JOIN whatsapp_messages w ON w.whatsapp_message_id = ev.wamid
      WHERE w.direction = 'outbound'
      ORDER BY w.id FOR UPDATE OF w
    )
    UPDATE whatsapp_messages w SET
      status = t.next,
      wa_id = coalesce(w.wa_id, t.wa_id),
      sent_at = CASE WHEN t.next IN ('sent', 'delivered', 'read') THEN coalesce(w.sent_at, t.sent_ts, t.delivered_ts, t.read_ts) ELSE w.sent_at END,
      delivered_at = CASE WHEN t.next IN ('delivered', 'read') THEN coalesce(w.delivered_at, t.delivered_ts, t.read_ts) ELSE w.delivered_at END,
      read_at = CASE WHEN t.next = 'read' THEN coalesce(w.read_at, t.read_ts) ELSE w.read_at END,
      failed_at = CASE WHEN t.next = 'failed' THEN t.failed_ts ELSE w.failed_at END,
      error_code = CASE WHEN t.next = 'failed' THEN t.error_code ELSE w.error_code END,
      error_title = CASE WHEN t.next = 'failed' THEN t.error_title ELSE w.error_title END,
      pricing = coalesce(w.pricing, '{}'::jsonb) || coalesce(t.pricing, '{}'::jsonb),
      updated_at = ${now}
    FROM t
    WHERE w.id = t.wid AND (t.next <> t.cur OR (t.pricing IS NOT NULL AND NOT coalesce(w.pricing, '{}'::jsonb) @> t.pricing))`);

  if (options.storeUnknown !== false) {
    summary.pending = await tx.$executeRaw(Prisma.sql`
      WITH ev AS (${EV(json)})
      INSERT INTO pending_status_events (id, whatsapp_message_id, recipient_id, status, occurred_at, error_code, error_title, raw)
      SELECT gen_random_uuid(), ev.wamid, ev.biz, s.status, s.ts,
        CASE WHEN s.status = 'failed' THEN ev.error_code END, CASE WHEN s.status = 'failed' THEN ev.error_title END,
        jsonb_strip_nulls(jsonb_build_object('wa_id', ev.wa_id, 'pricing', ev.pricing,
          'error_details', CASE WHEN s.status = 'failed' THEN ev.error_details END))
      FROM ev CROSS JOIN LATERAL (VALUES ('sent', ev.sent_ts), ('delivered', ev.delivered_ts), ('read', ev.read_ts), ('failed', ev.failed_ts)) AS s(status, ts)
      WHERE s.ts IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.whatsapp_message_id = ev.wamid)
        AND NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.id = ev.biz AND r.whatsapp_message_id IS NULL)
        AND NOT EXISTS (SELECT 1 FROM whatsapp_messages w WHERE w.whatsapp_message_id = ev.wamid)
      ORDER BY ev.wamid, s.status
      ON CONFLICT (whatsapp_message_id, status) DO NOTHING`);
  }
  return summary;
}

type PendingRow = {
  id: string; whatsapp_message_id: string; recipient_id: string | null; status: string; occurred_at: Date;
  error_code: number | null; error_title: string | null; raw: { wa_id?: string; pricing?: Record<string, unknown>; error_details?: string } | null;
};

/**
 * Applies the stored statuses of messages that are now known: call it after recording sends (with the
 * recipient ids just written), or without ids to sweep everything. Bounded per call; idempotent.
 */
export async function applyPendingStatusEvents({ db, now, timezone = "UTC", recipientIds, limit = 5000 }: {
  db: Db; now: Date; timezone?: string; recipientIds?: string[]; limit?: number;
}): Promise<{ applied: number; recipientsUpdated: number }> {
  if (recipientIds && recipientIds.length === 0) return { applied: 0, recipientsUpdated: 0 };
  return withRetry(() =>
    db.$transaction(async (tx) => {
      const filter = recipientIds
        ? Prisma.sql`(p.recipient_id = ANY(${recipientIds}::uuid[])
            OR p.whatsapp_message_id IN (SELECT whatsapp_message_id FROM campaign_recipients WHERE id = ANY(${recipientIds}::uuid[]) AND whatsapp_message_id IS NOT NULL))`
        : Prisma.sql`TRUE`;
      const rows = await tx.$queryRaw<PendingRow[]>(Prisma.sql`
        SELECT p.id, p.whatsapp_message_id, p.recipient_id, p.status, p.occurred_at, p.error_code, p.error_title, p.raw
        FROM pending_status_events p
        WHERE ${filter} AND (
          EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.whatsapp_message_id = p.whatsapp_message_id)
          OR EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.id = p.recipient_id AND r.whatsapp_message_id IS NULL AND r.status IN ('sending', 'unknown'))
          OR EXISTS (SELECT 1 FROM whatsapp_messages w WHERE w.whatsapp_message_id = p.whatsapp_message_id))
        ORDER BY p.id LIMIT ${limit} FOR UPDATE OF p SKIP LOCKED`);
      if (rows.length === 0) return { applied: 0, recipientsUpdated: 0 };
      const byWamid = new Map<string, StatusAggregate>();
      for (const row of rows) {
        let agg = byWamid.get(row.whatsapp_message_id);
        if (!agg) byWamid.set(row.whatsapp_message_id, (agg = emptyAggregate(row.whatsapp_message_id)));
        agg.biz ??= row.recipient_id;
        agg.waId ??= row.raw?.wa_id ?? null;
        if (row.raw?.pricing) agg.pricing = { ...(agg.pricing ?? {}), ...row.raw.pricing };
        const kind = row.status as Kind;
        if (kind === "failed") {
          agg.failed = row.occurred_at;
          agg.errorCode = row.error_code;
          agg.errorTitle = row.error_title;
          agg.errorDetails = row.raw?.error_details ?? null;
        } else if (KINDS.includes(kind)) {
          agg[kind] = earliest(agg[kind], row.occurred_at);
        }
      }
      const result = await applyStatusAggregates(tx, [...byWamid.values()], { now, timezone, storeUnknown: false });
      await tx.$executeRaw(Prisma.sql`DELETE FROM pending_status_events WHERE id = ANY(${rows.map((r) => r.id)}::uuid[])`);
      return { applied: rows.length, recipientsUpdated: result.recipientsUpdated };
    }, { timeout: 30_000 }),
  );
}

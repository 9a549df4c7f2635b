/**
 * Status events (sent, delivered, read, failed) from the inbox → campaign_recipients and
 * whatsapp_messages, set-based, inside the applier's chunk transaction.
 *
 *  - A chunk's statuses are aggregated per message (wamid): the earliest time of each kind.
 *  - A recipient is matched by wamid, or by our recipient id echoed as biz_opaque_callback_data while it
 *    has no wamid and its outcome is unknown — or it is pending again (retry-unknown put it back): the
 *    status proves the send happened, so it is recorded as sent (never dropped, never sent twice).
 *  - Forward only: queued → sent → delivered → read; failed only from queued/sent (and unknown); a 'read'
 *    without 'delivered' sets both; the same status twice changes nothing.
 *  - `failed` is classified like a send error (lib/whatsapp/errors.ts), and the recipient is treated as
 *    the send's answer would have it: meta_cap (131049) defers them ≥ 24 h and costs an attempt (failed at
 *    the default number of attempts, so a customer Meta keeps capping does not keep the campaign open); a template- or account-class
 *    failure (the template paused, the account restricted or unpaid) puts them back to pending untouched,
 *    sent again once the campaign resumes or the hold is released (they never got it); a retry-class one
 *    (131000, …) puts them back with the engine's backoff and costs an attempt (failed after the default
 *    number of attempts); anything else (131026, 131050, …) fails them. The class's effects on the customer,
 *    campaign and account are error-effects.ts's, the same as a send's answer (a test send's failed status
 *    too). An account failure that does not hold sending is retried like a retry-class one, and 132018 fails
 *    the recipient (see putBack). A recipient put back loses the failed message's id: a late status of that
 *    message (its "sent", arriving after "failed") is applied to its whatsapp_messages row only, and is never
 *    taken for proof of another attempt.
 *  - A status for a message we have not recorded yet is left in the inbox (`unresolved`), and applied
 *    once the processor records the send.
 *  - An erased customer's rows get nothing written back (no wa_id).
 *  - A message delivered or read recounts its customer's undeliverable count when they have one (to 0,
 *    unless failures came after it: customers/undeliverable.ts); a 131026 failure recounts it (error-effects.ts).
 *  - Lock order: every recipient the chunk writes in one statement, then every customer it writes in one
 *    statement (customers/lock-customers.ts), both in id order, before any write.
 *  - statuses[].pricing is kept per message (whatsapp_messages.pricing_*), and sets the message's cost once
 *    in the same update (cost/apply-message-costs.ts prices it first; the per-campaign, per-day spend is
 *    appended by the same statement).
 * Counters, the schedule and analytics follow campaign_recipients by trigger (counter deltas).
 */
import { classifyError, CUSTOMER_DATA_CODES, errorTitle } from "@/lib/whatsapp/errors";
import { ZStatusError } from "@/lib/whatsapp/webhook/schema";
import { executeRows, Prisma, readRows, type PlainRead, type Tx } from "../db";
import { applyErrorEffects, errorEffectLockKeys, type ErrorFailure } from "./error-effects";
import { lockCustomers, mergeLockKeys, type CustomerLockKeys } from "../customers/lock-customers";
import { clearUndeliverableOfCustomers } from "../customers/undeliverable";
import { ENGINE_DEFAULTS } from "../engine-config";
import { HOLD_ERROR_CODES } from "../sending/account-health";
import type { UserIdTouches } from "./apply-subscription-changes";
import { COST_DAILY_SQL, costSetSql, priceMessages } from "../cost/apply-message-costs";
import { DELIVERED_SQL, gaveUpReasonSql, RETRY_BACKOFF_SQL } from "../recipients/recipient-status-sql";

export type StatusRow = { id: bigint; wamid: string; recipient_id: string | null; status: string; occurred_at: Date; value: unknown };

type Agg = {
  wamid: string; biz: string | null; waId: string | null; userId: string | null;
  sent: Date | null; delivered: Date | null; read: Date | null; failed: Date | null; failedSeq: bigint;
  errorCode: number | null; errorTitle: string | null; errorDetails: string | null; pricing: Record<string, unknown> | null;
};

export type StatusSummary = {
  statuses: number; recipients_updated: number; messages_updated: number; unresolved: number;
  unsubscribed: number; deferred: number; campaigns_paused: number; account_errors: number;
  /** campaigns with recipients this put back to pending (a 131049, a retry- or template-class failure) */
  requeued_campaigns: string[];
};

const earliest = (a: Date | null, b: Date) => (a && a.getTime() <= b.getTime() ? a : b);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * The fields the applier reads from a stored status. The store kept it only if it matched ZStatus, so
 * this reads them without a second full parse (the applier's hot path); only an error entry (failed
 * statuses) goes through its schema again, for its code's coercion.
 */
function statusFields(value: unknown) {
  if (!isObject(value)) return null;
  const e = Array.isArray(value.errors) && value.errors.length > 0 ? ZStatusError.safeParse(value.errors[0]) : null;
  return {
    recipient_id: text(value.recipient_id), recipient_user_id: text(value.recipient_user_id),
    errors: e?.success ? [e.data] : undefined,
    pricing: isObject(value.pricing) ? value.pricing : undefined,
    conversation: isObject(value.conversation) ? value.conversation : undefined,
  };
}

/** A chunk's statuses, one entry per message (wamid): the earliest sent/delivered/read, the latest failure with its error, pricing merged. */
export function aggregateStatuses(rows: StatusRow[]): Agg[] {
  const by = new Map<string, Agg>();
  for (const row of rows) {
    const s = statusFields(row.value);
    let a = by.get(row.wamid);
    if (!a) {
      a = { wamid: row.wamid, biz: null, waId: null, userId: null, sent: null, delivered: null, read: null, failed: null, failedSeq: 0n, errorCode: null, errorTitle: null, errorDetails: null, pricing: null };
      by.set(row.wamid, a);
    }
    a.biz ??= row.recipient_id;
    a.waId ??= s?.recipient_id ?? null;
    a.userId ??= s?.recipient_user_id ?? null;
    const at = row.occurred_at;
    if (row.status === "failed") {
      if (!a.failed || at.getTime() >= a.failed.getTime()) {
        const e = s?.errors?.[0];
        a.failed = at;
        a.failedSeq = row.id;
        a.errorCode = e ? e.code : null;
        a.errorTitle = errorTitle(e?.code ?? null, e?.title ?? e?.message ?? "Failed");
        a.errorDetails = e?.error_data?.details ?? e?.message ?? null;
      }
    } else if (row.status === "sent" || row.status === "delivered" || row.status === "read") {
      a[row.status] = earliest(a[row.status], at);
    }
    if (s?.pricing || s?.conversation) a.pricing = { ...(a.pricing ?? {}), ...(s.pricing ?? {}), ...(s.conversation ? { conversation: s.conversation } : {}) };
  }
  return [...by.values()];
}

/**
 * The chunk's events (one per message) are sent once, as a transaction-local setting that each of the
 * statements below reads: a parameter of a few hundred KB costs the ORM ~15–20 ms of CPU every time it is
 * sent (measured; plain pg: ~1 ms), and the same text makes them the same prepared statements every chunk.
 */
const EV_SETTING = "wac.status_events";
/** the recipients the chunk's lock statement locked (ids, comma-separated): the only ones it updates */
const LOCKED_SETTING = "wac.status_locked_recipients";
const EV = Prisma.sql`
  SELECT * FROM jsonb_to_recordset(current_setting(${EV_SETTING})::jsonb) AS e(
    wamid text, biz uuid, wa_id text, user_id text, sent_ts timestamptz, delivered_ts timestamptz, read_ts timestamptz,
    failed_ts timestamptz, error_code int, error_class text, put_back text, error_title text, error_details text, pricing jsonb)`;

type Updated = {
  id: string; status: string; prev: string; campaign_id: string; whatsapp_message_id: string | null; error_code: number | null; error_class: string | null;
  failure_reason: string | null; customer_id: string | null; phone_number: string; wa_id: string | null; failed_at: Date | null; sent_at: Date | null;
};

/**
 * A failed status's error class, for its effects (error-effects.ts): a send's (classifyError), except 132018
 * (a value Meta refuses), which is the recipient's here: whether the value came from customer data is not
 * known from a status, and one customer's value must not pause the campaign at every resume.
 */
function statusErrorClass(code: number | null): string {
  if (code !== null && CUSTOMER_DATA_CODES.has(code)) return "permanent";
  return classifyError(code);
}

/**
 * What a failed status does to its recipient, when it is not failed: 'defer' (131049: a day later),
 * 'release' (a template failure, or an account failure that holds sending: sent again once the campaign
 * resumes or the hold is released, no attempt spent), 'retry' (a retry-class failure, or an account failure
 * that does not hold sending, which would otherwise be sent again at once, run after run: the backoff and an
 * attempt). Null: the recipient fails.
 */
function putBack(code: number | null): "defer" | "release" | "retry" | null {
  const c = statusErrorClass(code);
  if (c === "meta_cap") return "defer";
  if (c === "template" || (c === "account" && code !== null && HOLD_ERROR_CODES.has(code))) return "release";
  if (c === "retry" || c === "account") return "retry";
  return null;
}

/**
 * Applies status rows; returns what changed and the wamids that are still unknown (left in the inbox).
 * `touched` collects the user ids given to customers (recipient_user_id): the caller settles their held
 * subscription changes (apply-subscription-changes.ts) before it commits. `alsoLock` / `alsoLockRecipients`:
 * customers and recipients (a subquery of ids) the caller writes later in the same transaction, locked with
 * the statuses' own: every recipient in one statement, then every customer in one statement
 * (customers/lock-customers.ts).
 */
export async function applyStatuses(tx: Tx, rows: StatusRow[], { now, timezone, touched, alsoLock, alsoLockRecipients, read }: {
  now: Date; timezone: string; touched?: UserIdTouches; alsoLock?: CustomerLockKeys; alsoLockRecipients?: Prisma.Sql | null;
  /** a plain query on `tx`'s own connection (RunInTransaction): the statements below that return a row per recipient or message use it */
  read?: PlainRead;
}): Promise<{ summary: StatusSummary; unresolved: Set<string> }> {
  const summary: StatusSummary = { statuses: rows.length, recipients_updated: 0, messages_updated: 0, unresolved: 0, unsubscribed: 0, deferred: 0, campaigns_paused: 0, account_errors: 0, requeued_campaigns: [] };
  const aggs = aggregateStatuses(rows);
  if (aggs.length === 0) return { summary, unresolved: new Set() };
  const json = JSON.stringify(aggs.map((a) => ({
    wamid: a.wamid, biz: a.biz, wa_id: a.waId, user_id: a.userId,
    sent_ts: a.sent?.toISOString() ?? null, delivered_ts: a.delivered?.toISOString() ?? null, read_ts: a.read?.toISOString() ?? null, failed_ts: a.failed?.toISOString() ?? null,
    error_code: a.errorCode, error_class: a.failed ? statusErrorClass(a.errorCode) : null, put_back: a.failed ? putBack(a.errorCode) : null,
    error_title: a.errorTitle?.slice(0, 500) ?? null, error_details: a.errorDetails?.slice(0, 2000) ?? null, pricing: a.pricing,
  })));

  // (the value set is not sent back)
  await executeRows(tx, Prisma.sql`SELECT set_config(${EV_SETTING}, ${json}, true) IS NOT NULL AS set`, read);

  // one statement locks every candidate recipient in id order (no deadlock with the engine, another
  // applier or a reader assigning markets) and tells the messages recorded before this point: their
  // statuses are applied below whatever happens concurrently. Only the rows locked here are updated below:
  // a send recorded after this statement would be locked by the update in its join's order, against
  // writers holding rows in id order (a deadlock, seen with assignMarkets); its statuses stay in the inbox
  // for the processor's own apply or the next drain
  const [lock] = await tx.$queryRaw<Array<{ wamids: string[] }>>(Prisma.sql`
    WITH ev AS (${EV}),
    locked AS (
      -- two index lookups (by echoed id, by message id); an OR of the two subqueries would read the whole table
      SELECT r.id, r.whatsapp_message_id FROM campaign_recipients r
      WHERE r.id IN (
        SELECT r1.id FROM ev JOIN campaign_recipients r1 ON r1.id = ev.biz WHERE r1.whatsapp_message_id IS NULL AND r1.status IN ('unknown', 'pending')
          AND NOT EXISTS (SELECT 1 FROM whatsapp_messages w WHERE w.whatsapp_message_id = ev.wamid)
        UNION
        SELECT r2.id FROM ev JOIN campaign_recipients r2 ON r2.whatsapp_message_id = ev.wamid
        ${alsoLockRecipients ? Prisma.sql`UNION SELECT x.id FROM (${alsoLockRecipients}) x` : Prisma.empty})
      ORDER BY r.id FOR UPDATE
    )
    -- the locked ids stay in the server, as a transaction-local setting the update reads
    SELECT set_config(${LOCKED_SETTING}, coalesce((SELECT string_agg(id::text, ',') FROM locked), ''), true) IS NOT NULL AS set,
      ARRAY(
        SELECT whatsapp_message_id FROM locked WHERE whatsapp_message_id IS NOT NULL
        UNION
        SELECT ev.wamid FROM ev WHERE EXISTS (SELECT 1 FROM whatsapp_messages w WHERE w.whatsapp_message_id = ev.wamid)) AS wamids`);
  const updated = await readRows<Updated>(tx, Prisma.sql`
    WITH ev AS (${EV}),
    m AS (
      SELECT DISTINCT ON (x.rid) x.rid, x.wamid, x.proof FROM (
        SELECT r.id AS rid, ev.wamid, 1 AS pri, false AS proof FROM ev JOIN campaign_recipients r ON r.whatsapp_message_id = ev.wamid
        UNION ALL
        SELECT r.id, ev.wamid, 2, true FROM ev JOIN campaign_recipients r
          ON r.id = ev.biz AND r.whatsapp_message_id IS NULL AND r.status IN ('unknown', 'pending')
          -- a status of a message we recorded proves that message, never another attempt (a recipient put
          -- back to pending after its message failed gets that message's late "sent")
          AND NOT EXISTS (SELECT 1 FROM whatsapp_messages w WHERE w.whatsapp_message_id = ev.wamid)
      ) x
      WHERE x.rid IN (SELECT unnest(string_to_array(nullif(current_setting(${LOCKED_SETTING}), ''), ','))::uuid)
      ORDER BY x.rid, x.pri
    ),
    t AS (
      -- a recipient matched by its echoed id has been sent whatever its status says now
      SELECT m.rid, r.status AS cur, r.retry_count AS tries, CASE WHEN m.proof THEN 'unknown' ELSE r.status END AS eff, ev.*
      FROM m JOIN ev ON ev.wamid = m.wamid JOIN campaign_recipients r ON r.id = m.rid
    ),
    d AS (
      SELECT t.*,
        CASE
          WHEN t.eff IN ('unknown', 'queued', 'sent') AND t.failed_ts IS NOT NULL AND t.delivered_ts IS NULL AND t.read_ts IS NULL
            THEN CASE WHEN t.put_back = 'release' THEN 'pending'
                      WHEN t.put_back IN ('defer', 'retry') AND t.tries + 1 < ${ENGINE_DEFAULTS.maxAttempts}::int THEN 'pending'
                      ELSE 'failed' END
          WHEN t.read_ts IS NOT NULL AND t.eff IN ('unknown', 'queued', 'sent', 'delivered') THEN 'read'
          WHEN t.delivered_ts IS NOT NULL AND t.eff IN ('unknown', 'queued', 'sent') THEN 'delivered'
          WHEN t.sent_ts IS NOT NULL AND t.eff IN ('unknown', 'queued') THEN 'sent'
          ELSE t.cur
        END AS next
      FROM t
    )
    UPDATE campaign_recipients r SET
      status = d.next,
      -- back to pending: the failed message's id goes (it stays on its whatsapp_messages row), so the next
      -- attempt's statuses, or its proof by echoed id, find the recipient
      whatsapp_message_id = CASE WHEN d.next = 'pending' THEN NULL WHEN r.whatsapp_message_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM campaign_recipients o WHERE o.whatsapp_message_id = d.wamid) THEN d.wamid ELSE r.whatsapp_message_id END,
      wa_id = CASE WHEN r.phone_number LIKE 'erased:%' THEN r.wa_id ELSE coalesce(r.wa_id, d.wa_id) END,
      claim_id = CASE WHEN d.eff = 'unknown' THEN NULL ELSE r.claim_id END,
      claimed_at = CASE WHEN d.eff = 'unknown' THEN NULL ELSE r.claimed_at END,
      sent_on = CASE WHEN d.next = 'pending' THEN NULL
        ELSE coalesce(r.sent_on, (coalesce(d.sent_ts, d.delivered_ts, d.read_ts, d.failed_ts) AT TIME ZONE ${timezone})::date) END,
      -- a send we recorded keeps its time (the spec's sent_at = NOW() at the send, as its whatsapp_messages
      -- row does): a delivery status then changes no indexed column (the failure guard's index has sent_at),
      -- so its update is HOT. A send whose outcome was unknown takes WhatsApp's sent time.
      sent_at = CASE
        WHEN d.next IN ('sent', 'delivered', 'read') AND d.eff = 'unknown' AND d.sent_ts IS NOT NULL THEN d.sent_ts
        WHEN d.next IN ('sent', 'delivered', 'read') THEN coalesce(r.sent_at, d.sent_ts, d.delivered_ts, d.read_ts, d.failed_ts)
        ELSE r.sent_at END,
      delivered_at = CASE WHEN d.next IN ${DELIVERED_SQL} THEN coalesce(r.delivered_at, d.delivered_ts, d.read_ts) ELSE r.delivered_at END,
      read_at = CASE WHEN d.next = 'read' THEN coalesce(r.read_at, d.read_ts) ELSE r.read_at END,
      failed_at = CASE WHEN d.next IN ('failed', 'pending') THEN d.failed_ts ELSE r.failed_at END,
      error_code = CASE WHEN d.next IN ('failed', 'pending') THEN d.error_code ELSE r.error_code END,
      failure_reason = CASE WHEN d.next = 'failed' AND d.put_back IN ('defer', 'retry') THEN ${gaveUpReasonSql(Prisma.sql`d.error_title`)}
        WHEN d.next IN ('failed', 'pending') THEN d.error_title ELSE r.failure_reason END,
      -- back to pending: 131049 a day later (deferred), a retry after the engine's backoff (finish-batch.ts),
      -- a template or account failure as soon as the campaign may send again
      next_attempt_at = CASE WHEN d.next <> 'pending' THEN r.next_attempt_at
        WHEN d.put_back = 'defer' THEN greatest(${now}::timestamptz, d.failed_ts) + interval '24 hours'
        WHEN d.put_back = 'retry' THEN greatest(${now}::timestamptz, d.failed_ts) + ${RETRY_BACKOFF_SQL}
        ELSE NULL END,
      scheduled_send_date = CASE WHEN d.next <> 'pending' THEN r.scheduled_send_date
        WHEN d.put_back = 'defer' THEN ((greatest(${now}::timestamptz, d.failed_ts) + interval '24 hours') AT TIME ZONE ${timezone})::date
        WHEN d.put_back = 'retry' THEN ((greatest(${now}::timestamptz, d.failed_ts) + ${RETRY_BACKOFF_SQL}) AT TIME ZONE ${timezone})::date
        ELSE r.scheduled_send_date END,
      deferred_reason = CASE WHEN d.next <> 'pending' THEN r.deferred_reason WHEN d.put_back = 'defer' THEN 'meta_cap' ELSE NULL END,
      retry_count = CASE WHEN d.next = 'pending' AND d.put_back IN ('defer', 'retry') THEN r.retry_count + 1
        WHEN d.next = 'failed' AND d.put_back IN ('defer', 'retry') THEN r.retry_count + 1 ELSE r.retry_count END,
      outcome_unknown_at = CASE WHEN d.next <> 'unknown' THEN NULL ELSE r.outcome_unknown_at END,
      updated_at = ${now}
    FROM d
    -- r.status = d.cur: the next status was computed from the row as this statement's snapshot saw it (the
    -- rows are all locked by this transaction, so this holds; kept as the statement's own guard against
    -- writing a status computed from an old row, a read moved back to delivered).
    WHERE r.id = d.rid AND d.next <> d.cur AND r.status = d.cur
    RETURNING r.id, r.status, d.cur AS prev, r.campaign_id, r.whatsapp_message_id, r.error_code, d.error_class, r.failure_reason, r.customer_id,
      r.phone_number, r.wa_id, r.failed_at, coalesce(r.sent_at, d.sent_ts, d.delivered_ts, d.read_ts, d.failed_ts) AS sent_at`, read);
  summary.recipients_updated = updated.length;
  const failedNow = updated.filter((u) => u.status === "failed" && u.prev !== "failed");

  const seqOf = new Map(aggs.map((a) => [a.wamid, a.failedSeq]));
  // (a failed status is the only way to pending here; a campaign that completed before it arrived is active
  // again as soon as this chunk has committed: applyInbox's reopenCompletedCampaigns, and at the start of every run)
  summary.requeued_campaigns = [...new Set(updated.filter((u) => u.status === "pending").map((u) => u.campaign_id))];
  const failures: ErrorFailure[] = [
    ...failedNow,
    ...updated.filter((u) => u.status === "pending"),
  ].map((u) => ({
    errorClass: u.error_class, code: u.error_code, title: u.failure_reason ?? errorTitle(u.error_code), campaignId: u.campaign_id,
    recipientId: u.id, customerId: u.customer_id, phone: u.phone_number, waId: u.wa_id, at: u.failed_at ?? now,
    seq: seqOf.get(u.whatsapp_message_id ?? "") ?? 0n,
  }));
  // a message delivered or read proves the number works: the customer's undeliverable count and mark go
  const reached = updated.flatMap((u) => (u.customer_id && (u.status === "delivered" || u.status === "read") ? [u.customer_id] : []));
  // wa_id / user id learnt for the customer (never for an erased one). A wa_id equal to the number is not
  // stored: every match reads the number and the wa_id alike, so it would add nothing, and writing it
  // touches every index of the customer (wa_id is indexed): the first statuses of a campaign would rewrite
  // each customer it reached
  const learnt = updated.filter((u) => u.customer_id && u.wa_id && u.wa_id !== u.phone_number && !u.phone_number.startsWith("erased:"));
  const withUserId = aggs.filter((a) => a.userId);
  const learntIds = learnt.map((u) => u.customer_id!);
  const learntWaIds = learnt.map((u) => u.wa_id!);

  // every customer this chunk writes (the error classes' effects, a cleared count, a wa_id or user id
  // learnt, and the caller's own: the senders of the chunk's messages), locked in one statement in id order
  // (customers/lock-customers.ts): each statement below finds its rows held already, so concurrent appliers
  // and the processor, whose customers cross, never deadlock. Only customers with a count, without a wa_id
  // or without the status's user id are taken for those rules: a chunk of deliveries locks almost nobody
  await lockCustomers(tx, mergeLockKeys(errorEffectLockKeys(failures), alsoLock, {
    countedIds: reached, withoutWaIds: learntIds, messageUserIds: withUserId.map((a) => ({ wamid: a.wamid, userId: a.userId! })),
    // a test send's failure (applied below, once the message rows are) defers or unsubscribes its number's customers
    testMessageIds: aggs.filter((a) => a.failed && ["meta_cap", "opted_out"].includes(statusErrorClass(a.errorCode))).map((a) => a.wamid),
  }));

  // the error class's effects (error-effects.ts): opted_out unsubscribes the customer (ordered among their
  // own WhatsApp events), meta_cap defers them everywhere, template pauses the campaign, account is recorded
  const effects = await applyErrorEffects(tx, failures, { now, customersLocked: true });
  summary.unsubscribed = effects.unsubscribed;
  summary.deferred = updated.filter((u) => u.status === "pending" && u.error_class === "meta_cap").length;
  summary.campaigns_paused = effects.campaigns_paused;
  summary.account_errors = effects.account_errors;

  // (customers/undeliverable.ts; one index probe per customer, a write only for those with a count)
  await clearUndeliverableOfCustomers(tx, { customerIds: reached, now });

  if (learnt.length > 0) {
    await tx.$executeRaw(Prisma.sql`
      UPDATE user_profiles p SET wa_id = x.wa_id, updated_at = ${now}
      FROM (SELECT DISTINCT ON (c) c, w AS wa_id FROM unnest(${learntIds}::uuid[], ${learntWaIds}::text[]) AS u(c, w) ORDER BY c) x
      WHERE p.id = x.c AND p.wa_id IS NULL AND p.whatsapp_phone <> x.wa_id`);
  }
  if (withUserId.length > 0) {
    const linked = await tx.$queryRaw<Array<{ user_id: string }>>(Prisma.sql`
      UPDATE user_profiles p SET user_id = x.user_id, updated_at = ${now}
      FROM (SELECT DISTINCT ON (r.customer_id) r.customer_id, u.user_id FROM unnest(${withUserId.map((a) => a.wamid)}::text[], ${withUserId.map((a) => a.userId!)}::text[]) AS u(wamid, user_id)
            JOIN campaign_recipients r ON r.whatsapp_message_id = u.wamid WHERE r.customer_id IS NOT NULL ORDER BY r.customer_id) x
      WHERE p.id = x.customer_id AND p.user_id IS DISTINCT FROM x.user_id AND p.whatsapp_phone !~ '^erased:'
      RETURNING p.user_id`);
    for (const l of linked) touched?.add(l.user_id);
  }

  // a send proven by its echoed id gets its whatsapp_messages row here (it counts towards the limits)
  const proven = updated.filter((u) => (u.prev === "sending" || u.prev === "unknown" || u.prev === "pending") && u.whatsapp_message_id);
  if (proven.length > 0) {
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO whatsapp_messages (id, direction, campaign_id, recipient_id, phone_number, wa_id, whatsapp_message_id, status,
        message_type, template_name, language_code, sent_at, created_at, updated_at)
      SELECT uuidv7(), 'outbound', v.campaign_id, v.id, v.phone, v.wa_id, v.wamid, 'queued', 'template', c.template_name, c.language_code,
        v.sent_at, ${now}, ${now}
      FROM unnest(${proven.map((u) => u.id)}::uuid[], ${proven.map((u) => u.campaign_id)}::uuid[], ${proven.map((u) => u.phone_number)}::text[],
                  ${proven.map((u) => u.wa_id)}::text[], ${proven.map((u) => u.whatsapp_message_id)}::text[],
                  ${proven.map((u) => u.sent_at?.toISOString() ?? null)}::timestamptz[]) AS v(id, campaign_id, phone, wa_id, wamid, sent_at)
      LEFT JOIN marketing_campaigns c ON c.id = v.campaign_id
      ORDER BY v.wamid
      ON CONFLICT (whatsapp_message_id) DO NOTHING`);
  }

  // each message's actual cost, once, from its pricing (cost/apply-message-costs.ts): computed here, written
  // by the messages' update below with the rest of the row
  const costs = await priceMessages(tx, {
    pricing: new Map(aggs.filter((a) => a.pricing).map((a) => [a.wamid, a.pricing!])),
    sentAt: new Map(aggs.flatMap((a) => { const at = a.sent ?? a.delivered ?? a.read; return at ? [[a.wamid, at] as const] : []; })),
    timezone,
  });
  const costJson = JSON.stringify([...costs].map(([wamid, c]) => ({ wamid, amount: c.amount, currency: c.currency, market: c.market, card: c.card, day: c.day })));

  // whatsapp_messages (campaign sends and test sends): the same forward-only rules, the pricing and the cost
  const messages = await readRows<{ is_test: boolean; failed_now: boolean; campaign_id: string | null; phone_number: string | null; wa_id: string | null;
    error_code: number | null; error_class: string | null; error_title: string | null; failed_at: Date | null; wamid: string }>(tx, Prisma.sql`
    WITH ev AS (${EV}),
    cost AS (
      SELECT * FROM jsonb_to_recordset(${costJson}::jsonb) AS c(wamid text, amount numeric, currency text, market text, card uuid, day date)
    ),
    t AS (
      SELECT w.id AS wid, w.status AS cur, ev.*, (w.cost_set_at IS NULL AND cost.wamid IS NOT NULL) AS costed,
        cost.amount AS cost_amount, cost.currency AS cost_currency, cost.market AS cost_market, cost.card AS cost_card, cost.day AS cost_day,
        CASE
          WHEN w.status IN ('sending', 'unknown', 'queued', 'sent') AND ev.failed_ts IS NOT NULL AND ev.delivered_ts IS NULL AND ev.read_ts IS NULL THEN 'failed'
          WHEN ev.read_ts IS NOT NULL AND w.status IN ('sending', 'unknown', 'queued', 'sent', 'delivered') THEN 'read'
          WHEN ev.delivered_ts IS NOT NULL AND w.status IN ('sending', 'unknown', 'queued', 'sent') THEN 'delivered'
          WHEN ev.sent_ts IS NOT NULL AND w.status IN ('sending', 'unknown', 'queued') THEN 'sent'
          ELSE w.status
        END AS next
      FROM ev JOIN whatsapp_messages w ON w.whatsapp_message_id = ev.wamid LEFT JOIN cost ON cost.wamid = ev.wamid
      WHERE w.direction = 'outbound'
      ORDER BY w.id FOR UPDATE OF w
    ),
    upd AS (
    UPDATE whatsapp_messages w SET
      status = t.next,
      wa_id = CASE WHEN w.phone_number LIKE 'erased:%' THEN w.wa_id ELSE coalesce(w.wa_id, t.wa_id) END,
      user_id = CASE WHEN w.phone_number LIKE 'erased:%' THEN w.user_id ELSE coalesce(w.user_id, t.user_id) END,
      sent_at = CASE WHEN t.next IN ('sent', 'delivered', 'read') THEN coalesce(w.sent_at, t.sent_ts, t.delivered_ts, t.read_ts) ELSE w.sent_at END,
      delivered_at = CASE WHEN t.next IN ${DELIVERED_SQL} THEN coalesce(w.delivered_at, t.delivered_ts, t.read_ts) ELSE w.delivered_at END,
      read_at = CASE WHEN t.next = 'read' THEN coalesce(w.read_at, t.read_ts) ELSE w.read_at END,
      failed_at = CASE WHEN t.next = 'failed' THEN t.failed_ts ELSE w.failed_at END,
      error_code = CASE WHEN t.next = 'failed' THEN t.error_code ELSE w.error_code END,
      error_title = CASE WHEN t.next = 'failed' THEN t.error_title ELSE w.error_title END,
      pricing = coalesce(w.pricing, '{}'::jsonb) || coalesce(t.pricing, '{}'::jsonb),
      pricing_billable = coalesce((t.pricing->>'billable')::boolean, w.pricing_billable),
      pricing_model = coalesce(t.pricing->>'pricing_model', w.pricing_model),
      pricing_category = coalesce(t.pricing->>'category', w.pricing_category),
      pricing_type = coalesce(t.pricing->>'type', w.pricing_type),
      ${costSetSql(now)},
      updated_at = ${now}
    FROM t
    WHERE w.id = t.wid AND (t.next <> t.cur OR (t.pricing IS NOT NULL AND NOT coalesce(w.pricing, '{}'::jsonb) @> t.pricing) OR t.costed)
    RETURNING w.is_test, (t.next = 'failed' AND t.cur <> 'failed') AS failed_now, w.campaign_id, w.phone_number, w.wa_id,
      w.error_code, t.error_class, w.error_title, w.failed_at, w.whatsapp_message_id AS wamid,
      t.costed, w.cost_amount, w.cost_currency, t.cost_day, w.recipient_id
    ),
    daily AS (${COST_DAILY_SQL}),
    -- a priced send leaves the budget's in-flight part (unpriced_sends: added by the messages' insert trigger)
    priced AS (DELETE FROM unpriced_sends u USING upd WHERE upd.costed AND u.recipient_id = upd.recipient_id)
    SELECT is_test, failed_now, campaign_id, phone_number, wa_id, error_code, error_class, error_title, failed_at, wamid FROM upd`, read);
  summary.messages_updated = messages.length;
  // a test send is no recipient: its failed status has the same effects, by the number
  const testFailures = messages.filter((m) => m.is_test && m.failed_now && m.error_class);
  if (testFailures.length > 0) {
    const e = await applyErrorEffects(tx, testFailures.map((m) => ({
      errorClass: m.error_class, code: m.error_code, title: m.error_title ?? errorTitle(m.error_code), campaignId: m.campaign_id,
      phone: m.phone_number, waId: m.wa_id, at: m.failed_at ?? now, seq: seqOf.get(m.wamid) ?? 0n,
    })), { now });
    summary.unsubscribed += e.unsubscribed;
    summary.deferred += e.deferred;
    summary.campaigns_paused += e.campaigns_paused;
    summary.account_errors += e.account_errors;
  }

  // what is still unknown stays in the inbox until the send is recorded: known = seen by the first
  // statement (every later statement sees at least as much) or moved by the recipient update itself
  const knownSet = new Set([...(lock?.wamids ?? []), ...updated.map((u) => u.whatsapp_message_id).filter((w): w is string => w !== null)]);
  const unresolved = new Set(aggs.map((a) => a.wamid).filter((w) => !knownSet.has(w)));
  summary.unresolved = rows.filter((r) => unresolved.has(r.wamid)).length;
  return { summary, unresolved };
}

/**
 * The applier: folds the queued inbox rows (webhook_inbox_pending) into campaign_recipients,
 * whatsapp_messages, user_profiles, templates, account health and campaign pauses. Bounded chunks in
 * arrival order, each claimed with FOR UPDATE SKIP LOCKED in its own transaction (concurrent appliers
 * take different rows); a row leaves the queue in the transaction that applied it (the inbox row itself
 * is not written, unless quarantined or ignored now). Idempotent, forward-only and indifferent to order:
 *  - statuses (apply-statuses.ts): a status for a message not recorded yet stays in the queue;
 *  - inbound messages (apply-inbound.ts), user_preferences;
 *  - other fields: parsed with their handler's schema now (a value that does not parse is quarantined
 *    with the reason), then applied by the handler; a field nobody handles is marked ignored.
 * Called by the webhook route after it answered, by the processor after it recorded a batch (with that
 * batch's messages: it waits for rows another applier holds, so none is skipped), and by every
 * processor run to drain the rest. The counter changes of a chunk are appended to counter_deltas, and its
 * spend to campaign_cost_daily (no hot campaign or day row is locked while the chunk's transaction is
 * open), and folded or merged after the work.
 */
import type { TInboundMessage } from "@/lib/whatsapp/webhook/schema";
import { ZInboundMessage } from "@/lib/whatsapp/webhook/schema";
import { executeRows, Prisma, readRows, transactionRunnerOf, withRetry, type Db } from "../db";
import { applyInboundMessages, applyUserPreferences, inboundLockKeys, inboundRecipientsSql } from "./apply-inbound";
import { lockCustomers } from "../customers/lock-customers";
import { applyStatuses, type StatusRow } from "./apply-statuses";
import { settleHeldSubscriptionChanges, type UserIdTouches } from "./apply-subscription-changes";
import { foldCounterDeltas } from "./counter-deltas";
import { compactDailyCosts } from "../cost/apply-message-costs";
import { reopenCompletedCampaigns } from "../campaigns/complete-campaign-if-done";
import { INBOX_LANES } from "./store-webhook-delivery";
import { WEBHOOK_HANDLERS } from "./webhook-handlers";
import type { WebhookChangeHandler, WebhookLog } from "./webhook-handler";

type InboxRecord = {
  id: bigint; lane: number; kind: string; field: string; whatsapp_message_id: string | null; recipient_id: string | null;
  status: string | null; occurred_at: Date | null; value: unknown;
};

export type ApplySummary = {
  /** rows looked at */
  rows: number;
  applied: number;
  /** statuses left for a message not recorded yet */
  waiting: number;
  quarantined: number;
  ignored: number;
  results: Record<string, Record<string, number>>;
};

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

export async function applyInbox({ db, now, timezone = "UTC", log = console, handlers = WEBHOOK_HANDLERS, chunk = 4000, maxChunks = 1000, wamids, recipientIds, fold = true }: {
  db: Db; now: Date; timezone?: string; log?: WebhookLog;
  handlers?: ReadonlyArray<WebhookChangeHandler<unknown>>;
  /** rows a chunk transaction claims; at most `maxChunks` chunks in all */
  chunk?: number; maxChunks?: number;
  /** only the statuses of these messages / recipients (the processor, right after recording them) */
  wamids?: string[]; recipientIds?: string[];
  /** fold the counter deltas afterwards (default) */
  fold?: boolean;
}): Promise<ApplySummary> {
  const total: ApplySummary = { rows: 0, applied: 0, waiting: 0, quarantined: 0, ignored: 0, results: {} };
  const targeted = wamids !== undefined || recipientIds !== undefined;
  if (targeted && (wamids ?? []).length === 0 && (recipientIds ?? []).length === 0) return total;
  const filter = targeted
    ? Prisma.sql`AND (p.whatsapp_message_id = ANY(${wamids ?? []}::text[]) OR p.recipient_id = ANY(${recipientIds ?? []}::uuid[]))`
    : Prisma.empty;
  // the processor waits for rows another applier holds (it may have looked before the send was recorded)
  const lock = targeted ? Prisma.sql`FOR UPDATE OF p` : Prisma.sql`FOR UPDATE OF p SKIP LOCKED`;
  const handlerOf = new Map(handlers.map((h) => [h.field, h]));
  // a drain works in INBOX_LANES chunk transactions at once, so PostgreSQL works on one lane's chunk while
  // this process prepares the other's (one lane left a core idle). Each lane takes the rows queued in its
  // lane (the statuses of its own messages; every other row is lane 0's): two lanes' statuses never wait for
  // each other's recipient locks, nor step over each other's locked rows (a customer's reply, in lane 0,
  // locks the sends it may reply to, whose statuses may be another lane's: one chunk may wait for the
  // other, never in a cycle, as each locks its recipients in one statement, then its customers in one).
  // A targeted apply waits for locked rows of any lane: one transaction at a time.
  const laneCount = targeted ? 1 : INBOX_LANES;
  let chunksLeft = maxChunks;
  // the chunk's statements of many rows (its own read, the statuses' updates) skip the ORM where the client allows
  const inTransaction = transactionRunnerOf(db);
  // campaigns whose recipients a failed status put back to pending (reopened below, once those chunks committed)
  const requeued = new Set<string>();
  const lane = async (_: unknown, k: number) => {
    const mine = targeted ? Prisma.empty : Prisma.sql`AND p.lane = ${k}::smallint`;
    let cursor = 0n;
    while (chunksLeft > 0) {
      chunksLeft--;
      const r = await withRetry(() => inTransaction(async (tx, read) => {
        // counter changes of this transaction are appended (no campaign/schedule/analytics row locked), folded below.
        // A lane's chunk is read in the queue's key order (lane, id), never by a bitmap scan: the queue's
        // statistics lag behind a backlog (ids past the last ANALYZE's histogram look like a few hundred rows),
        // and a bitmap plan then reads, joins and sorts the whole backlog for every chunk (1.1–1.7 s a chunk
        // at 145,000 waiting, against milliseconds for the first 4,000 in key order)
        await tx.$executeRaw(Prisma.sql`SELECT set_config('wac.defer_counters', 'on', true)${targeted ? Prisma.empty : Prisma.sql`, set_config('enable_bitmapscan', 'off', true)`}`);
        // (the id as text: bigint is read alike by both drivers only so)
        const rows = (await readRows<InboxRecord & { id: string }>(tx, Prisma.sql`
          -- a status's id, status, timestamp and echoed id are columns already: not shipped twice
          SELECT i.id::text AS id, p.lane, i.kind, i.field, i.whatsapp_message_id, i.recipient_id, i.status, i.occurred_at,
            CASE WHEN i.kind = 'status' THEN i.value - '{id,status,timestamp,biz_opaque_callback_data}'::text[] ELSE i.value END AS value
          FROM webhook_inbox_pending p JOIN webhook_inbox i ON i.id = p.id
          WHERE p.id > ${cursor}::bigint ${filter} ${mine}
          ORDER BY p.id LIMIT ${chunk}::int ${lock}`, read)).map((x): InboxRecord => ({ ...x, id: BigInt(x.id) }));
        // the chunk's own statements plan as usual (a bitmap scan is what they want for many ids at once)
        if (!targeted) await tx.$executeRaw(Prisma.sql`SET LOCAL enable_bitmapscan TO DEFAULT`);
        const out: ApplySummary = { rows: rows.length, applied: 0, waiting: 0, quarantined: 0, ignored: 0, results: {} };
        if (rows.length === 0) return { out, last: cursor };
        const done = new Map<bigint, { state: string; reason: string | null }>();
        // user ids this chunk gave to customers or held a STOP/START for: settled before it commits
        const touched: UserIdTouches = new Set();
        const ctx = { tx, now, timezone, log, touched };

        const statusRows = rows.filter((x): x is InboxRecord & { whatsapp_message_id: string; status: string; occurred_at: Date } =>
          x.kind === "status" && x.whatsapp_message_id !== null && x.status !== null && x.occurred_at !== null);
        const messageRows = rows.filter((x) => x.kind === "message");
        const prefs = rows.filter((x) => x.kind === "change" && x.field === "user_preferences");
        const messages: Array<{ seq: bigint; message: TInboundMessage }> = [];
        for (const x of messageRows) {
          const m = ZInboundMessage.safeParse(x.value);
          if (m.success) {
            messages.push({ seq: x.id, message: m.data });
            done.set(x.id, { state: "applied", reason: null });
          } else {
            done.set(x.id, { state: "quarantined", reason: m.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
          }
        }
        // the customers the chunk's messages, preferences and user id updates write are locked with the statuses' own, in one
        // statement (customers/lock-customers.ts): after the statuses' recipients, before any customer write
        const senders = inboundLockKeys(messages.map((m) => m.message), prefs.map((x) => x.value),
          rows.filter((x) => x.kind === "change" && x.field === "user_id_update").map((x) => x.value));
        const inboundRecipients = inboundRecipientsSql(messages.map((m) => m.message));
        if (statusRows.length > 0) {
          const res = (out.results.messages ??= {});
          const { summary, unresolved } = await applyStatuses(tx, statusRows.map((x): StatusRow => ({
            id: x.id, wamid: x.whatsapp_message_id, recipient_id: x.recipient_id, status: x.status, occurred_at: x.occurred_at, value: x.value,
          })), { now, timezone, touched, alsoLock: senders, alsoLockRecipients: inboundRecipients, read });
          add(res, {
            statuses_received: summary.statuses, recipients_updated: summary.recipients_updated, messages_updated: summary.messages_updated,
            statuses_pending: summary.unresolved, unsubscribed: summary.unsubscribed, deferred: summary.deferred,
            campaigns_paused: summary.campaigns_paused, account_errors: summary.account_errors,
          });
          for (const id of summary.requeued_campaigns) requeued.add(id);
          for (const x of statusRows) if (!unresolved.has(x.whatsapp_message_id)) done.set(x.id, { state: "applied", reason: null });
          out.waiting += summary.unresolved;
        } else {
          if (inboundRecipients) await tx.$queryRaw(Prisma.sql`SELECT r.id FROM campaign_recipients r WHERE r.id IN (${inboundRecipients}) ORDER BY r.id FOR UPDATE`);
          await lockCustomers(tx, senders);
        }
        if (messageRows.length > 0) {
          const res = (out.results.messages ??= {});
          if (messages.length > 0) {
            const s = await applyInboundMessages(tx, messages, now, touched);
            add(res, { inbound_received: s.received, inbound_stored: s.stored, unsubscribed: s.unsubscribed, subscribed: s.subscribed, numbers_changed: s.numbers_changed, user_ids_updated: s.user_ids_updated });
          }
        }

        if (prefs.length > 0) {
          const s = await applyUserPreferences(tx, prefs.map((x) => ({ seq: x.id, value: x.value })), touched);
          const bad = new Map(s.invalid.map((v) => [v.seq, v.reason]));
          for (const x of prefs) done.set(x.id, bad.has(x.id) ? { state: "quarantined", reason: bad.get(x.id)! } : { state: "applied", reason: null });
          add((out.results.user_preferences ??= {}), { preferences_received: s.preferences_received, unsubscribed: s.unsubscribed, subscribed: s.subscribed, preferences_ignored: s.preferences_ignored });
        }

        const byField = new Map<string, InboxRecord[]>();
        for (const x of rows) {
          if (x.kind !== "change" || x.field === "user_preferences") continue;
          const list = byField.get(x.field) ?? [];
          list.push(x);
          byField.set(x.field, list);
        }
        for (const [field, list] of byField) {
          const handler = handlerOf.get(field);
          if (!handler) {
            for (const x of list) done.set(x.id, { state: "ignored", reason: `no handler for the field "${field.slice(0, 100)}"` });
            continue;
          }
          const values: unknown[] = [];
          for (const x of list) {
            const raw = handler.withEntryTime && x.value && typeof x.value === "object" && !Array.isArray(x.value)
              ? { ...x.value, ...(x.occurred_at ? { entry_time: Math.floor(x.occurred_at.getTime() / 1000) } : {}) }
              : x.value;
            const v = handler.schema.safeParse(raw);
            if (v.success) {
              values.push(v.data);
              done.set(x.id, { state: "applied", reason: null });
            } else {
              done.set(x.id, { state: "quarantined", reason: v.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ").slice(0, 1000) });
            }
          }
          if (values.length > 0) add((out.results[field] ??= {}), await handler.apply(ctx, values));
        }

        const settled = await settleHeldSubscriptionChanges(tx, touched);
        if (settled > 0) add((out.results.held_subscription_changes ??= {}), { applied: settled });

        if (done.size > 0) {
          // out of the queue (a delete writes no index entry); only rows found bad now change in the inbox
          const laneOf = new Map(rows.map((x) => [x.id, x.lane]));
          const ids = [...done.keys()];
          await executeRows(tx, unqueueSql(ids.map((id) => ({ id, lane: laneOf.get(id)! }))), read);
          const changed = ids.filter((k) => done.get(k)!.state !== "applied");
          if (changed.length > 0) {
            await tx.$executeRaw(Prisma.sql`
              UPDATE webhook_inbox i SET state = v.state, reason = v.reason
              FROM unnest(${changed.map(String)}::bigint[], ${changed.map((k) => done.get(k)!.state)}::text[], ${changed.map((k) => done.get(k)!.reason)}::text[]) AS v(id, state, reason)
              WHERE i.id = v.id`);
          }
        }
        for (const { state } of done.values()) {
          if (state === "applied") out.applied++;
          else if (state === "quarantined") out.quarantined++;
          else out.ignored++;
        }
        if (out.quarantined > 0) log.warn("[webhook] quarantined events that do not match their schema", { quarantined: out.quarantined });
        return { out, last: rows[rows.length - 1].id };
      }, { timeout: 60_000, maxWait: 20_000 }));
      total.rows += r.out.rows;
      total.applied += r.out.applied;
      total.waiting += r.out.waiting;
      total.quarantined += r.out.quarantined;
      total.ignored += r.out.ignored;
      for (const [field, res] of Object.entries(r.out.results)) add((total.results[field] ??= {}), res);
      cursor = r.last;
      if (r.out.rows < chunk) break;
    }
  };
  await Promise.all(Array.from({ length: laneCount }, lane));
  if (fold && total.rows > 0) {
    await foldCounterDeltas(db);
    await compactDailyCosts(db);
  }
  // a campaign that completed before a 131049 (or a retry) put some of its recipients back is active again now,
  // not only at the next run's start: its stats and events say so at once (its own transaction, after the chunks':
  // theirs lock recipients before campaigns, and could not see a completion committed meanwhile)
  if (requeued.size > 0) await reopenCompletedCampaigns(db, { now, campaignIds: [...requeued] });
  return total;
}

/**
 * The statement that takes a chunk's rows out of the queue. Its plan must not depend on the queue's
 * statistics, which lag behind it: it grows from empty to a backlog of 100,000s between two ANALYZEs, and
 * the statement is prepared (a generic plan, made when the queue looked empty). As a join of the ids'
 * unnest() to the queue on (lane, id) it got a nested loop that read the whole queue once per id: the
 * chunk's DELETE then ran 20 s to minutes on the CPU (caught in a bench run: both lanes' DELETEs active
 * 16–25 s, no lock waited for), holding its recipients' locks. Matched by `= ANY` of two arrays instead,
 * the worst plan is one pass over the queue with the ids hashed; the usual one is the primary key's
 * index (lane first, the few lanes of the chunk, then the ids: an id is unique across lanes).
 */
export function unqueueSql(rows: ReadonlyArray<{ id: bigint; lane: number }>): Prisma.Sql {
  const lanes = [...new Set(rows.map((r) => r.lane))];
  return Prisma.sql`
    DELETE FROM webhook_inbox_pending p WHERE p.lane = ANY(${lanes}::smallint[]) AND p.id = ANY(${rows.map((r) => String(r.id))}::bigint[])`;
}

/**
 * One step of the prune: up to `limit` inbox rows received before `cutoff`, and their rows still in the queue
 * (a status whose send was never recorded leaves the queue with it). Answers n, the rows pruned.
 */
export function pruneStepSql(cutoff: Date, limit: number): Prisma.Sql {
  return Prisma.sql`
    WITH gone AS (
      DELETE FROM webhook_inbox WHERE id IN (
        SELECT id FROM webhook_inbox WHERE received_at < ${cutoff}::timestamptz ORDER BY received_at LIMIT ${limit}::int FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, whatsapp_message_id),
    -- by two arrays, as unqueueSql, so that no statistics of the queue decide how often it is read (as a join
    -- of "gone" it got a hash join in unqueue-plan.test.ts's state: not shown at risk, matched the same way)
    unqueued AS (
      DELETE FROM webhook_inbox_pending p
      WHERE p.lane = ANY(ARRAY(SELECT DISTINCT webhook_inbox_lane(gone.kind, gone.whatsapp_message_id, ${INBOX_LANES}::int) FROM gone))
        AND p.id = ANY(ARRAY(SELECT gone.id FROM gone)))
    SELECT count(*)::int AS n FROM gone`;
}

/** Meta retries a delivery for up to 7 days: after that, inbox rows (applied or not) are pruned in bounded steps. */
export const INBOX_RETENTION_MS = 7 * 24 * 3600_000;

export async function pruneInbox({ db, now, limit = 10_000, maxSteps = 10 }: { db: Db; now: Date; limit?: number; maxSteps?: number }): Promise<number> {
  const cutoff = new Date(now.getTime() - INBOX_RETENTION_MS);
  let total = 0;
  for (let i = 0; i < maxSteps; i++) {
    const [{ n }] = await db.$queryRaw<Array<{ n: number }>>(pruneStepSql(cutoff, limit));
    total += n;
    if (n < limit) break;
  }
  return total;
}

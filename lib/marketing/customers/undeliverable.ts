/**
 * Customers WhatsApp cannot deliver to. Meta answers 131026 ("message undeliverable") when the number is not
 * on WhatsApp, the app is too old or the user has not accepted WhatsApp's terms: a property of the number,
 * not of one message. Sending to it again in every campaign costs a send slot, a share of the messaging
 * limit and the campaign's failure rate (the failure guard pauses campaigns over it), and reaches nobody.
 *
 *  - undeliverable_count is the number of the customer's campaign sends that failed as undeliverable
 *    (UNDELIVERABLE_CODES, from a send's answer or a failed status) after the latest sign that the number
 *    works, recounted from the rows whenever such a failure or sign arrives for them (a recipient counts
 *    once, and the order in which Meta's statuses arrive changes nothing).
 *  - At settings.undeliverable_after in a row (default 3; 0 = never), the customer is marked not reachable
 *    (undeliverable_since): left out of target audiences (audienceWhere) and skipped at sending in the
 *    campaigns they are already in (claim-batch.ts: 'Not reachable on WhatsApp'). Never unsubscribed: the
 *    customer said nothing.
 *  - Any sign that the number works clears the count and the mark, unless failures came after it: a campaign
 *    message delivered or read, a message from the customer, a new number (a trigger: the mark belongs to the
 *    number), or a user's decision (clearUndeliverable, audited). A change of settings.undeliverable_after
 *    marks or unmarks the customers with a count at once (reevaluateUndeliverable).
 * Customers are locked in id order before they are written, like every other writer of user_profiles.
 * Every processor run recounts the customers with a count that changed lately (recountRecentUndeliverable),
 * which settles the one case the event-driven recounts can leave behind (see recount).
 */
import { UNDELIVERABLE_CODES } from "@/lib/whatsapp/errors";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { parseCustomerId } from "./erase-customer";

/** settings.undeliverable_after's default: three campaigns in a row that Meta could not deliver (131026) */
export const UNDELIVERABLE_AFTER_DEFAULT = 3;

/** the reason a recipient of a customer marked not reachable is skipped with */
export const NOT_REACHABLE_REASON = "Not reachable on WhatsApp";

export function isUndeliverableCode(code: number | null | undefined): boolean {
  return code !== null && code !== undefined && UNDELIVERABLE_CODES.has(code);
}

const CODES = [...UNDELIVERABLE_CODES];

/** the mark a customer with `count` has at the threshold `after` (0 = never): kept from `since` while it holds, else set at `now` */
const markSql = (count: Prisma.Sql, after: Prisma.Sql, since: Prisma.Sql, now: Date) =>
  Prisma.sql`CASE WHEN ${after} > 0 AND ${count} >= ${after} THEN coalesce(${since}, ${now}::timestamptz) END`;

/**
 * The count, the last failure and the mark of these customers (already locked), recounted from the rows:
 * their number's campaign sends failed as undeliverable after the latest sign that the number works (a
 * campaign message delivered or read, a message from it, a user's decision or a message without a number:
 * undeliverable_cleared_at). A function of the rows, not of the order the events arrived in: a failure whose
 * status comes after a later delivery's counts for nothing, whichever was applied first (of transactions that
 * commit one after the other: a delivery and a failure of the same customer applied at the same instant may
 * leave a count too high, which the next event for them or the next processor run recounts). The mark is set at settings.undeliverable_after (at `now`,
 * kept while it holds) and goes when the count falls below.
 */
async function recount(tx: Tx, ids: Prisma.Sql, now: Date): Promise<number> {
  return tx.$executeRaw(Prisma.sql`
    WITH s AS (SELECT coalesce((SELECT undeliverable_after FROM settings WHERE id = 1), ${UNDELIVERABLE_AFTER_DEFAULT}::int) AS after),
    c AS (
      SELECT q.id, count(f.id)::int AS n, max(f.failed_at) AS last_at
      FROM user_profiles q
      CROSS JOIN LATERAL (SELECT greatest(q.undeliverable_cleared_at,
        (SELECT max(d.delivered_at) FROM campaign_recipients d WHERE d.phone_number = q.whatsapp_phone),
        (SELECT max(w.received_at) FROM whatsapp_messages w WHERE w.phone_number = q.whatsapp_phone AND w.direction = 'inbound'),
        (SELECT max(w.received_at) FROM whatsapp_messages w WHERE w.phone_number = q.wa_id AND w.direction = 'inbound')) AS at) alive
      LEFT JOIN campaign_recipients f ON f.phone_number = q.whatsapp_phone AND f.status = 'failed'
        AND f.error_code = ANY(${CODES}::int[]) AND (alive.at IS NULL OR f.failed_at > alive.at)
      WHERE q.id IN (${ids}) AND q.whatsapp_phone !~ '^erased:'
      GROUP BY q.id
    ),
    x AS (SELECT c.*, ${markSql(Prisma.sql`c.n`, Prisma.sql`s.after`, Prisma.sql`q.undeliverable_since`, now)} AS since
          FROM c CROSS JOIN s JOIN user_profiles q ON q.id = c.id)
    UPDATE user_profiles p SET undeliverable_count = x.n, undeliverable_last_at = x.last_at, undeliverable_since = x.since, updated_at = ${now}::timestamptz
    FROM x
    WHERE p.id = x.id AND (p.undeliverable_count, p.undeliverable_last_at, p.undeliverable_since) IS DISTINCT FROM (x.n, x.last_at, x.since)`);
}

/**
 * Recounts the customers who have these recipients' numbers (recipients whose send just failed with an
 * undeliverable code). The caller holds their locks (applyErrorEffects: errorEffectLockKeys).
 */
export async function recordUndeliverable(tx: Tx, { recipientIds, now }: { recipientIds: string[]; now: Date }): Promise<void> {
  if (recipientIds.length === 0) return;
  // the customer who has the number now: a failure of a number the customer has since left counts for nobody
  // (the caller, applyErrorEffects, locked them)
  const customers = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT DISTINCT q.id FROM campaign_recipients r JOIN user_profiles q ON q.whatsapp_phone = r.phone_number WHERE r.id = ANY(${recipientIds}::uuid[])`);
  if (customers.length > 0) await recount(tx, Prisma.sql`SELECT unnest(${customers.map((c) => c.id)}::uuid[])`, now);
}

/**
 * A message to these customers was delivered or read (written to its recipient row already): the count of
 * those who have one is recounted (to 0, unless failures came after it). The caller holds the locks of those
 * with a count (apply-statuses.ts: lockCustomers' countedIds).
 */
export async function clearUndeliverableOfCustomers(tx: Tx, { customerIds, now }: { customerIds: string[]; now: Date }): Promise<number> {
  if (customerIds.length === 0) return 0;
  // the statuses' hot path: each customer is one probe of the partial index of customers with a count
  // (user_profiles_undeliverable_count_idx, nearly empty); only those found are recounted (the applier's
  // chunk locked them: lockCustomers' countedIds)
  const counted = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT q.id FROM user_profiles q WHERE q.id = ANY(${[...new Set(customerIds)]}::uuid[]) AND q.undeliverable_count > 0`);
  if (counted.length === 0) return 0;
  return recount(tx, Prisma.sql`SELECT unnest(${counted.map((c) => c.id)}::uuid[])`, now);
}

/**
 * These customers wrote to us (by number, or by user id when the message has no number) at `at`: failures
 * before it count no more. The message's instant is kept in undeliverable_cleared_at for those with a count,
 * and for every sender without a number (a message the recount cannot find by number), and the count is
 * recounted.
 */
export async function clearUndeliverableOfSenders(tx: Tx, { senders, now }: { senders: Array<{ phone: string | null; userId: string | null; at: Date }>; now: Date }): Promise<number> {
  if (senders.length === 0) return 0;
  const phones = senders.flatMap((s) => (s.phone ? [s.phone] : []));
  const userIds = senders.flatMap((s) => (!s.phone && s.userId ? [s.userId] : []));
  const cleared = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    UPDATE user_profiles p SET undeliverable_cleared_at = greatest(p.undeliverable_cleared_at, x.at), updated_at = ${now}::timestamptz
    FROM (SELECT q.id, max(s.at) AS at FROM user_profiles q
          -- Meta's "from" is the WhatsApp id, which may differ from the number we imported (wa_id)
          JOIN unnest(${senders.map((s) => s.phone)}::text[], ${senders.map((s) => s.userId)}::text[], ${senders.map((s) => s.at.toISOString())}::timestamptz[]) AS s(phone, user_id, at)
            ON q.whatsapp_phone = s.phone OR q.wa_id = s.phone OR (s.phone IS NULL AND q.user_id = s.user_id)
          -- a message without a number is kept whatever the count (the recount cannot find it by number)
          WHERE (q.whatsapp_phone = ANY(${phones}::text[]) OR q.wa_id = ANY(${phones}::text[]) OR q.user_id = ANY(${userIds}::text[]))
            AND (q.undeliverable_count > 0 OR s.phone IS NULL)
          GROUP BY q.id ORDER BY q.id) x
    WHERE p.id = x.id
    RETURNING p.id`);
  if (cleared.length === 0) return 0;
  return recount(tx, Prisma.sql`SELECT unnest(${cleared.map((c) => c.id)}::uuid[])`, now);
}

/** how far back the processor's sweep looks: a daily run covers the day before with room to spare */
const SWEEP_WINDOW_MS = 48 * 60 * 60 * 1000;

/**
 * The processor's sweep, before any send: recounts the customers with a count whose profile changed in the
 * last two days. A delivery (or a message from them) and an undeliverable failure of the same customer applied
 * at the same instant can leave a count too high: the delivery's transaction looked for a count before the
 * failure's transaction committed one, and the failure's recount could not see the uncommitted delivery. At
 * the threshold that count would keep a reachable customer out of every audience, and no later event of
 * theirs might come to recount it. In batches, in id order; customers another transaction holds are skipped
 * (it recounts them itself). Answers how many changed.
 */
export async function recountRecentUndeliverable({ db, now, batch = 500 }: { db: Db; now: Date; batch?: number }): Promise<number> {
  const since = new Date(now.getTime() - SWEEP_WINDOW_MS);
  let after = "00000000-0000-0000-0000-000000000000";
  let changed = 0;
  for (;;) {
    const done = await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
        SELECT id::text AS id FROM user_profiles
        WHERE undeliverable_count > 0 AND updated_at >= ${since}::timestamptz AND id > ${after}::uuid
        ORDER BY id LIMIT ${batch} FOR NO KEY UPDATE SKIP LOCKED`);
      if (rows.length === 0) return true;
      after = rows[rows.length - 1].id;
      changed += await recount(tx, Prisma.sql`SELECT unnest(${rows.map((r) => r.id)}::uuid[])`, now);
      return rows.length < batch;
    });
    if (done) return changed;
  }
}

/**
 * settings.undeliverable_after changed to `after`: customers whose count reaches it are marked now, those
 * marked whose count no longer does (or every one, at 0) are unmarked. One statement over the customers with
 * a count (a partial index), in id order.
 */
export async function reevaluateUndeliverable(tx: Tx, { after, now }: { after: number; now: Date }): Promise<number> {
  return tx.$executeRaw(Prisma.sql`
    UPDATE user_profiles p SET undeliverable_since = x.since, updated_at = ${now}::timestamptz
    FROM (SELECT q.id, ${markSql(Prisma.sql`q.undeliverable_count`, Prisma.sql`${after}::int`, Prisma.sql`q.undeliverable_since`, now)} AS since
          FROM user_profiles q WHERE q.undeliverable_count > 0 ORDER BY q.id FOR NO KEY UPDATE) x
    WHERE p.id = x.id AND p.undeliverable_since IS DISTINCT FROM x.since`);
}

/**
 * A user's decision: the customer is reachable after all (they confirmed their WhatsApp number). Clears the
 * count and the mark; the next target audience includes them again. Audited.
 */
export async function clearUndeliverable({ db, now, principal, customerId }: { db: Db; now: Date; principal?: Principal | null; customerId: string }) {
  const id = parseCustomerId(customerId);
  return db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<Array<{ undeliverable_count: number; undeliverable_since: Date | null }>>(Prisma.sql`
      SELECT undeliverable_count, undeliverable_since FROM user_profiles WHERE id = ${id}::uuid FOR UPDATE`);
    if (!before) throw new AppError("CUSTOMER_NOT_FOUND", "No customer with this id.");
    const changed = before.undeliverable_count > 0 || before.undeliverable_since !== null;
    if (changed) {
      // failures before now count no more, whenever their statuses arrive
      await tx.$executeRaw(Prisma.sql`
        UPDATE user_profiles SET undeliverable_count = 0, undeliverable_last_at = NULL, undeliverable_since = NULL,
          undeliverable_cleared_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
        WHERE id = ${id}::uuid`);
      await audit(tx, {
        actor: principal?.actor ?? "system", action: "customer.mark_reachable", entityType: "customer", entityId: id, now,
        details: { undeliverable_count: before.undeliverable_count, undeliverable_since: before.undeliverable_since?.toISOString() ?? null },
      });
    }
    return { id, changed, undeliverable_count: 0, undeliverable_since: null };
  });
}

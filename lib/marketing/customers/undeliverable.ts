/**
 * Customers WhatsApp cannot deliver to. Meta answers 131026 ("message undeliverable") when the number is not
 * on WhatsApp, the app is too old or the user has not accepted WhatsApp's terms: a property of the number,
 * not of one message. Sending to it again in every campaign costs a send slot, a share of the messaging
 * limit and the campaign's failure rate (the failure guard pauses campaigns over it), and reaches nobody.
 *
 *  - Each campaign send that fails as undeliverable (UNDELIVERABLE_CODES, from a send's answer or a failed
 *    status) adds one to the customer's undeliverable_count, once per recipient (only a recipient's move to
 *    failed counts, so a status delivered twice counts once).
 *  - At settings.undeliverable_after in a row (default 3; 0 = never), the customer is marked not reachable
 *    (undeliverable_since): left out of target audiences (audienceWhere) and skipped at sending in the
 *    campaigns they are already in (claim-batch.ts: 'Not reachable on WhatsApp'). Never unsubscribed: the
 *    customer said nothing.
 *  - Any sign that the number works clears the count and the mark: a campaign message delivered or read, a
 *    message from the customer, a new number (a trigger: the mark belongs to the number), or a user's
 *    decision (clearUndeliverable, audited).
 * Customers are locked in id order before they are written, like every other writer of user_profiles.
 */
import { UNDELIVERABLE_CODES } from "@/lib/whatsapp/errors";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { UNDELIVERABLE_AFTER_DEFAULT } from "../sending/sending-settings";
import { parseCustomerId } from "./erase-customer";

/** the reason a recipient of a customer marked not reachable is skipped with */
export const NOT_REACHABLE_REASON = "Not reachable on WhatsApp";

export function isUndeliverableCode(code: number | null | undefined): boolean {
  return code !== null && code !== undefined && UNDELIVERABLE_CODES.has(code);
}

/**
 * Counts one undeliverable failure for each recipient's customer (recipients whose send just failed with an
 * undeliverable code); marks those who reach the workspace's threshold.
 */
export async function recordUndeliverable(tx: Tx, { recipientIds, now }: { recipientIds: string[]; now: Date }): Promise<void> {
  if (recipientIds.length === 0) return;
  const customers = Prisma.sql`
    SELECT p.id, count(DISTINCT r.id)::int AS n, max(coalesce(r.failed_at, ${now}::timestamptz)) AS last_at
    FROM campaign_recipients r
    -- the customer who has the number now: a failure of a number the customer has since left counts for nobody
    JOIN user_profiles p ON p.whatsapp_phone = r.phone_number
    WHERE r.id = ANY(${recipientIds}::uuid[]) AND p.whatsapp_phone !~ '^erased:'
    GROUP BY p.id`;
  await tx.$queryRaw(Prisma.sql`SELECT p.id FROM user_profiles p WHERE p.id IN (SELECT id FROM (${customers}) c) ORDER BY p.id FOR UPDATE`);
  await tx.$executeRaw(Prisma.sql`
    WITH s AS (SELECT coalesce((SELECT undeliverable_after FROM settings WHERE id = 1), ${UNDELIVERABLE_AFTER_DEFAULT}::int) AS after)
      UPDATE user_profiles p SET
        undeliverable_count = p.undeliverable_count + c.n,
        undeliverable_last_at = greatest(p.undeliverable_last_at, c.last_at),
        undeliverable_since = CASE WHEN p.undeliverable_since IS NULL AND s.after > 0 AND p.undeliverable_count + c.n >= s.after
          THEN ${now}::timestamptz ELSE p.undeliverable_since END,
        updated_at = ${now}::timestamptz
      FROM (${customers}) c, s
      WHERE p.id = c.id`);
}

const CLEARED = Prisma.sql`undeliverable_count = 0, undeliverable_last_at = NULL, undeliverable_since = NULL`;

/**
 * Clears the count and the mark of these customers: a message to them was delivered or read at `at`. A
 * delivery from before their last undeliverable failure (its status arriving late) clears nothing.
 */
export async function clearUndeliverableOfCustomers(tx: Tx, { reached, now }: { reached: Array<{ customerId: string; at: Date }>; now: Date }): Promise<number> {
  if (reached.length === 0) return 0;
  const latest = new Map<string, Date>();
  for (const r of reached) if (!latest.has(r.customerId) || latest.get(r.customerId)! < r.at) latest.set(r.customerId, r.at);
  const ids = [...latest.keys()];
  // the statuses' hot path: each customer is one probe of the partial index of customers with a count
  // (user_profiles_undeliverable_count_idx, nearly empty); only those found are compared, locked and written
  return tx.$executeRaw(Prisma.sql`
    UPDATE user_profiles p SET ${CLEARED}, updated_at = ${now}::timestamptz
    FROM (SELECT q.id FROM user_profiles q
          WHERE q.id = ANY(${ids}::uuid[]) AND q.undeliverable_count > 0
            AND (q.undeliverable_last_at IS NULL OR q.undeliverable_last_at <= (
              SELECT u.at FROM unnest(${ids}::uuid[], ${ids.map((id) => latest.get(id)!.toISOString())}::timestamptz[]) AS u(c, at) WHERE u.c = q.id))
          ORDER BY q.id FOR UPDATE) x
    WHERE p.id = x.id`);
}

/**
 * Clears the count and the mark of the customers who wrote to us (by number, or by user id when the message
 * has no number) at `at`, unless their last undeliverable failure came after it.
 */
export async function clearUndeliverableOfSenders(tx: Tx, { senders, now }: { senders: Array<{ phone: string | null; userId: string | null; at: Date }>; now: Date }): Promise<number> {
  if (senders.length === 0) return 0;
  const phones = senders.flatMap((s) => (s.phone ? [s.phone] : []));
  const userIds = senders.flatMap((s) => (!s.phone && s.userId ? [s.userId] : []));
  return tx.$executeRaw(Prisma.sql`
    UPDATE user_profiles p SET ${CLEARED}, updated_at = ${now}::timestamptz
    FROM (SELECT q.id FROM user_profiles q
          -- Meta's "from" is the WhatsApp id, which may differ from the number we imported (wa_id)
          WHERE (q.whatsapp_phone = ANY(${phones}::text[]) OR q.wa_id = ANY(${phones}::text[]) OR q.user_id = ANY(${userIds}::text[])) AND q.undeliverable_count > 0
            AND EXISTS (SELECT 1 FROM unnest(${senders.map((s) => s.phone)}::text[], ${senders.map((s) => s.userId)}::text[], ${senders.map((s) => s.at.toISOString())}::timestamptz[]) AS s(phone, user_id, at)
                        WHERE (q.whatsapp_phone = s.phone OR q.wa_id = s.phone OR (s.phone IS NULL AND q.user_id = s.user_id))
                          AND (q.undeliverable_last_at IS NULL OR q.undeliverable_last_at <= s.at))
          ORDER BY q.id FOR UPDATE) x
    WHERE p.id = x.id`);
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
      await tx.$executeRaw(Prisma.sql`UPDATE user_profiles SET ${CLEARED}, updated_at = ${now}::timestamptz WHERE id = ${id}::uuid`);
      await audit(tx, {
        actor: principal?.actor ?? "system", action: "customer.mark_reachable", entityType: "customer", entityId: id, now,
        details: { undeliverable_count: before.undeliverable_count, undeliverable_since: before.undeliverable_since?.toISOString() ?? null },
      });
    }
    return { id, changed, undeliverable_count: 0, undeliverable_since: null };
  });
}

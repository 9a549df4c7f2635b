/**
 * Claims the next recipients of one campaign in a short, committed transaction:
 *  - the campaign row is locked (FOR UPDATE) and must still be active;
 *  - how many may still go today = daily_send_limit − attempts already made today (by sent_on, the
 *    CAMPAIGN_TIMEZONE day of the actual attempt), and, when a messaging limit is set, what is left of the
 *    unique users reachable in the moving 24 h (counted under a transaction-scoped advisory lock from
 *    outbound whatsapp_messages plus claims in flight or of unknown outcome);
 *  - due pending rows are taken with FOR UPDATE SKIP LOCKED (two processors never take the same row) and
 *    marked 'sending' with a claim id; those whose customer unsubscribed or is inactive become 'skipped'
 *    ('User unsubscribed') in the same statement. A recipient without a customer record is sent: the
 *    marketer added the number explicitly.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type Db } from "../db";
import { attemptsOnDay } from "../recipients/pack-schedule";
import type { Day } from "../time";

/** pg_advisory_xact_lock key serialising messaging-limit checks across processors */
const MESSAGING_LIMIT_LOCK = 0x77616331; // "wac1"

export type ClaimedRecipient = {
  id: string;
  phone: string;
  customer: { name: string | null; city: string | null; customer_tier: string | null; attributes: Record<string, unknown> | null } | null;
};

export type ClaimResult =
  | { kind: "claimed"; claimId: string; recipients: ClaimedRecipient[]; skipped: number }
  | { kind: "not_active" | "daily_limit" | "messaging_limit" | "nothing_due" };

export async function uniqueUsersReached(db: Db | Prisma.TransactionClient, since: Date): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    SELECT count(*) AS n FROM (
      SELECT phone_number FROM whatsapp_messages
      WHERE direction = 'outbound' AND sent_at > ${since}::timestamptz AND phone_number IS NOT NULL
      UNION
      SELECT phone_number FROM campaign_recipients WHERE status IN ('sending', 'unknown') AND claimed_at > ${since}::timestamptz
    ) reached`);
  return Number(row.n);
}

export async function claimBatch({ db, campaignId, today, due, now, batchSize, messagingLimit }: {
  db: Db; campaignId: string; today: Day; due: Day; now: Date; batchSize: number; messagingLimit: number | null;
}): Promise<ClaimResult> {
  return db.$transaction(async (tx) => {
    if (messagingLimit !== null) await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(${MESSAGING_LIMIT_LOCK}::bigint)`);
    const [c] = await tx.$queryRaw<Array<{ status: string; daily_send_limit: number }>>(Prisma.sql`
      SELECT status, daily_send_limit FROM marketing_campaigns WHERE id = ${campaignId}::uuid FOR UPDATE`);
    if (!c || c.status !== "active") return { kind: "not_active" } as const;
    const allowance = c.daily_send_limit - (await attemptsOnDay(tx, campaignId, today));
    if (allowance <= 0) return { kind: "daily_limit" } as const;
    let n = Math.min(allowance, batchSize);
    if (messagingLimit !== null) {
      const left = messagingLimit - (await uniqueUsersReached(tx, new Date(now.getTime() - 24 * 3600_000)));
      if (left <= 0) return { kind: "messaging_limit" } as const;
      n = Math.min(n, left);
    }
    const claimId = randomUUID();
    const rows = await tx.$queryRaw<Array<{
      id: string; phone_number: string; status: string; has_customer: boolean;
      name: string | null; city: string | null; customer_tier: string | null; attributes: Record<string, unknown> | null;
    }>>(Prisma.sql`
      WITH picked AS (
        SELECT id FROM campaign_recipients
        WHERE campaign_id = ${campaignId}::uuid AND status = 'pending' AND scheduled_send_date <= ${due}::date
          AND (next_attempt_at IS NULL OR next_attempt_at <= ${now}::timestamptz)
        ORDER BY scheduled_send_date, id
        LIMIT ${n}::int
        FOR UPDATE SKIP LOCKED
      ), info AS (
        SELECT p.id, u.id AS customer_id, u.name, u.city, u.customer_tier, u.attributes,
               (u.id IS NOT NULL AND (u.subscription <> 'subscribed' OR NOT u.is_active)) AS blocked
        FROM picked p JOIN campaign_recipients r0 ON r0.id = p.id
        LEFT JOIN user_profiles u ON u.whatsapp_phone = r0.phone_number
      )
      UPDATE campaign_recipients r SET
        status = CASE WHEN i.blocked THEN 'skipped' ELSE 'sending' END,
        claim_id = CASE WHEN i.blocked THEN NULL ELSE ${claimId}::uuid END,
        claimed_at = CASE WHEN i.blocked THEN NULL ELSE ${now}::timestamptz END,
        sent_on = ${today}::date,
        failure_reason = CASE WHEN i.blocked THEN 'User unsubscribed' ELSE r.failure_reason END,
        customer_id = coalesce(r.customer_id, i.customer_id),
        deferred_reason = NULL,
        updated_at = ${now}::timestamptz
      FROM info i WHERE r.id = i.id
      RETURNING r.id, r.phone_number, r.status, (i.customer_id IS NOT NULL) AS has_customer, i.name, i.city, i.customer_tier, i.attributes`);
    if (rows.length === 0) return { kind: "nothing_due" } as const;
    const recipients = rows
      .filter((r) => r.status === "sending")
      .map((r) => ({
        id: r.id,
        phone: r.phone_number,
        customer: r.has_customer ? { name: r.name, city: r.city, customer_tier: r.customer_tier, attributes: r.attributes } : null,
      }));
    return { kind: "claimed", claimId, recipients, skipped: rows.length - recipients.length } as const;
  });
}

/**
 * Claims the next recipients of one campaign in a short, committed transaction:
 *  - the campaign row is locked (FOR UPDATE) and must still be active;
 *  - how many may still go today = daily_send_limit − attempts already made today (by sent_on, the
 *    CAMPAIGN_TIMEZONE day of the actual attempt), and, when a messaging limit is set, what is left of the
 *    unique users reachable in the moving 24 h (counted under a transaction-scoped advisory lock from
 *    outbound whatsapp_messages plus claims in flight or of unknown outcome);
 *  - due pending rows are taken in claim order (recipients/due-recipients.ts: deferred and backed-off rows
 *    by day, then the others in the order they were packed) with FOR UPDATE SKIP LOCKED (two processors never take the same row) and
 *    marked 'sending' with a claim id; those whose customer unsubscribed or is inactive become 'skipped'
 *    ('User unsubscribed' as the spec says, or 'Customer inactive') in the same statement, and so do those whose customer is marked not reachable on
 *    WhatsApp ('Not reachable on WhatsApp', customers/undeliverable.ts). A recipient without a customer
 *    record is sent: the marketer added the number explicitly.
 *  - careful sending, in the same statement: a customer Meta capped (131049:
 *    user_profiles.marketing_deferred_until in the future) is deferred in every campaign until then
 *    (deferred_reason 'meta_cap'); with a frequency cap {max, days}, a customer who already has `max`
 *    marketing sends in the last `days` × 24 h is deferred until the oldest of them leaves that window
 *    (deferred_reason 'frequency_cap'). Deferred recipients stay pending, with next_attempt_at and a
 *    scheduled_send_date on the first allowed day of the campaign's window — never skipped.
 *    "Marketing sends" are counted from actual sends: outbound template messages accepted by WhatsApp
 *    (whatsapp_messages, not failed), excluding test sends (they go to the team's own test numbers), plus
 *    claims in flight or of unknown outcome (they may have been delivered). The count runs under the
 *    same transaction-scoped advisory lock as the messaging limit, so concurrent processors never
 *    overshoot the cap for a customer in two campaigns at once.
 *  - a customer whose send is in flight in another campaign (claimed there, not recorded yet) is not
 *    claimed: they stay pending and due, and a later claim takes them once that send is recorded, with
 *    what it taught (131049's deferral, an unsubscribe, the frequency cap's count). The run's hand-over
 *    (run-daily-processing.ts) relies on it: the next campaign claims while the last batch of the one
 *    before is still out.
 *  - an A/B test waiting for its winner sends only its test share (recipients with a variant); the others
 *    wait until the winner is decided (ab/decide-ab-winner.ts).
 */
import { randomUUID } from "node:crypto";
import { Prisma, readRows, transactionRunnerOf, type Db } from "../db";
import { attemptsOnDay } from "../recipients/pack-schedule";
import type { TSendWindow } from "../sending/send-window";
import { nextAllowedDaySql } from "../sending/send-window-sql";
import { budgetAllowance } from "../cost/budget";
import type { TFrequencyCap } from "../sending/sending-settings";
import type { Day } from "../time";
import { holdingForWinnerSql } from "../ab/variants";
import { IN_FLIGHT_SQL } from "../recipients/recipient-status-sql";
import { dueRecipientsSql } from "../recipients/due-recipients";
import { NOT_REACHABLE_REASON } from "../customers/undeliverable";

/** why a recipient whose customer is subscribed but marked inactive is skipped (the spec names only unsubscribed ones) */
const INACTIVE_REASON = "Customer inactive";

/** a recipient's click token: 16 bytes from PostgreSQL's strong random source (122 random bits), base64url */
const CLICK_TOKEN_SQL = Prisma.sql`translate(encode(uuid_send(gen_random_uuid()), 'base64'), '+/=', '-_')`;

/** pg_advisory_xact_lock key serialising messaging-limit and frequency-cap checks across processors */
const MESSAGING_LIMIT_LOCK = 0x77616331; // "wac1"

export type ClaimedRecipient = {
  id: string;
  phone: string;
  customer: { name: string | null; city: string | null; customer_tier: string | null; attributes: Record<string, unknown> | null } | null;
  /** the suffix of a tracked URL button (engagement/record-click.ts) */
  clickToken: string | null;
  /** the campaign's A/B variant this recipient is sent (null: the campaign's own message) */
  variant?: number | null;
};

export type ClaimResult =
  | { kind: "claimed"; claimId: string; recipients: ClaimedRecipient[]; skipped: number; deferred: { frequency_cap: number; meta_cap: number } }
  | { kind: "not_active" | "daily_limit" | "messaging_limit" | "nothing_due" | "send_hold" }
  /** the campaign's budget cannot pay for the next message: it was paused (paused_by 'budget') */
  | { kind: "budget"; reason: string };

export async function uniqueUsersReached(db: Db | Prisma.TransactionClient, since: Date): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    SELECT count(*) AS n FROM (
      SELECT phone_number FROM whatsapp_messages
      WHERE direction = 'outbound' AND sent_at > ${since}::timestamptz AND phone_number IS NOT NULL
      UNION
      SELECT phone_number FROM campaign_recipients WHERE stage IN ${IN_FLIGHT_SQL} AND claimed_at > ${since}::timestamptz
    ) reached`);
  return Number(row.n);
}

/** SQL: the marketing sends (and claims that may have become sends) to `phones` since `since`: (phone, at). */
export function recentMarketingSendsSql(phones: Prisma.Sql, since: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT m.phone_number AS phone, m.sent_at AS at FROM whatsapp_messages m
    WHERE m.direction = 'outbound' AND m.message_type = 'template' AND NOT m.is_test AND m.status <> 'failed'
      AND m.sent_at > ${since}::timestamptz AND m.phone_number IN (${phones})
    UNION ALL
    SELECT r.phone_number, coalesce(r.claimed_at, r.updated_at) FROM campaign_recipients r
    WHERE r.status IN ${IN_FLIGHT_SQL} AND coalesce(r.claimed_at, r.updated_at) > ${since}::timestamptz AND r.phone_number IN (${phones})
      AND NOT EXISTS (SELECT 1 FROM whatsapp_messages m WHERE m.recipient_id = r.id AND m.direction = 'outbound')`;
}

export async function claimBatch({ db, campaignId, today, due, now, batchSize, messagingLimit, frequencyCap = null, window = null, timezone = "UTC" }: {
  db: Db; campaignId: string; today: Day; due: Day; now: Date; batchSize: number; messagingLimit: number | null;
  /** at most max marketing messages per customer in any `days` × 24 h, across campaigns (null = off) */
  frequencyCap?: TFrequencyCap | null;
  /** the campaign's send window: deferred recipients go to its allowed days */
  window?: TSendWindow | null;
  timezone?: string;
}): Promise<ClaimResult> {
  // the claimed rows (with each customer's fields) come back without the ORM's per-row work where the client allows (RunInTransaction)
  return transactionRunnerOf(db)(async (tx, read) => {
    if (messagingLimit !== null || frequencyCap !== null) await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(${MESSAGING_LIMIT_LOCK}::bigint)`);
    const [c] = await tx.$queryRaw<Array<{ status: string; daily_send_limit: number; budget: string | null; holding_for_winner: boolean }>>(Prisma.sql`
      SELECT status, daily_send_limit, budget::text, ${holdingForWinnerSql} AS holding_for_winner FROM marketing_campaigns WHERE id = ${campaignId}::uuid FOR UPDATE`);
    if (!c || c.status !== "active") return { kind: "not_active" } as const;
    // the account's send hold (a flagged number, a downgrade, a policy error) stops everything
    const [hold] = await tx.$queryRaw<Array<{ send_hold: boolean }>>(Prisma.sql`SELECT send_hold FROM settings WHERE id = 1`);
    if (hold?.send_hold) return { kind: "send_hold" } as const;
    const allowance = c.daily_send_limit - (await attemptsOnDay(tx, campaignId, today));
    if (allowance <= 0) return { kind: "daily_limit" } as const;
    let n = Math.min(allowance, batchSize);
    if (messagingLimit !== null) {
      const left = messagingLimit - (await uniqueUsersReached(tx, new Date(now.getTime() - 24 * 3600_000)));
      if (left <= 0) return { kind: "messaging_limit" } as const;
      n = Math.min(n, left);
    }
    // a budget takes only the next due recipients whose estimated cost still fits (cost/budget.ts)
    const budget = c.budget === null ? { kind: "no_budget" as const } : await budgetAllowance(tx, { campaignId, n, due, now, today });
    if (budget.kind === "exhausted") return { kind: "budget", reason: budget.reason } as const;
    if (budget.kind === "fits" && budget.ids.length === 0) return { kind: "nothing_due" } as const;
    const onlyIds = budget.kind === "fits" ? Prisma.sql`AND r.id = ANY(${budget.ids}::uuid[])` : Prisma.empty;
    const claimId = randomUUID();
    const capSince = frequencyCap ? new Date(now.getTime() - frequencyCap.days * 24 * 3600_000) : now;
    // the instant the customer is next eligible under the frequency cap: when the (c − max + 1)-th
    // oldest of their c recent sends leaves the window
    const capped = frequencyCap
      ? Prisma.sql`
        , sends AS (
          SELECT s.phone, s.at, row_number() OVER (PARTITION BY s.phone ORDER BY s.at) AS k, count(*) OVER (PARTITION BY s.phone) AS c
          FROM (${recentMarketingSendsSql(Prisma.sql`SELECT phone_number FROM info`, capSince)}) s
        ), capped AS (
          SELECT phone, at + make_interval(days => ${frequencyCap.days}::int) AS until FROM sends WHERE c >= ${frequencyCap.max}::int AND k = c - ${frequencyCap.max}::int + 1
        )`
      : Prisma.sql`, capped AS (SELECT NULL::text AS phone, NULL::timestamptz AS until WHERE false)`;
    const rows = await readRows<{
      id: string; phone_number: string; status: string; deferred_reason: string | null; click_token: string | null; has_customer: boolean; variant: number | null;
      name: string | null; city: string | null; customer_tier: string | null; attributes: Record<string, unknown> | null;
    }>(tx, Prisma.sql`
      WITH picked AS (
        ${dueRecipientsSql({ campaignId, due, now, limit: n, lock: true, where: Prisma.sql`
          ${onlyIds} ${c.holding_for_winner ? Prisma.sql`AND r.variant IS NOT NULL` : Prisma.empty}
          AND NOT EXISTS (SELECT 1 FROM campaign_recipients o
                          WHERE o.phone_number = r.phone_number AND o.status = 'sending' AND o.campaign_id <> ${campaignId}::uuid)` })}
      ), info AS (
        SELECT p.id, r0.phone_number, r0.variant, u.id AS customer_id, u.name, u.city, u.customer_tier, u.attributes,
               (u.id IS NOT NULL AND (u.subscription <> 'subscribed' OR NOT u.is_active)) AS blocked,
               (u.id IS NOT NULL AND u.subscription = 'subscribed' AND NOT u.is_active) AS inactive,
               (u.undeliverable_since IS NOT NULL) AS unreachable,
               CASE WHEN u.marketing_deferred_until > ${now}::timestamptz THEN u.marketing_deferred_until END AS meta_until
        FROM picked p JOIN campaign_recipients r0 ON r0.id = p.id
        LEFT JOIN user_profiles u ON u.whatsapp_phone = r0.phone_number
      )${capped}, decided AS (
        SELECT i.*, cp.until AS cap_until,
          CASE WHEN i.blocked THEN 'skip'
               WHEN i.unreachable THEN 'unreachable'
               WHEN cp.until IS NOT NULL AND cp.until >= coalesce(i.meta_until, cp.until) THEN 'frequency_cap'
               WHEN i.meta_until IS NOT NULL THEN 'meta_cap'
               ELSE 'send' END AS action,
          greatest(i.meta_until, cp.until) AS until
        FROM info i LEFT JOIN capped cp ON cp.phone = i.phone_number
      )
      UPDATE campaign_recipients r SET
        status = CASE d.action WHEN 'skip' THEN 'skipped' WHEN 'unreachable' THEN 'skipped' WHEN 'send' THEN 'sending' ELSE 'pending' END,
        claim_id = CASE WHEN d.action = 'send' THEN ${claimId}::uuid END,
        claimed_at = CASE WHEN d.action = 'send' THEN ${now}::timestamptz END,
        sent_on = CASE WHEN d.action IN ('send', 'skip', 'unreachable') THEN ${today}::date END,
        failure_reason = CASE d.action WHEN 'skip' THEN CASE WHEN d.inactive THEN ${INACTIVE_REASON} ELSE 'User unsubscribed' END WHEN 'unreachable' THEN ${NOT_REACHABLE_REASON} ELSE r.failure_reason END,
        customer_id = coalesce(r.customer_id, d.customer_id),
        click_token = CASE WHEN d.action = 'send' THEN coalesce(r.click_token, ${CLICK_TOKEN_SQL}) ELSE r.click_token END,
        deferred_reason = CASE WHEN d.action IN ('frequency_cap', 'meta_cap') THEN d.action END,
        next_attempt_at = CASE WHEN d.action IN ('frequency_cap', 'meta_cap') THEN d.until ELSE r.next_attempt_at END,
        scheduled_send_date = CASE WHEN d.action IN ('frequency_cap', 'meta_cap')
          THEN ${nextAllowedDaySql(window, Prisma.sql`greatest(r.scheduled_send_date, (d.until AT TIME ZONE ${timezone})::date)`)}
          ELSE r.scheduled_send_date END,
        updated_at = ${now}::timestamptz
      FROM decided d WHERE r.id = d.id
      RETURNING r.id, r.phone_number, r.status, r.deferred_reason, r.click_token, d.variant, (d.customer_id IS NOT NULL) AS has_customer, d.name, d.city, d.customer_tier, d.attributes`, read);
    if (rows.length === 0) return { kind: "nothing_due" } as const;
    const recipients = rows
      .filter((r) => r.status === "sending")
      .map((r) => ({
        id: r.id,
        phone: r.phone_number,
        customer: r.has_customer ? { name: r.name, city: r.city, customer_tier: r.customer_tier, attributes: r.attributes } : null,
        clickToken: r.click_token,
        variant: r.variant,
      }));
    const deferred = {
      frequency_cap: rows.filter((r) => r.deferred_reason === "frequency_cap").length,
      meta_cap: rows.filter((r) => r.deferred_reason === "meta_cap").length,
    };
    return { kind: "claimed", claimId, recipients, skipped: rows.filter((r) => r.status === "skipped").length, deferred } as const;
  });
}

/**
 * The actual cost of a message, set once, by the first status that carries pricing (inside the delivery
 * applier's chunk transaction, after the message's pricing_* columns were written):
 *  - not billable, or a free type (free_customer_service, free_entry_point): 0;
 *  - otherwise the rate for (market of the number, Meta's pricing category) on the card in force on the
 *    day the message was sent (the recipient's sent_on, else sent_at, in CAMPAIGN_TIMEZONE);
 *  - a market or category the card does not price: cost stays null, counted as unpriced (never 0).
 * The update only touches messages whose cost is not set yet (a duplicate or later status changes nothing),
 * and in the same statement appends what it set to campaign_cost_daily (campaign sends, not test sends), so
 * the per-campaign and per-day spend always equals the sum over the messages. Appended, not added to one
 * row per day: concurrent applier transactions (the lanes of a drain, other instances) would all wait for
 * the one row of the campaign's day until the holder commits. compactDailyCosts merges the rows later.
 */
import { Prisma, type DbOrTx, type Tx } from "../db";
import { dateToDay } from "../time";
import { marketOfNumber } from "./market";
import { FALLBACK_CURRENCY } from "./pricing-context";
import { cardInForce, loadRateCards, rateCategory, rateOf } from "./rate-card";

export const FREE_PRICING_TYPES: ReadonlySet<string> = new Set(["free_customer_service", "free_entry_point"]);

export async function applyMessageCosts(tx: Tx, { wamids, now, timezone }: { wamids: string[]; now: Date; timezone: string }): Promise<number> {
  if (wamids.length === 0) return 0;
  const rows = await tx.$queryRaw<Array<{
    id: string; phone_number: string | null; wa_id: string | null; market: string | null;
    billable: boolean | null; category: string | null; type: string | null; day: Date;
  }>>(Prisma.sql`
    SELECT w.id::text, w.phone_number, w.wa_id, r.market, w.pricing_billable AS billable, w.pricing_category AS category, w.pricing_type AS type,
      coalesce(r.sent_on, (coalesce(w.sent_at, w.created_at) AT TIME ZONE ${timezone})::date) AS day
    FROM whatsapp_messages w LEFT JOIN campaign_recipients r ON r.id = w.recipient_id
    WHERE w.whatsapp_message_id = ANY(${wamids}::text[]) AND w.direction = 'outbound' AND w.cost_set_at IS NULL
      AND (w.pricing_billable IS NOT NULL OR w.pricing_type IS NOT NULL OR w.pricing_category IS NOT NULL)
    ORDER BY w.id`);
  if (rows.length === 0) return 0;
  const cards = await loadRateCards(tx);
  const priced = rows.map((m) => {
    const day = dateToDay(m.day);
    const card = cardInForce(cards, day);
    const market = m.market ?? marketOfNumber(m.phone_number && /^[0-9]+$/.test(m.phone_number) ? m.phone_number : m.wa_id);
    const free = m.billable === false || (m.type !== null && FREE_PRICING_TYPES.has(m.type));
    const category = rateCategory(m.category);
    const amount = free ? "0" : card && category ? rateOf(card, market, category) : null;
    return { id: m.id, day, market, amount, card: card?.id ?? null, currency: card?.currency ?? FALLBACK_CURRENCY };
  });
  const [{ n }] = await tx.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    WITH v AS (
      SELECT * FROM unnest(${priced.map((p) => p.id)}::uuid[], ${priced.map((p) => p.amount)}::numeric[], ${priced.map((p) => p.currency)}::text[],
                           ${priced.map((p) => p.market)}::text[], ${priced.map((p) => p.card)}::uuid[], ${priced.map((p) => p.day)}::date[])
        AS v(id, amount, currency, market, card, day)
    ), upd AS (
      UPDATE whatsapp_messages w SET cost_amount = v.amount, cost_currency = v.currency, cost_market = v.market, cost_rate_card_id = v.card,
        cost_set_at = ${now}::timestamptz
      FROM v WHERE w.id = v.id AND w.cost_set_at IS NULL
      RETURNING w.campaign_id, w.is_test, w.cost_amount, w.cost_currency, v.day
    ), daily AS (
      INSERT INTO campaign_cost_daily (campaign_id, date, currency, cost, priced, unpriced)
      SELECT campaign_id, day, cost_currency, coalesce(sum(cost_amount), 0), count(cost_amount), count(*) - count(cost_amount)
      FROM upd WHERE campaign_id IS NOT NULL AND NOT is_test
      GROUP BY 1, 2, 3
      RETURNING 1
    )
    SELECT count(*) AS n FROM upd`);
  return Number(n);
}

/**
 * Merges the rows of each (campaign, date, currency) that applyMessageCosts appended since, among the
 * newest `recent` rows' campaign days, into one, in one statement (a reader sees the rows before or after,
 * the same sums). Rows another compaction holds are skipped (that one merges them). Returns the rows merged.
 */
export async function compactDailyCosts(db: DbOrTx, { recent = 10_000 }: { recent?: number } = {}): Promise<number> {
  const [{ n }] = await db.$queryRaw<Array<{ n: number }>>(Prisma.sql`
    WITH keys AS (
      SELECT d.campaign_id, d.date, d.currency FROM campaign_cost_daily d
      WHERE (d.campaign_id, d.date) IN (SELECT campaign_id, date FROM campaign_cost_daily ORDER BY id DESC LIMIT ${recent}::int)
      GROUP BY 1, 2, 3 HAVING count(*) > 1
    ), mine AS (
      SELECT d.id FROM campaign_cost_daily d JOIN keys k ON k.campaign_id = d.campaign_id AND k.date = d.date AND k.currency = d.currency
      ORDER BY d.id FOR UPDATE OF d SKIP LOCKED
    ), gone AS (
      DELETE FROM campaign_cost_daily d USING mine WHERE d.id = mine.id
      RETURNING d.campaign_id, d.date, d.currency, d.cost, d.priced, d.unpriced
    ), merged AS (
      INSERT INTO campaign_cost_daily (campaign_id, date, currency, cost, priced, unpriced)
      SELECT campaign_id, date, currency, sum(cost), sum(priced), sum(unpriced) FROM gone GROUP BY 1, 2, 3
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone)::int AS n`);
  return n;
}

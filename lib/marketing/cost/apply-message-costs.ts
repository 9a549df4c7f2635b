/**
 * The actual cost of a message, set once, by the first status that carries pricing (inside the delivery
 * applier's chunk transaction):
 *  - not billable, or a free type (free_customer_service, free_entry_point): 0;
 *  - otherwise the rate for (market of the number, Meta's pricing category) on the card in force on the
 *    day the message was sent (the recipient's sent_on, else sent_at, in CAMPAIGN_TIMEZONE);
 *  - a market or category the card does not price: cost stays null, counted as unpriced (never 0).
 * priceMessages computes it before the messages' status update, from the pricing each message will have
 * once the chunk's pricing is stored, and that update writes it (costSetSql): one write per message row,
 * not a second one for its cost. Only a message whose cost is not set yet gets one (the update checks it
 * again on the locked row, so a duplicate or later status, or a concurrent applier, changes nothing). The
 * same statement appends what it set to campaign_cost_daily (campaign sends, not test sends:
 * COST_DAILY_SQL), so the per-campaign and per-day spend always equals the sum over the messages. Appended,
 * not added to one row per day: concurrent applier transactions (the lanes of a drain, other instances)
 * would all wait for the one row of the campaign's day until the holder commits. compactDailyCosts merges
 * the rows later.
 */
import { Prisma, type Db, type Tx } from "../db";
import { dateToDay, dayInZone, type Day } from "../time";
import { marketOfNumber } from "./market";
import { FALLBACK_CURRENCY } from "./pricing-context";
import { cardInForce, loadRateCards, rateCategory, rateOf } from "./rate-card";

export const FREE_PRICING_TYPES: ReadonlySet<string> = new Set(["free_customer_service", "free_entry_point"]);

/** A message's cost as priceMessages computed it: `amount` null = unpriced. */
export type MessageCost = { amount: string | null; currency: string; market: string | null; card: string | null; day: Day };

const bool = (v: unknown) => (typeof v === "boolean" ? v : null);
const str = (v: unknown) => (typeof v === "string" ? v : null);

/**
 * The cost of each message in `pricing` (wamid → the pricing its statuses carry in this chunk) that has
 * none yet, from that pricing over what the message stored before (as the status update merges them).
 * `sentAt`: the send time the status update gives a message without one.
 */
export async function priceMessages(tx: Tx, { pricing, sentAt, timezone }: {
  pricing: Map<string, Record<string, unknown>>; sentAt: Map<string, Date>; timezone: string;
}): Promise<Map<string, MessageCost>> {
  const out = new Map<string, MessageCost>();
  if (pricing.size === 0) return out;
  const rows = await tx.$queryRaw<Array<{
    wamid: string; phone_number: string | null; wa_id: string | null; market: string | null; sent_on: Date | null; sent_at: Date | null; created_at: Date;
    billable: boolean | null; category: string | null; type: string | null;
  }>>(Prisma.sql`
    SELECT w.whatsapp_message_id AS wamid, w.phone_number, w.wa_id, r.market, r.sent_on, w.sent_at, w.created_at,
      w.pricing_billable AS billable, w.pricing_category AS category, w.pricing_type AS type
    FROM whatsapp_messages w LEFT JOIN campaign_recipients r ON r.id = w.recipient_id
    WHERE w.whatsapp_message_id = ANY(${[...pricing.keys()]}::text[]) AND w.direction = 'outbound' AND w.cost_set_at IS NULL`);
  if (rows.length === 0) return out;
  const cards = await loadRateCards(tx);
  for (const m of rows) {
    const p = pricing.get(m.wamid)!;
    const billable = bool(p.billable) ?? m.billable;
    const type = str(p.type) ?? m.type;
    const rawCategory = str(p.category) ?? m.category;
    if (billable === null && type === null && rawCategory === null) continue; // no pricing: no cost yet
    const day = m.sent_on ? dateToDay(m.sent_on)
      : dayInZone(m.sent_at ?? sentAt.get(m.wamid) ?? m.created_at, timezone);
    const card = cardInForce(cards, day);
    const market = m.market ?? marketOfNumber(m.phone_number && /^[0-9]+$/.test(m.phone_number) ? m.phone_number : m.wa_id);
    const free = billable === false || (type !== null && FREE_PRICING_TYPES.has(type));
    const category = rateCategory(rawCategory);
    const amount = free ? "0" : card && category ? rateOf(card, market, category) : null;
    out.set(m.wamid, { amount, currency: card?.currency ?? FALLBACK_CURRENCY, market, card: card?.id ?? null, day });
  }
  return out;
}

/**
 * SQL, in the messages' UPDATE (`w` the message, `t` its event row with cost_* from priceMessages and
 * `costed`: a cost was computed and the locked row has none yet): the cost columns, set once.
 */
export const costSetSql = (now: Date) => Prisma.sql`
      cost_amount = CASE WHEN t.costed THEN t.cost_amount ELSE w.cost_amount END,
      cost_currency = CASE WHEN t.costed THEN t.cost_currency ELSE w.cost_currency END,
      cost_market = CASE WHEN t.costed THEN t.cost_market ELSE w.cost_market END,
      cost_rate_card_id = CASE WHEN t.costed THEN t.cost_card ELSE w.cost_rate_card_id END,
      cost_set_at = CASE WHEN t.costed THEN ${now}::timestamptz ELSE w.cost_set_at END`;

/** SQL: a CTE appending the spend of the messages the UPDATE `upd` priced (its RETURNING has costed, campaign_id, is_test, cost_amount, cost_currency, cost_day). */
export const COST_DAILY_SQL = Prisma.sql`
      INSERT INTO campaign_cost_daily (campaign_id, date, currency, cost, priced, unpriced)
      SELECT campaign_id, cost_day, cost_currency, coalesce(sum(cost_amount), 0), count(cost_amount), count(*) - count(cost_amount)
      FROM upd WHERE costed AND campaign_id IS NOT NULL AND NOT is_test
      GROUP BY 1, 2, 3
      RETURNING 1`;

/**
 * Merges the rows of each (campaign, date, currency) that the status updates appended since, among the
 * newest `recent` rows' campaign days, into one, in one statement (a reader sees the rows before or after,
 * the same sums). One merge at a time (a transaction-scoped advisory lock; a second caller returns at once:
 * the first merges what it would have): two at once would each merge part of a day's rows. The appliers
 * only insert, so nothing else holds these rows. Returns the rows merged.
 */
export async function compactDailyCosts(db: Db, { recent = 10_000 }: { recent?: number } = {}): Promise<number> {
  return db.$transaction(async (tx) => {
    const [{ got }] = await tx.$queryRaw<Array<{ got: boolean }>>(Prisma.sql`SELECT pg_try_advisory_xact_lock(hashtext('campaign_cost_daily compaction')) AS got`);
    if (!got) return 0;
    const [{ n }] = await tx.$queryRaw<Array<{ n: number }>>(Prisma.sql`
      WITH keys AS (
        SELECT d.campaign_id, d.date, d.currency FROM campaign_cost_daily d
        WHERE (d.campaign_id, d.date) IN (SELECT campaign_id, date FROM campaign_cost_daily ORDER BY id DESC LIMIT ${recent}::int)
        GROUP BY 1, 2, 3 HAVING count(*) > 1
      ), gone AS (
        DELETE FROM campaign_cost_daily d USING keys k WHERE k.campaign_id = d.campaign_id AND k.date = d.date AND k.currency = d.currency
        RETURNING d.campaign_id, d.date, d.currency, d.cost, d.priced, d.unpriced
      ), merged AS (
        INSERT INTO campaign_cost_daily (campaign_id, date, currency, cost, priced, unpriced)
        SELECT campaign_id, date, currency, sum(cost), sum(priced), sum(unpriced) FROM gone GROUP BY 1, 2, 3
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM gone)::int AS n`);
    return n;
  });
}

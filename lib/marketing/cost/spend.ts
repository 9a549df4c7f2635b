/**
 * Spend for the dashboard, read from campaign_cost_daily (the applier keeps it equal to the messages):
 * a campaign's spend per day, spend per campaign for lists, and the month to date (per day, per campaign).
 */
import { Prisma, type DbOrTx } from "../db";
import { addDays, dateToDay, type Day } from "../time";
import { round6 } from "./estimate-campaign-cost";

export type SpendPoint = { date: Day; cost: number };

/**
 * A campaign's spend per day, as its daily results chart shows days: from its first day with spend to
 * today (or its last day with spend, if later), every day, 0 where nothing was billed; a long campaign its
 * last 90 days.
 */
export async function campaignSpendSeries(db: DbOrTx, campaignId: string, today: Day): Promise<SpendPoint[]> {
  const rows = await db.$queryRaw<Array<{ date: Date; cost: string }>>(Prisma.sql`
    SELECT date, sum(cost)::text AS cost FROM campaign_cost_daily WHERE campaign_id = ${campaignId}::uuid GROUP BY date ORDER BY date`);
  return everySpendDay(rows.map((r) => ({ date: dateToDay(r.date), cost: round6(r.cost) })), today);
}

/** the most days a campaign's spend chart shows (its daily results show as many) */
const SPEND_DAYS = 90;

/**
 * Points in day order with the days between them added at 0, on to `today` when it is later (a chart's
 * axis then counts days, like the daily results beside it), the last SPEND_DAYS of them.
 */
export function everySpendDay(points: SpendPoint[], today?: Day): SpendPoint[] {
  if (points.length === 0) return [];
  const byDay = new Map(points.map((p) => [p.date, p.cost]));
  const last = today !== undefined && today > points[points.length - 1].date ? today : points[points.length - 1].date;
  const earliest = addDays(last, -(SPEND_DAYS - 1));
  const out: SpendPoint[] = [];
  for (let d = points[0].date < earliest ? earliest : points[0].date; d <= last; d = addDays(d, 1)) out.push({ date: d, cost: byDay.get(d) ?? 0 });
  return out;
}

/** campaign id → actual spend (campaigns without spend are absent). */
export async function spendByCampaign(db: DbOrTx, campaignIds: string[]): Promise<Map<string, number>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ campaign_id: string; cost: string }>>(Prisma.sql`
    SELECT campaign_id::text, sum(cost)::text AS cost FROM campaign_cost_daily WHERE campaign_id = ANY(${campaignIds}::uuid[]) GROUP BY 1`);
  return new Map(rows.map((r) => [r.campaign_id, round6(r.cost)]));
}

export type MonthSpend = {
  currency: string | null; from: Day; to: Day; total: number;
  /** every day of the month so far (0 where nothing was spent) */
  days: SpendPoint[];
  campaigns: Array<{ id: string; name: string; cost: number }>;
};

/** The month to date of `today` (CAMPAIGN_TIMEZONE days). */
export async function monthToDateSpend(db: DbOrTx, today: Day): Promise<MonthSpend> {
  const from = `${today.slice(0, 8)}01`;
  const days = await db.$queryRaw<Array<{ date: Date; cost: string }>>(Prisma.sql`
    SELECT g.d::date AS date, coalesce(sum(s.cost), 0)::text AS cost
    FROM generate_series(${from}::date, ${today}::date, interval '1 day') AS g(d)
    LEFT JOIN campaign_cost_daily s ON s.date = g.d::date
    GROUP BY 1 ORDER BY 1`);
  const campaigns = await db.$queryRaw<Array<{ id: string; name: string; cost: string }>>(Prisma.sql`
    SELECT c.id::text, c.name, sum(s.cost)::text AS cost FROM campaign_cost_daily s JOIN marketing_campaigns c ON c.id = s.campaign_id
    WHERE s.date BETWEEN ${from}::date AND ${today}::date GROUP BY 1, 2 HAVING sum(s.cost) > 0 ORDER BY sum(s.cost) DESC, c.name LIMIT 10`);
  const currency = await currencyInForce(db, today);
  const points = days.map((d) => ({ date: dateToDay(d.date), cost: round6(d.cost) }));
  return {
    currency, from, to: today,
    total: round6(points.reduce((s, p) => s + p.cost, 0)),
    days: points,
    campaigns: campaigns.map((c) => ({ id: c.id, name: c.name, cost: round6(c.cost) })),
  };
}

/** The currency of the rate card in force on `day` (spend is counted in it). */
export async function currencyInForce(db: DbOrTx, day: Day): Promise<string | null> {
  const [cur] = await db.$queryRaw<Array<{ currency: string }>>(Prisma.sql`
    SELECT currency FROM rate_cards ORDER BY (effective_from <= ${day}::date) DESC, CASE WHEN effective_from <= ${day}::date THEN effective_from END DESC, effective_from, created_at DESC LIMIT 1`);
  return cur?.currency ?? null;
}

/**
 * What a campaign will cost: its recipients (all but the skipped) grouped by market, each market's count ×
 * the rate of the template's category on the card in force on `day`. Numbers the card does not cover
 * (a market without a rate, a number without a country) are counted in `uncovered`, not priced at zero.
 * Amounts are exact decimals (strings in SQL, numbers rounded to 6 decimals in the answer).
 */
import { Prisma, readRows, type DbOrTx, type PlainRead } from "../db";
import { AppError } from "../errors";
import type { Day } from "../time";
import { parseCampaignId } from "../campaigns/campaign-id";
import { assignMarkets } from "./assign-markets";
import { UNKNOWN_MARKET } from "./market";
import { campaignPricing, type CampaignPricing } from "./pricing-context";

export type MarketEstimate = { market: string; recipients: number; rate: number | null; cost: number | null };

export type CostEstimate = {
  currency: string;
  /** the template category the rates are read for */
  category: string;
  rate_card: { id: string; effective_from: string } | null;
  recipients: number;
  estimated: number;
  /** recipients the card has no rate for (not in `estimated`) */
  uncovered: number;
  markets: MarketEstimate[];
};

export async function estimateCampaignCost({ db, campaignId, day }: { db: DbOrTx; campaignId: string; day: Day }): Promise<CostEstimate> {
  const c = await db.marketingCampaign.findUnique({ where: { id: parseCampaignId(campaignId) }, select: { id: true, templateName: true, languageCode: true } });
  if (!c) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  // one after the other: activation runs this inside its transaction
  await assignMarkets(db, c.id);
  return estimateWithPricing(db, c.id, await campaignPricing(db, { templateName: c.templateName, languageCode: c.languageCode, day }));
}

/**
 * The estimate of an existing campaign priced with `pricing` (for a caller that has read it already).
 * The caller gives the recipients their markets first (assignMarkets; getCampaignCost only when the pricing
 * read found some missing): recipients still without a market are priced as unknown.
 */
export async function estimateWithPricing(db: DbOrTx, campaignId: string, pricing: CampaignPricing, read?: PlainRead): Promise<CostEstimate> {
  // the total is summed as exact decimals alongside (the same on every row)
  const rows = await readRows<{ market: string; n: bigint | string; rate: string | null; cost: string | null; total: string }>(db, Prisma.sql`
    SELECT m.market, m.n, rr.rate::text AS rate, (m.n * rr.rate)::text AS cost, coalesce(sum(m.n * rr.rate) OVER (), 0)::text AS total
    FROM (SELECT market, sum(n)::bigint AS n FROM (
            -- per market, the recipients not skipped: kept by the triggers on campaign_recipients, so the
            -- estimate reads a few rows instead of grouping every recipient; '' counts those without a
            -- market yet (added after assignMarkets ran): priced as unknown
            SELECT CASE WHEN market = '' THEN ${UNKNOWN_MARKET} ELSE market END AS market, recipients::bigint AS n
            FROM campaign_market_counts WHERE campaign_id = ${campaignId}::uuid
          ) u GROUP BY market HAVING sum(n) > 0) m
    LEFT JOIN rate_card_rates rr ON rr.card_id = ${pricing.card?.id ?? null}::uuid AND rr.market = m.market AND rr.category = ${pricing.category}
    ORDER BY m.n DESC, m.market`, read);
  const markets = rows.map((r) => ({ market: r.market, recipients: Number(r.n), rate: r.rate === null ? null : Number(r.rate), cost: r.cost === null ? null : round6(r.cost) }));
  return {
    currency: pricing.currency,
    category: pricing.category,
    rate_card: pricing.card ? { id: pricing.card.id, effective_from: pricing.card.effectiveFrom } : null,
    recipients: markets.reduce((s, m) => s + m.recipients, 0),
    estimated: round6(rows[0]?.total ?? 0),
    uncovered: markets.filter((m) => m.rate === null).reduce((s, m) => s + m.recipients, 0),
    markets,
  };
}

/** A decimal text as a number, to 6 decimals (what the card holds). */
export function round6(decimal: string | number): number {
  return Math.round(Number(decimal) * 1e6) / 1e6;
}

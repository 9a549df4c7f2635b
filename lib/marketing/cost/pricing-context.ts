/**
 * What a campaign's messages are priced with: the card in force on a day and the template's category
 * (Meta bills a template message by the category the template has when it is used; a template missing
 * from the library is priced as marketing, what campaigns send).
 */
import { Prisma, type DbOrTx } from "../db";
import type { Day } from "../time";
import { rateCategory, type RateCategory } from "./rate-card";

/** The card a campaign is priced with (its rates stay in the database: the statements join them). */
export type PricingCard = { id: string; currency: string; effectiveFrom: Day };
export type CampaignPricing = { card: PricingCard | null; category: RateCategory; currency: string };

/** The currency costs are counted in when no card exists at all (never the case after the migration). */
export const FALLBACK_CURRENCY = "USD";

type PricingTemplate =
  | { templateName: string; languageCode: string }
  /** the campaign's own template, read in the same statement (no campaign row needed first) */
  | { templateName?: undefined; languageCode?: undefined; campaignId: string };

/** The columns campaignPricingSql selects (text and int only: the same values through the ORM or a plain pg query). */
export type CampaignPricingRow = { category: string | null; card_id: string | null; currency: string | null; effective_from: string | null; missing: number | null };

/** campaignPricing's statement, as a one-row derived table for statements that read it with other figures (GET …/stats). */
export function campaignPricingSql({ templateName, languageCode, day, campaignId }: { day: Day; campaignId?: string } & PricingTemplate): Prisma.Sql {
  const template = templateName !== undefined
    ? Prisma.sql`name = ${templateName} AND language = ${languageCode}`
    : Prisma.sql`(name, language) = (SELECT template_name, language_code FROM marketing_campaigns WHERE id = ${campaignId}::uuid)`;
  const missing = campaignId
    ? Prisma.sql`(SELECT recipients FROM campaign_market_counts WHERE campaign_id = ${campaignId}::uuid AND market = '')`
    : Prisma.sql`NULL::int`;
  return Prisma.sql`
    SELECT (SELECT category FROM whatsapp_templates WHERE ${template} AND NOT deleted LIMIT 1) AS category,
      k.id::text AS card_id, k.currency, k.effective_from::text, ${missing} AS missing
    FROM (SELECT 1) one LEFT JOIN LATERAL (
      SELECT id, currency, effective_from FROM (
        (SELECT id, currency, effective_from, 0 AS pick FROM rate_cards WHERE effective_from <= ${day}::date ORDER BY effective_from DESC, created_at DESC LIMIT 1)
        UNION ALL
        (SELECT id, currency, effective_from, 1 FROM rate_cards ORDER BY effective_from, created_at LIMIT 1)
      ) c ORDER BY pick LIMIT 1
    ) k ON true`;
}

export function readCampaignPricing(row: CampaignPricingRow | undefined): CampaignPricing & { missingMarkets: number } {
  const card = row?.card_id ? { id: row.card_id, currency: row.currency!, effectiveFrom: row.effective_from! } : null;
  return { card, category: rateCategory(row?.category) ?? "marketing", currency: card?.currency ?? FALLBACK_CURRENCY, missingMarkets: Number(row?.missing ?? 0) };
}

/**
 * One statement: the template's category and the card in force on `day` — cardInForce's rule in SQL: the
 * latest card (effective_from, then created_at) in force on the day, else the earliest card.
 */
export async function campaignPricing(db: DbOrTx, input: {
  day: Day;
  /** also count the campaign's recipients without a market yet (`missingMarkets`: assignMarkets has work) */
  campaignId?: string;
} & PricingTemplate): Promise<CampaignPricing & { missingMarkets: number }> {
  const [row] = await db.$queryRaw<CampaignPricingRow[]>(campaignPricingSql(input));
  return readCampaignPricing(row);
}

/**
 * SQL: the estimated price of one message to a recipient row aliased `r` (its market) — the card's rate,
 * or, when the card does not cover the market, the highest rate of the category on the card (spend is
 * never under-estimated against a budget). 0 without a card.
 */
export function unitEstimateSql(pricing: CampaignPricing): Prisma.Sql {
  if (!pricing.card) return Prisma.sql`0::numeric`;
  const card = pricing.card.id;
  return Prisma.sql`coalesce(
    (SELECT rr.rate FROM rate_card_rates rr WHERE rr.card_id = ${card}::uuid AND rr.market = r.market AND rr.category = ${pricing.category}),
    (SELECT max(rr.rate) FROM rate_card_rates rr WHERE rr.card_id = ${card}::uuid AND rr.category = ${pricing.category}),
    0::numeric)`;
}

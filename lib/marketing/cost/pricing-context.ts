/**
 * What a campaign's messages are priced with: the card in force on a day and the template's category
 * (Meta bills a template message by the category the template has when it is used; a template missing
 * from the library is priced as marketing, what campaigns send).
 */
import { Prisma, type DbOrTx } from "../db";
import type { Day } from "../time";
import { cardInForce, loadRateCards, rateCategory, type RateCard, type RateCategory } from "./rate-card";

export type CampaignPricing = { card: RateCard | null; category: RateCategory; currency: string };

/** The currency costs are counted in when no card exists at all (never the case after the migration). */
export const FALLBACK_CURRENCY = "USD";

export async function campaignPricing(db: DbOrTx, { templateName, languageCode, day }: { templateName: string; languageCode: string; day: Day }): Promise<CampaignPricing> {
  const [[t], cards] = await Promise.all([
    db.$queryRaw<Array<{ category: string }>>(Prisma.sql`
      SELECT category FROM whatsapp_templates WHERE name = ${templateName} AND language = ${languageCode} AND NOT deleted LIMIT 1`),
    loadRateCards(db),
  ]);
  const card = cardInForce(cards, day);
  return { card, category: rateCategory(t?.category) ?? "marketing", currency: card?.currency ?? FALLBACK_CURRENCY };
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

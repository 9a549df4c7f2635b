/**
 * A campaign's cost for GET …/stats and the campaign page:
 *   estimated     the whole audience at the card in force today (estimate-campaign-cost.ts)
 *   actual        what Meta bills for the messages whose pricing arrived (campaign_cost_daily: the sum over
 *                 the messages, kept by the applier)
 *   per_delivered actual / delivered (null before anything was delivered)
 *   budget        the cap (null = none); remaining = budget − committed spend (actual + in-flight estimate),
 *                 never below 0
 */
import type { Prisma, DbOrTx, PlainRead } from "../db";
import { assignMarkets } from "./assign-markets";
import type { Day } from "../time";
import { committedSpend } from "./budget";
import { estimateWithPricing, round6, type MarketEstimate } from "./estimate-campaign-cost";
import { campaignPricing } from "./pricing-context";

export type CampaignCost = {
  currency: string;
  estimated: number;
  actual: number;
  per_delivered: number | null;
  budget: number | null;
  remaining: number | null;
  /** estimated cost of messages sent whose pricing has not arrived yet, and of claims in flight */
  in_flight: number;
  /** recipients the rate card does not cover (not in `estimated`), and sent messages it could not price */
  uncovered: number;
  unpriced_messages: number;
  rate_card_effective_from: string | null;
  markets: MarketEstimate[];
};

export async function getCampaignCost({ db, campaign, day, pricing: known, read }: {
  db: DbOrTx; day: Day;
  /** budget: the Prisma decimal, or its text from a raw read */
  campaign: { id: string; templateName: string; languageCode: string; budget: Prisma.Decimal | string | null; messagesDelivered: number };
  /** campaignPricing(…, { campaignId, day }) when the caller read it already (beside the campaign row) */
  pricing?: Awaited<ReturnType<typeof campaignPricing>>;
  /** a plain pg query for the estimate and the spend (see readRows) */
  read?: PlainRead;
}): Promise<CampaignCost> {
  // the pricing, with whether some recipients have no market yet (then they get one first), then the
  // estimate and the committed spend at once
  const pricing = known ?? await campaignPricing(db, { templateName: campaign.templateName, languageCode: campaign.languageCode, day, campaignId: campaign.id });
  if (pricing.missingMarkets > 0) await assignMarkets(db, campaign.id, { skipLocked: true });
  const [estimate, spend] = await Promise.all([estimateWithPricing(db, campaign.id, pricing, read), committedSpend(db, campaign.id, pricing, read)]);
  const actual = round6(spend.actual);
  const budget = campaign.budget === null ? null : Number(campaign.budget);
  return {
    currency: estimate.currency,
    estimated: estimate.estimated,
    actual,
    per_delivered: campaign.messagesDelivered > 0 ? round6(actual / campaign.messagesDelivered) : null,
    budget,
    remaining: budget === null ? null : Math.max(0, round6(budget - Number(spend.committed))),
    in_flight: round6(spend.in_flight),
    uncovered: estimate.uncovered,
    unpriced_messages: Number(spend.unpriced_messages),
    rate_card_effective_from: estimate.rate_card?.effective_from ?? null,
    markets: estimate.markets,
  };
}

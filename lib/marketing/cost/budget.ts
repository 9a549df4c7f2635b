/**
 * A campaign's budget (marketing_campaigns.budget, in the card's currency) is never exceeded:
 *   committed = actual spend (campaign_cost_daily; unpriced messages at the category's highest rate)
 *             + the estimate of every message that may still be billed: claims in flight or of unknown
 *               outcome, and sends whose pricing has not arrived yet;
 *   a claim takes only the next due recipients (in claim order, recipients/due-recipients.ts) whose running estimated cost fits in
 *   budget − committed. It runs inside the claim's transaction, after the campaign row is locked, so
 *   concurrent processors see each other's claims and cannot overshoot together. When not even the next
 *   recipient fits, the campaign pauses (paused_by 'budget') with the reason and an alert.
 */
import { z } from "@/lib/zod";
import { Prisma, readRows, type DbOrTx, type PlainRead, type Tx } from "../db";
import { AppError } from "../errors";
import { pauseCampaigns } from "../campaigns/pause-campaign";
import type { Day } from "../time";
import { assignMarkets } from "./assign-markets";
import { campaignPricing, unitEstimateSql, type CampaignPricing } from "./pricing-context";
import { IN_FLIGHT_SQL, SENT_SQL } from "../recipients/recipient-status-sql";
import { DUE_ORDER, dueRecipientsSql } from "../recipients/due-recipients";

/** A budget: at most 1,000,000,000 in the card's currency, 4 decimals; null removes it. */
export const ZBudget = z.number().min(0).max(1_000_000_000).multipleOf(0.0001, "at most 4 decimals");

export type CommittedSpend = {
  actual: string; unpriced: string; in_flight: string; committed: string;
  /** sent messages whose pricing did not come (priced above at the category's highest rate) */
  unpriced_messages: string;
};

/** The campaign's committed spend (see above), as exact decimals. */
export async function committedSpend(db: DbOrTx, campaignId: string, pricing: CampaignPricing, read?: PlainRead): Promise<CommittedSpend> {
  const maxRate = pricing.card
    ? Prisma.sql`coalesce((SELECT max(rate) FROM rate_card_rates WHERE card_id = ${pricing.card.id}::uuid AND category = ${pricing.category}), 0)`
    : Prisma.sql`0::numeric`;
  const [row] = await readRows<CommittedSpend>(db, Prisma.sql`
    WITH a AS (
      SELECT coalesce(sum(cost), 0) AS actual, coalesce(sum(unpriced), 0) * ${maxRate} AS unpriced, coalesce(sum(unpriced), 0) AS unpriced_messages
      FROM campaign_cost_daily WHERE campaign_id = ${campaignId}::uuid
    ), f AS (
      -- claims in flight or of unknown outcome, and sends whose pricing has not arrived: both read through
      -- small sets (the in-flight statuses' index; the campaign's unpriced_sends), never the whole campaign
      SELECT coalesce(sum(${unitEstimateSql(pricing)}), 0) AS in_flight FROM campaign_recipients r
      WHERE r.id IN (
        SELECT q.id FROM campaign_recipients q WHERE q.campaign_id = ${campaignId}::uuid AND q.stage IN ${IN_FLIGHT_SQL}
        UNION
        SELECT u.recipient_id FROM unpriced_sends u WHERE u.campaign_id = ${campaignId}::uuid)
      AND (r.status IN ${IN_FLIGHT_SQL}
        OR (r.status IN ${SENT_SQL}
            AND NOT EXISTS (SELECT 1 FROM whatsapp_messages m WHERE m.recipient_id = r.id AND m.direction = 'outbound' AND m.cost_set_at IS NOT NULL)))
    )
    SELECT a.actual::text, a.unpriced::text, f.in_flight::text, (a.actual + a.unpriced + f.in_flight)::text AS committed,
      a.unpriced_messages::text FROM a, f`, read);
  return row;
}

export type BudgetDecision =
  | { kind: "no_budget" }
  /** the ids to claim (a prefix of the due recipients in claim order), possibly fewer than asked */
  | { kind: "fits"; ids: string[] }
  /** not even the next due recipient fits: the campaign was paused */
  | { kind: "exhausted"; reason: string };

/**
 * Inside the claim's transaction (campaign row locked): which of the next `n` due recipients fit in the
 * budget. `due` / `now` select due recipients exactly as the claim does.
 */
export async function budgetAllowance(tx: Tx, { campaignId, n, due, now, today }: { campaignId: string; n: number; due: Day; now: Date; today: Day }): Promise<BudgetDecision> {
  const [c] = await tx.$queryRaw<Array<{ budget: string | null; name: string; template_name: string; language_code: string }>>(Prisma.sql`
    SELECT budget::text, name, template_name, language_code FROM marketing_campaigns WHERE id = ${campaignId}::uuid`);
  if (!c || c.budget === null) return { kind: "no_budget" };
  // the recipients' markets (added since the estimate): the campaign row is locked first, then its recipients
  await assignMarkets(tx, campaignId);
  const pricing = await campaignPricing(tx, { templateName: c.template_name, languageCode: c.language_code, day: today });
  const spend = await committedSpend(tx, campaignId, pricing);
  const picked = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    WITH cand AS (${dueRecipientsSql({ campaignId, due, now, limit: n, lock: true })}
    ), priced AS (
      SELECT c.id, c.queue, c.held_day, c.created_at, ${unitEstimateSql(pricing)} AS unit FROM cand c JOIN campaign_recipients r ON r.id = c.id
    ), running AS (
      SELECT id, sum(unit) OVER (ORDER BY ${DUE_ORDER}) AS cum FROM priced
    )
    SELECT id::text FROM running WHERE cum <= ${c.budget}::numeric - ${spend.committed}::numeric ORDER BY cum, id`);
  if (picked.length > 0) return { kind: "fits", ids: picked.map((p) => p.id) };
  // none fits: paused only when a recipient is due (not when the claim would find nothing anyway)
  const due1 = await tx.$queryRaw<Array<{ id: string }>>(dueRecipientsSql({ campaignId, due, now, limit: 1 }));
  if (due1.length === 0) return { kind: "fits", ids: [] };
  const reason = `Paused automatically: the budget of ${c.budget.replace(/\.?0+$/, "")} ${pricing.currency} is reached `
    + `(${round2(spend.actual)} spent, ${round2(spend.in_flight)} in flight; the next message would go over it). Raise the budget to continue.`;
  const details = { budget: c.budget, currency: pricing.currency, ...spend };
  await pauseCampaigns(tx, { by: "budget", now, pauses: [{ campaignId, reason, audit: details, alert: details }] });
  return { kind: "exhausted", reason };
}

const round2 = (v: string) => (Math.round(Number(v) * 100) / 100).toFixed(2);

/**
 * Resuming a campaign the budget paused needs room for at least its next message (a raised or removed
 * budget, or spend that turned out lower than estimated) or the user's explicit confirmation
 * (409 BUDGET_CONFIRMATION_REQUIRED otherwise). The budget still holds after a confirmed resume: the
 * processor claims only what fits and pauses again when nothing does.
 */
export async function assertBudgetAllowsResume(tx: Tx, { campaignId, today, confirm, pauseReason }: { campaignId: string; today: Day; confirm: boolean; pauseReason: string | null }) {
  if (confirm) return;
  const [c] = await tx.$queryRaw<Array<{ budget: string | null; template_name: string; language_code: string }>>(Prisma.sql`
    SELECT budget::text, template_name, language_code FROM marketing_campaigns WHERE id = ${campaignId}::uuid`);
  if (!c || c.budget === null) return;
  const pricing = await campaignPricing(tx, { templateName: c.template_name, languageCode: c.language_code, day: today });
  const spend = await committedSpend(tx, campaignId, pricing);
  const [next] = await tx.$queryRaw<Array<{ unit: string }>>(Prisma.sql`
    SELECT ${unitEstimateSql(pricing)}::text AS unit FROM campaign_recipients r
    WHERE r.id = (SELECT x.id FROM (${dueRecipientsSql({ campaignId, due: null, now: null, limit: 1 })}) x)`);
  const [{ fits }] = await tx.$queryRaw<Array<{ fits: boolean }>>(Prisma.sql`
    SELECT (${c.budget}::numeric - ${spend.committed}::numeric) >= ${next?.unit ?? "0"}::numeric AS fits`);
  if (fits) return;
  throw new AppError("BUDGET_CONFIRMATION_REQUIRED",
    `The budget paused this campaign (${pauseReason ?? "the budget is reached"}). Raise the budget, or confirm to resume anyway (it pauses again when the next message does not fit).`,
    { paused_by: "budget", budget: Number(c.budget), committed: Number(spend.committed), currency: pricing.currency });
}

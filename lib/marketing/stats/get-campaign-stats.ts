import { parseCampaignId } from "../campaigns/campaign-id";
import { Prisma, readRows, type DbOrTx, type PlainRead } from "../db";
import { AppError } from "../errors";
import { engagementCountsSql, readEngagementStats, type EngagementCountsRow } from "../engagement/engagement-stats";
import { readScheduleExtent, scheduleExtentSql, type ScheduleExtentRow } from "../recipients/pack-schedule";
import { deferredCountsSql, type DeferredCountsRow } from "./deferred-counts";
import { liveCampaignCounterColumns, unfoldedCampaignDeltas } from "./live-counters";
import { getCampaignCost } from "../cost/get-campaign-cost";
import { campaignPricingSql, readCampaignPricing, type CampaignPricingRow } from "../cost/pricing-context";
import { dayInZone } from "../time";
import { getVariantStats } from "../ab/variant-stats";
import { counterFigures, countersFromColumns, progressPercentage, round1 } from "./counter-figures";

type StatsRow = ScheduleExtentRow & EngagementCountsRow & DeferredCountsRow & CampaignPricingRow & {
  id: string; name: string; status: string; template_name: string; language_code: string; budget: string | null; completed_at: Date | null;
  parent_campaign_id: string | null; follow_up_outcome: string | null; daily_send_limit: number; send_window: unknown; pause_reason: string | null;
  paused_by: string | null; variants: unknown; ab_test: unknown; ab_decision: unknown;
  total_target_customers: number; messages_pending: number; messages_sent: number; messages_delivered: number; messages_read: number;
  messages_failed: number; messages_skipped: number; messages_unknown: number;
};

/**
 * A campaign's progress, from the counters the database keeps plus their unfolded deltas (never a recount):
 * progress = (total − pending) / total, delivery_rate = delivered / sent, read_rate = read / sent,
 * in percent with one decimal; estimated_completion_date = the last schedule day with something to send.
 */
export async function getCampaignStats({ db, campaignId, now = new Date(), timezone = "UTC", read }: {
  db: DbOrTx; campaignId: string;
  /** the day whose rate card prices the estimate (default: now, UTC) */
  now?: Date; timezone?: string;
  /** a plain pg query for the first statement (the route passes its pool's: no ORM work per request) */
  read?: PlainRead;
}) {
  // two rounds (each statement costs the server more CPU than the reading does the database): first one
  // statement with everything that needs only the id — the campaign row with its counters plus the unfolded
  // deltas (equal to a recount, nothing written), the schedule's extent, the deferred recipients, the
  // engagement counts and the pricing; then the A/B figures and the estimate and spend, which need the row
  const id = parseCampaignId(campaignId);
  const day = dayInZone(now, timezone);
  const [row] = await readRows<StatsRow>(db, Prisma.sql`
    SELECT c.id::text AS id, c.name, c.status, c.template_name, c.language_code, c.budget::text AS budget, c.completed_at,
      c.parent_campaign_id::text AS parent_campaign_id, c.follow_up_outcome, c.daily_send_limit, c.send_window, c.pause_reason, c.paused_by,
      c.variants, c.ab_test, c.ab_decision, ${liveCampaignCounterColumns()},
      x.days::int AS days, x.first, x.last, d.cap::int AS cap, d.meta::int AS meta,
      g.clicked::int AS clicked, g.clicks::float8 AS clicks, g.replied::int AS replied, g.opted_out::int AS opted_out, g.engaged_undelivered::int AS engaged_undelivered,
      p.category, p.card_id, p.currency, p.effective_from, p.missing
    FROM marketing_campaigns c ${unfoldedCampaignDeltas()}
      CROSS JOIN (${scheduleExtentSql(id)}) x CROSS JOIN (${deferredCountsSql(id)}) d CROSS JOIN (${engagementCountsSql(id)}) g
      CROSS JOIN (${campaignPricingSql({ campaignId: id, day })}) p
    WHERE c.id = ${id}::uuid`, read);
  if (!row) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const counters = countersFromColumns(row);
  const c = {
    id: row.id, templateName: row.template_name, languageCode: row.language_code, budget: row.budget, messagesDelivered: counters.messagesDelivered,
    variants: row.variants, abTest: row.ab_test, abDecision: row.ab_decision,
  };
  const f = counterFigures(counters);
    const [ab, cost] = await Promise.all([
    getVariantStats(db, c),
    // estimate, actual spend and budget (lib/marketing/cost)
    getCampaignCost({ db, campaign: c, day, pricing: readCampaignPricing(row), read }),
  ]);
  const extent = readScheduleExtent(row);
  const engagement = readEngagementStats(row, f.delivered);
  const estimated =
    row.status === "completed" && row.completed_at ? row.completed_at.toISOString().slice(0, 10)
    : row.status === "cancelled" || row.status === "draft" ? null
    : extent.lastDay;
  return {
    campaign_id: row.id,
    campaign_name: row.name,
    status: row.status,
    total_target: f.total,
    sent: f.sent,
    delivered: f.delivered,
    read: f.read,
    failed: f.failed,
    pending: f.pending,
    skipped: f.skipped,
    unknown: f.unknown,
    progress_percentage: progressPercentage(f.total, f.pending),
    delivery_rate: f.sent > 0 ? round1((100 * f.delivered) / f.sent) : 0,
    read_rate: f.sent > 0 ? round1((100 * f.read) / f.sent) : 0,
    // clicked, clicks, click_rate, replied, reply_rate, opted_out (rates: % of delivered)
    ...engagement,
    parent_campaign_id: row.parent_campaign_id,
    follow_up_outcome: row.follow_up_outcome,
    daily_send_limit: row.daily_send_limit,
    // a cancelled campaign sends nothing more: its pending recipients stay listed, but no day is left
    remaining_send_days: row.status === "cancelled" ? 0 : extent.days,
    estimated_completion_date: estimated,
    deferred_by_frequency_cap: Number(row.cap),
    deferred_by_meta_cap: Number(row.meta),
    send_window: row.send_window ?? null,
    pause_reason: row.pause_reason,
    paused_by: row.paused_by,
    // estimate, actual spend and budget (lib/marketing/cost)
    cost,
    /** A/B test: each variant's figures (null without variants) */
    variants: ab?.variants ?? null,
    ab_test: ab?.ab_test ? { ...ab.ab_test, held_back: ab.held_back, decision: ab.ab_decision } : null,
  };
}

import { parseCampaignId } from "../campaigns/campaign-id";
import { Prisma, type DbOrTx } from "../db";
import { AppError } from "../errors";
import { engagementCountsSql, readEngagementStats, type EngagementCountsRow } from "../engagement/engagement-stats";
import { readScheduleExtent, scheduleExtentSql, type ScheduleExtentRow } from "../recipients/pack-schedule";
import { deferredCountsSql, type DeferredCountsRow } from "./deferred-counts";
import { findCampaignWithLiveCounters } from "./live-counters";
import { getCampaignCost } from "../cost/get-campaign-cost";
import { campaignPricing } from "../cost/pricing-context";
import { dayInZone } from "../time";
import { getVariantStats } from "../ab/variant-stats";
import { counterFigures, progressPercentage, round1 } from "./counter-figures";

/**
 * A campaign's progress, from the counters the database keeps plus their unfolded deltas (never a recount):
 * progress = (total − pending) / total, delivery_rate = delivered / sent, read_rate = read / sent,
 * in percent with one decimal; estimated_completion_date = the last schedule day with something to send.
 */
export async function getCampaignStats({ db, campaignId, now = new Date(), timezone = "UTC" }: {
  db: DbOrTx; campaignId: string;
  /** the day whose rate card prices the estimate (default: now, UTC) */
  now?: Date; timezone?: string;
}) {
  // two rounds, each read on its own pooled connection, in as few statements as the modules allow (each
  // statement costs the server more CPU than the reading does the database): first the campaign with its
  // counters plus the unfolded deltas (equal to a recount, nothing written), and beside it what needs only
  // the id — the schedule's extent, the deferred recipients and the engagement counts in one statement,
  // and the pricing; then the A/B figures and the estimate and spend, which need the campaign row
  const id = parseCampaignId(campaignId);
  const day = dayInZone(now, timezone);
  // (each an async call: a failure becomes its promise's rejection, never a throw that orphans the others)
  const [c, [figures], pricing] = await Promise.all([
    findCampaignWithLiveCounters(db, id),
    (async () => db.$queryRaw<Array<ScheduleExtentRow & EngagementCountsRow & DeferredCountsRow>>(Prisma.sql`
      SELECT x.days, x.first, x.last, d.cap, d.meta, g.clicked, g.clicks, g.replied, g.opted_out
      FROM (${scheduleExtentSql(id)}) x, (${deferredCountsSql(id)}) d, (${engagementCountsSql(id)}) g`))(),
    campaignPricing(db, { campaignId: id, day }),
  ]);
  if (!c) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const f = counterFigures(c);
  const [ab, cost] = await Promise.all([
    getVariantStats(db, c),
    // estimate, actual spend and budget (lib/marketing/cost)
    getCampaignCost({ db, campaign: c, day, pricing }),
  ]);
  const extent = readScheduleExtent(figures);
  const engagement = readEngagementStats(figures, f.delivered);
  const estimated =
    c.status === "completed" && c.completedAt ? c.completedAt.toISOString().slice(0, 10)
    : c.status === "cancelled" || c.status === "draft" ? null
    : extent.lastDay;
  return {
    campaign_id: c.id,
    campaign_name: c.name,
    status: c.status,
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
    parent_campaign_id: c.parentCampaignId,
    follow_up_outcome: c.followUpOutcome,
    daily_send_limit: c.dailySendLimit,
    remaining_send_days: extent.days,
    estimated_completion_date: estimated,
    deferred_by_frequency_cap: Number(figures.cap),
    deferred_by_meta_cap: Number(figures.meta),
    send_window: c.sendWindow ?? null,
    pause_reason: c.pauseReason,
    paused_by: c.pausedBy,
    // estimate, actual spend and budget (lib/marketing/cost)
    cost,
    /** A/B test: each variant's figures (null without variants) */
    variants: ab?.variants ?? null,
    ab_test: ab?.ab_test ? { ...ab.ab_test, held_back: ab.held_back, decision: ab.ab_decision } : null,
  };
}

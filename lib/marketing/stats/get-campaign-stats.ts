import { parseCampaignId } from "../campaigns/campaign-id";
import { Prisma, type DbOrTx } from "../db";
import { AppError } from "../errors";
import { engagementCountsSql, readEngagementStats, type EngagementCountsRow } from "../engagement/engagement-stats";
import { readScheduleExtent, scheduleExtentSql, type ScheduleExtentRow } from "../recipients/pack-schedule";
import { deferredCountsSql, type DeferredCountsRow } from "./deferred-counts";
import { findCampaignWithLiveCounters } from "./live-counters";
import { getCampaignCost } from "../cost/get-campaign-cost";
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
  // the campaign with its counters plus the unfolded deltas (equal to a recount, nothing written); then
  // every other figure at once (each read on its own pooled connection), in as few statements as the
  // modules allow: each statement costs the server more CPU than the reading does the database
  const c = await findCampaignWithLiveCounters(db, parseCampaignId(campaignId));
  if (!c) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const f = counterFigures(c);
  const [[figures], ab, cost] = await Promise.all([
    // the schedule's extent, the deferred recipients and the engagement counts: one statement
    db.$queryRaw<Array<ScheduleExtentRow & EngagementCountsRow & DeferredCountsRow>>(Prisma.sql`
      SELECT x.days, x.first, x.last, d.cap, d.meta, g.clicked, g.clicks, g.replied, g.opted_out
      FROM (${scheduleExtentSql(c.id)}) x, (${deferredCountsSql(c.id)}) d, (${engagementCountsSql(c.id)}) g`),
    getVariantStats(db, c),
    // estimate, actual spend and budget (lib/marketing/cost)
    getCampaignCost({ db, campaign: c, day: dayInZone(now, timezone) }),
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

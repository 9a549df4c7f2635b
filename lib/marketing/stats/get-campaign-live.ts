/** What the campaign page shows besides the campaign row: its send schedule, failure reasons, analytics. */
import { findCampaignWithLiveCounters, liveAnalytics, liveSchedule } from "./live-counters";
import { Prisma, type DbOrTx } from "../db";
import { engagementCountsSql, readEngagementStats, type EngagementCountsRow } from "../engagement/engagement-stats";
import { deferredCountsSql, type DeferredCountsRow } from "./deferred-counts";
import { topFailureReasons } from "../recipients/top-failure-reasons";
import { campaignDailySeries } from "./daily-series";
import { counterFigures } from "./counter-figures";

export async function getCampaignDetailExtras({ db, campaignId, today, timezone = "UTC" }: { db: DbOrTx; campaignId: string; today: string; timezone?: string }) {
  // counter rows plus the unfolded deltas (each one statement): equal to a recount, nothing written
  const [schedule, series, failureReasons, [sentToday]] = await Promise.all([
    liveSchedule(db, campaignId, { take: 400 }),
    campaignDailySeries({ db, campaignId, today, timezone }),
    topFailureReasons({ db, campaignIds: [campaignId] }),
    liveAnalytics(db, { campaignId, from: today, to: today }),
  ]);
  return {
    schedule: schedule.map((s) => ({ ...s, sendDate: s.sendDate.toISOString().slice(0, 10) })),
    series,
    failureReasons,
    sentToday: sentToday ? sentToday.sent + sentToday.failed : 0,
  };
}

/** The numbers that change while a campaign sends, for live polling. Not getCampaignStats: the API's stats also read the cost, the A/B figures and the schedule's extent. */
export async function getCampaignLive({ db, campaignId, today, timezone = "UTC" }: { db: DbOrTx; campaignId: string; today: string; timezone?: string }) {
  const c = await findCampaignWithLiveCounters(db, campaignId);
  if (!c) return null;
  const [extras, [figures]] = await Promise.all([
    getCampaignDetailExtras({ db, campaignId, today, timezone }),
    // the recipients waiting for the frequency cap and the engagement counts: one statement
    db.$queryRaw<Array<DeferredCountsRow & EngagementCountsRow>>(Prisma.sql`
      SELECT d.cap, d.meta, g.clicked, g.clicks, g.replied, g.opted_out, g.engaged_undelivered FROM (${deferredCountsSql(campaignId)}) d, (${engagementCountsSql(campaignId)}) g`),
  ]);
  const engagement = readEngagementStats(figures, c.messagesDelivered);
  return {
    campaign: {
      id: c.id,
      status: c.status,
      pauseReason: c.pauseReason,
      dailySendLimit: c.dailySendLimit,
      ...counterFigures(c),
      deferredByCap: Number(figures.cap),
      updatedAt: c.updatedAt.toISOString(),
    },
    engagement,
    ...extras,
  };
}
export type CampaignLive = NonNullable<Awaited<ReturnType<typeof getCampaignLive>>>;

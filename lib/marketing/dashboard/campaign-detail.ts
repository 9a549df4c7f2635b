/** What the campaign page shows besides the campaign row: its send schedule, failure reasons, analytics. */
import { foldCounterDeltas } from "@/lib/marketing/delivery/counter-deltas";
import type { DbOrTx } from "../db";
import { getEngagementStats } from "../engagement/engagement-stats";
import { campaignDailySeries } from "./analytics";
import { topFailureReasons } from "./overview";

export async function getCampaignDetailExtras({ db, campaignId, today, timezone = "UTC" }: { db: DbOrTx; campaignId: string; today: string; timezone?: string }) {
  // counters are folded first: what is read equals a recount
  await foldCounterDeltas(db);
  const [schedule, series, failureReasons, sentToday] = await Promise.all([
    db.campaignSendSchedule.findMany({
      where: { campaignId },
      orderBy: [{ sendDate: "asc" }, { batchNumber: "asc" }],
      take: 400,
      select: { id: true, sendDate: true, batchSize: true, messagesSent: true, messagesRemaining: true, status: true },
    }),
    campaignDailySeries({ db, campaignId, today, timezone }),
    topFailureReasons({ db, campaignIds: [campaignId] }),
    db.campaignAnalytics.findUnique({ where: { campaignId_date: { campaignId, date: new Date(`${today}T00:00:00Z`) } } }),
  ]);
  return {
    schedule: schedule.map((s) => ({ ...s, sendDate: s.sendDate.toISOString().slice(0, 10) })),
    series,
    failureReasons,
    sentToday: sentToday ? sentToday.messagesSent + sentToday.messagesFailed : 0,
  };
}

/** The numbers that change while a campaign sends, for live polling. */
export async function getCampaignLive({ db, campaignId, today, timezone = "UTC" }: { db: DbOrTx; campaignId: string; today: string; timezone?: string }) {
  // counters are folded first: what is read equals a recount
  await foldCounterDeltas(db);
  const c = await db.marketingCampaign.findUnique({ where: { id: campaignId } });
  if (!c) return null;
  const [extras, deferredByCap, engagement] = await Promise.all([
    getCampaignDetailExtras({ db, campaignId, today, timezone }),
    // pending recipients waiting for the frequency cap (issue 10)
    db.campaignRecipient.count({ where: { campaignId, status: "pending", deferredReason: "frequency_cap" } }),
    getEngagementStats(db, campaignId, c.messagesDelivered),
  ]);
  return {
    campaign: {
      id: c.id,
      status: c.status,
      pauseReason: c.pauseReason,
      dailySendLimit: c.dailySendLimit,
      total: c.totalTargetCustomers,
      sent: c.messagesSent,
      delivered: c.messagesDelivered,
      read: c.messagesRead,
      failed: c.messagesFailed,
      pending: c.messagesPending,
      skipped: c.messagesSkipped,
      unknown: c.messagesUnknown,
      deferredByCap,
      updatedAt: c.updatedAt.toISOString(),
    },
    engagement,
    ...extras,
  };
}
export type CampaignLive = NonNullable<Awaited<ReturnType<typeof getCampaignLive>>>;

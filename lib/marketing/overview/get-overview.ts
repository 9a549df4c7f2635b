/**
 * The overview page in a handful of indexed queries: active campaigns and today's sends against their
 * daily limits, 30-day delivery and read rates, what needs attention (failures, unknown outcomes,
 * campaigns paused with a reason), and the campaigns closest to completion.
 */
import { Prisma, type DbOrTx } from "../db";
import { liveCampaignsTable } from "../stats/live-counters";
import { topFailureReasons } from "../recipients/top-failure-reasons";
import { workspaceDailySeries, type DailyPoint } from "../stats/daily-series";
import { ATTEMPTED_SQL, PENDING_SQL } from "../recipients/recipient-status-sql";
import { RUNNING_CAMPAIGN_SQL } from "../campaigns/campaign-status-sql";
import { counterFigures, countersFromColumns } from "../stats/counter-figures";

export type OverviewCampaign = {
  id: string;
  name: string;
  status: string;
  dailySendLimit: number;
  total: number;
  pending: number;
  sent: number;
  failed: number;
  unknown: number;
  progress: number;
  sentToday: number;
  lastSendDay: string | null;
  pauseReason: string | null;
};

export type AttentionReason = { kind: "failures" | "unknown" | "paused"; text: string; count: number };

/** One entry per campaign that needs a look, with every reason it does (paused, failures, unknown outcomes). */
export type Attention = {
  campaignId: string;
  campaignName: string;
  status: string;
  reasons: AttentionReason[];
};

export async function getOverview({ db, today }: { db: DbOrTx; today: string }) {
  const [campaignRows, series, statusCounts] = await Promise.all([
    db.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`
      SELECT c.id, c.name, c.status, c.daily_send_limit, c.total_target_customers, c.messages_pending, c.messages_sent,
             c.messages_delivered, c.messages_read, c.messages_failed, c.messages_skipped, c.messages_unknown, c.pause_reason,
             coalesce(a.attempts, 0) AS sent_today,
             (SELECT max(d) FROM (
                SELECT d FROM (
                  SELECT s.send_date AS d, s.messages_remaining::bigint AS n FROM campaign_send_schedule s WHERE s.campaign_id = c.id
                  UNION ALL
                  SELECT scheduled_send_date, n FROM counter_deltas
                  WHERE campaign_id = c.id AND status IN ${PENDING_SQL} AND scheduled_send_date IS NOT NULL
                ) u GROUP BY d HAVING sum(n) > 0) x) AS last_send_day
      FROM ${liveCampaignsTable()}
      LEFT JOIN LATERAL (
        SELECT sum(n) AS attempts FROM (
          SELECT (messages_sent + messages_failed)::bigint AS n FROM campaign_analytics WHERE campaign_id = c.id AND date = ${today}::date
          UNION ALL
          SELECT n FROM counter_deltas WHERE campaign_id = c.id AND sent_on = ${today}::date
            AND status IN ${ATTEMPTED_SQL}
        ) t
      ) a ON true
      WHERE c.status IN ${RUNNING_CAMPAIGN_SQL}
      ORDER BY c.priority DESC, c.created_at`),
    workspaceDailySeries({ db, today, days: 30 }),
    db.$queryRaw<Array<{ status: string; n: bigint }>>(Prisma.sql`SELECT status, count(*) AS n FROM marketing_campaigns GROUP BY status`),
  ]);
  const campaigns: OverviewCampaign[] = campaignRows.map((r) => {
    const { total, pending, sent, failed, unknown } = counterFigures(countersFromColumns(r));
    return {
      id: String(r.id),
      name: String(r.name),
      status: String(r.status),
      dailySendLimit: Number(r.daily_send_limit),
      total,
      pending,
      sent,
      failed,
      unknown,
      progress: total > 0 ? (100 * (total - pending)) / total : 0,
      sentToday: Number(r.sent_today),
      lastSendDay: r.last_send_day ? (r.last_send_day as Date).toISOString().slice(0, 10) : null,
      pauseReason: (r.pause_reason as string | null) ?? null,
    };
  });
  const active = campaigns.filter((c) => c.status === "active");
  const todayPoint = series[series.length - 1];
  const sentToday = todayPoint ? todayPoint.sent + todayPoint.failed : 0;
  const totals30 = series.reduce(
    (acc, p) => ({ sent: acc.sent + p.sent, delivered: acc.delivered + p.delivered, read: acc.read + p.read, failed: acc.failed + p.failed }),
    { sent: 0, delivered: 0, read: 0, failed: 0 },
  );

  const attention: Attention[] = [];
  for (const c of campaigns) {
    const reasons: AttentionReason[] = [];
    if (c.status === "paused" && c.pauseReason) reasons.push({ kind: "paused", text: c.pauseReason, count: c.pending });
    const attempts = c.sent + c.failed;
    if (c.failed > 0 && (c.failed / Math.max(1, attempts) >= 0.02 || c.failed >= 50)) {
      reasons.push({ kind: "failures", text: `${((100 * c.failed) / Math.max(1, attempts)).toFixed(1)}% of sends failed`, count: c.failed });
    }
    if (c.unknown > 0) reasons.push({ kind: "unknown", text: "sends with an unknown outcome to review", count: c.unknown });
    if (reasons.length > 0) attention.push({ campaignId: c.id, campaignName: c.name, status: c.status, reasons });
  }
  const failureReasons = await topFailureReasons({
    db,
    campaignIds: attention.filter((a) => a.reasons.some((r) => r.kind === "failures")).map((a) => a.campaignId),
  });

  return {
    today,
    counts: Object.fromEntries(statusCounts.map((s) => [s.status, Number(s.n)])) as Record<string, number>,
    activeCount: active.length,
    sentToday,
    dailyCapacity: todayCapacity(sentToday, active),
    activeCampaigns: active,
    totals30,
    deliveryRate30: totals30.sent > 0 ? (100 * totals30.delivered) / totals30.sent : null,
    readRate30: totals30.sent > 0 ? (100 * totals30.read) / totals30.sent : null,
    series: series as DailyPoint[],
    attention,
    failureReasons,
    closestToCompletion: [...active].filter((c) => c.total > 0).sort((a, b) => b.progress - a.progress).slice(0, 5),
  };
}

/**
 * What today allows: what every campaign sent today (a campaign paused, cancelled or completed since keeps
 * what it sent) plus what the active campaigns may still send under their daily limits. Sends today are
 * never above it, whichever campaigns stopped; the active campaigns' limits alone were (a paused campaign's
 * sends counted, its limit not).
 */
export function todayCapacity(sentToday: number, active: Array<Pick<OverviewCampaign, "dailySendLimit" | "sentToday">>): number {
  return sentToday + active.reduce((a, c) => a + Math.max(0, c.dailySendLimit - c.sentToday), 0);
}

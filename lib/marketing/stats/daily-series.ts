/** Daily series from campaign_analytics (kept by triggers) for the dashboard's charts. */
import { liveAnalytics } from "./live-counters";
import type { DbOrTx } from "../db";
import { engagementByDay } from "../engagement/engagement-stats";

/** clicks / replies (a campaign's series): recipients who first clicked / first replied that day */
export type DailyPoint = { date: string; sent: number; delivered: number; read: number; failed: number; skipped: number; clicks?: number; replies?: number };

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Every day from `from` to `to` (inclusive), zero where nothing happened. */
export function fillDays(points: DailyPoint[], from: string, to: string): DailyPoint[] {
  const byDay = new Map(points.map((p) => [p.date, p]));
  const out: DailyPoint[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    out.push(byDay.get(d) ?? { date: d, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0 });
  }
  return out;
}

/** All campaigns together, the `days` days ending `today`. */
export async function workspaceDailySeries({ db, today, days }: { db: DbOrTx; today: string; days: number }): Promise<DailyPoint[]> {
  const from = addDays(today, -(days - 1));
  // the analytics rows plus the unfolded deltas (one statement): equal to a recount, nothing written
  const rows = await liveAnalytics(db, { from, to: today });
  return fillDays(rows.map(toPoint), from, today);
}

/** One campaign, from its first analytics day (or `today`) to the later of its last day and today. */
export async function campaignDailySeries({ db, campaignId, today, timezone = "UTC" }: { db: DbOrTx; campaignId: string; today: string; timezone?: string }): Promise<DailyPoint[]> {
  // the analytics rows plus the unfolded deltas (one statement): equal to a recount, nothing written
  const rows = (await liveAnalytics(db, { campaignId })).slice(0, 400);
  const points = rows.map((r) => ({ ...r, date: r.date.toISOString().slice(0, 10) }));
  if (points.length === 0) return [];
  const first = points[0].date;
  const last = points[points.length - 1].date;
  const end = last > today ? last : today;
  // a long campaign shows its last 90 days
  const start = first < addDays(end, -89) ? addDays(end, -89) : first;
  const engagement = await engagementByDay(db, campaignId, timezone);
  return fillDays(points.filter((p) => p.date >= start), start, end).map((p) => ({ ...p, clicks: engagement.get(p.date)?.clicks ?? 0, replies: engagement.get(p.date)?.replies ?? 0 }));
}

function toPoint(r: { date: Date; sent: number | bigint; delivered: number | bigint; read: number | bigint; failed: number | bigint; skipped: number | bigint }): DailyPoint {
  return {
    date: r.date.toISOString().slice(0, 10),
    sent: Number(r.sent),
    delivered: Number(r.delivered),
    read: Number(r.read),
    failed: Number(r.failed),
    skipped: Number(r.skipped),
  };
}

/**
 * What recipients did with a campaign, read from the recipients who engaged (partial indexes on
 * first_clicked_at and replied_at: the cost follows the clickers and repliers, not the campaign's size):
 *   clicked   – recipients who tapped the tracked button at least once (link previews excluded)
 *   clicks    – every counted tap
 *   replied   – recipients with a reply attributed to this campaign (engagement/attribute-replies.ts)
 *   opted_out – of those, recipients whose reply was an opt-out (STOP)
 * Rates are percentages of delivered messages, one decimal.
 */
import { round1 } from "../stats/counter-figures";
import { Prisma, type DbOrTx } from "../db";

export type EngagementStats = { clicked: number; clicks: number; click_rate: number; replied: number; reply_rate: number; opted_out: number };

export type EngagementCountsRow = { clicked: bigint | number; clicks: bigint | number; replied: bigint | number; opted_out: bigint | number };

/** One row of counts (clicked, clicks, replied, opted_out): a fragment the stats and the live panel read with their other figures. */
export function engagementCountsSql(campaignId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT c.clicked, c.clicks, p.replied, p.opted_out
    FROM (SELECT count(*) AS clicked, coalesce(sum(click_count), 0)::bigint AS clicks FROM campaign_recipients
          WHERE campaign_id = ${campaignId}::uuid AND first_clicked_at IS NOT NULL) c,
         (SELECT count(*) AS replied, count(*) FILTER (WHERE opted_out_at IS NOT NULL) AS opted_out FROM campaign_recipients
          WHERE campaign_id = ${campaignId}::uuid AND replied_at IS NOT NULL) p`;
}

/** The counts with their rates (percent of `delivered`). */
export function readEngagementStats(r: EngagementCountsRow, delivered: number): EngagementStats {
  const clicked = Number(r.clicked);
  const replied = Number(r.replied);
  return {
    clicked,
    clicks: Number(r.clicks),
    click_rate: delivered > 0 ? round1((100 * clicked) / delivered) : 0,
    replied,
    reply_rate: delivered > 0 ? round1((100 * replied) / delivered) : 0,
    opted_out: Number(r.opted_out),
  };
}

/** Per calendar day (in `timezone`): recipients who first clicked, and who first replied, that day. */
export async function engagementByDay(db: DbOrTx, campaignId: string, timezone: string): Promise<Map<string, { clicks: number; replies: number }>> {
  const rows = await db.$queryRaw<Array<{ day: Date; clicks: bigint; replies: bigint }>>(Prisma.sql`
    SELECT day, sum(clicks)::bigint AS clicks, sum(replies)::bigint AS replies FROM (
      SELECT (first_clicked_at AT TIME ZONE ${timezone})::date AS day, 1 AS clicks, 0 AS replies FROM campaign_recipients
      WHERE campaign_id = ${campaignId}::uuid AND first_clicked_at IS NOT NULL
      UNION ALL
      SELECT (replied_at AT TIME ZONE ${timezone})::date, 0, 1 FROM campaign_recipients
      WHERE campaign_id = ${campaignId}::uuid AND replied_at IS NOT NULL) e
    GROUP BY day ORDER BY day`);
  return new Map(rows.map((r) => [r.day.toISOString().slice(0, 10), { clicks: Number(r.clicks), replies: Number(r.replies) }]));
}

/**
 * What recipients did with a campaign, read from the recipients who engaged (partial indexes on
 * first_clicked_at and replied_at: the cost follows the clickers and repliers, not the campaign's size):
 *   clicked   – recipients who tapped the tracked button at least once (link previews excluded)
 *   clicks    – every counted tap
 *   replied   – recipients with a reply attributed to this campaign (engagement/attribute-replies.ts)
 *   opted_out – of those, recipients whose reply was an opt-out (STOP)
 * Rates are percentages of the messages that reached their recipient, one decimal: the delivered ones, and
 * those whose recipient clicked or replied before WhatsApp's delivered status arrived (statuses can lag a
 * reply or a tap by minutes, and a phone may never report one). A tap or a reply proves the message arrived,
 * so a rate never passes 100 while the statuses catch up.
 */
import { round1 } from "../stats/counter-figures";
import { Prisma, type DbOrTx } from "../db";
import { DELIVERED_SQL } from "../recipients/recipient-status-sql";

export type EngagementStats = { clicked: number; clicks: number; click_rate: number; replied: number; reply_rate: number; opted_out: number };

export type EngagementCountsRow = {
  clicked: bigint | number; clicks: bigint | number; replied: bigint | number; opted_out: bigint | number;
  /** recipients who clicked or replied while their status is not delivered or read (yet) */
  engaged_undelivered: bigint | number;
};

/** One row of counts (clicked, clicks, replied, opted_out, engaged_undelivered): a fragment the stats and the live panel read with their other figures. */
export function engagementCountsSql(campaignId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT c.clicked, c.clicks, p.replied, p.opted_out, c.undelivered + p.undelivered_not_clicked AS engaged_undelivered
    FROM (SELECT count(*) AS clicked, coalesce(sum(click_count), 0)::bigint AS clicks,
            count(*) FILTER (WHERE status NOT IN ${DELIVERED_SQL}) AS undelivered
          FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND first_clicked_at IS NOT NULL) c,
         (SELECT count(*) AS replied, count(*) FILTER (WHERE opted_out_at IS NOT NULL) AS opted_out,
            count(*) FILTER (WHERE status NOT IN ${DELIVERED_SQL} AND first_clicked_at IS NULL) AS undelivered_not_clicked
          FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND replied_at IS NOT NULL) p`;
}

/** The counts with their rates: percent of `delivered` plus the recipients whose tap or reply came before their delivered status. */
export function readEngagementStats(r: EngagementCountsRow, delivered: number): EngagementStats {
  const clicked = Number(r.clicked);
  const replied = Number(r.replied);
  const reached = delivered + Number(r.engaged_undelivered);
  return {
    clicked,
    clicks: Number(r.clicks),
    click_rate: reached > 0 ? round1((100 * clicked) / reached) : 0,
    replied,
    reply_rate: reached > 0 ? round1((100 * replied) / reached) : 0,
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

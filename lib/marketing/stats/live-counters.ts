/**
 * Counters as a reader sees them: the counter rows (marketing_campaigns, campaign_send_schedule,
 * campaign_analytics) plus the campaign's deltas not folded yet (counter_deltas, index on campaign_id),
 * added in the same statement. One statement reads both under one snapshot, and a fold deletes deltas
 * and adds them to the rows in one transaction, so what is read equals a recount at that snapshot —
 * and reading writes nothing (folding is the applier's and the processor's work).
 *
 * The status → counter mapping is fold_recipient_deltas's, both from the groups of
 * recipients/recipient-status.ts (pending, sent, delivered); a schedule day counts the recipients scheduled
 * that day (sent, remaining), an analytics day the recipients attempted that day (sent_on).
 */
import { Prisma, type DbOrTx } from "../db";
import { DELIVERED_SQL, PENDING_SQL, SENT_SQL } from "../recipients/recipient-status-sql";
import { countersFromColumns, type CampaignCounters } from "./counter-figures";

const SENT = Prisma.sql`status IN ${SENT_SQL}`;
const PENDING = Prisma.sql`status IN ${PENDING_SQL}`;
const DELIVERED = Prisma.sql`status IN ${DELIVERED_SQL}`;

/** LATERAL join `k` of campaign `c`'s unfolded deltas (one row, zeros when none). */
export function unfoldedCampaignDeltas(): Prisma.Sql {
  return Prisma.sql`CROSS JOIN LATERAL (
    SELECT coalesce(sum(n), 0)::int AS total,
      coalesce(sum(n) FILTER (WHERE ${PENDING}), 0)::int AS pending,
      coalesce(sum(n) FILTER (WHERE ${SENT}), 0)::int AS sent,
      coalesce(sum(n) FILTER (WHERE ${DELIVERED}), 0)::int AS delivered,
      coalesce(sum(n) FILTER (WHERE status = 'read'), 0)::int AS read,
      coalesce(sum(n) FILTER (WHERE status = 'failed'), 0)::int AS failed,
      coalesce(sum(n) FILTER (WHERE status = 'skipped'), 0)::int AS skipped,
      coalesce(sum(n) FILTER (WHERE status = 'unknown'), 0)::int AS unknown
    FROM counter_deltas d WHERE d.campaign_id = c.id) k`;
}

/** The live counter columns of campaign `c` (marketing_campaigns AS c, with unfoldedCampaignDeltas() joined as `k`), under their column names. */
export function liveCampaignCounterColumns(): Prisma.Sql {
  return Prisma.sql`c.total_target_customers + k.total AS total_target_customers, c.messages_pending + k.pending AS messages_pending,
    c.messages_sent + k.sent AS messages_sent, c.messages_delivered + k.delivered AS messages_delivered,
    c.messages_read + k.read AS messages_read, c.messages_failed + k.failed AS messages_failed,
    c.messages_skipped + k.skipped AS messages_skipped, c.messages_unknown + k.unknown AS messages_unknown`;
}

/** The live counters of the given campaigns (one statement). */
export async function campaignCounters(db: DbOrTx, campaignIds: string[]): Promise<Map<string, CampaignCounters>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`
    SELECT c.id::text AS id, ${liveCampaignCounterColumns()}
    FROM marketing_campaigns c ${unfoldedCampaignDeltas()}
    WHERE c.id = ANY(${campaignIds}::uuid[])`);
  return new Map(rows.map((r) => [String(r.id), countersFromColumns(r)]));
}

/** `campaigns` (Prisma rows) with their counters replaced by the live ones. */
export async function withLiveCounters<T extends { id: string } & CampaignCounters>(db: DbOrTx, campaigns: T[]): Promise<T[]> {
  const live = await campaignCounters(db, campaigns.map((c) => c.id));
  return campaigns.map((c) => ({ ...c, ...live.get(c.id) }));
}

/** One campaign (its Prisma row) with live counters, or null: the row and the counters are read at once. */
export async function findCampaignWithLiveCounters(db: DbOrTx, campaignId: string) {
  const [row, live] = await Promise.all([db.marketingCampaign.findUnique({ where: { id: campaignId } }), campaignCounters(db, [campaignId])]);
  return row ? { ...row, ...live.get(row.id) } : null;
}

/**
 * A derived table `c` of campaigns with live counters, for statements that filter or sort on them:
 * every column of marketing_campaigns except the counters, plus the live counters under the same names.
 */
export function liveCampaignsTable(): Prisma.Sql {
  return Prisma.sql`(SELECT c.id, c.name, c.description, c.template_name, c.language_code, c.status, c.daily_send_limit, c.priority,
      c.pause_reason, c.paused_by, c.start_date, c.started_at, c.paused_at, c.completed_at, c.cancelled_at, c.created_at, c.updated_at,
      ${liveCampaignCounterColumns()}
    FROM marketing_campaigns c ${unfoldedCampaignDeltas()}) c`;
}

export type LiveScheduleDay = { id: string; sendDate: Date; batchSize: number; messagesSent: number; messagesRemaining: number; status: string };

/** A campaign's send schedule with its unfolded deltas (a day's status as the fold would set it). */
export async function liveSchedule(db: DbOrTx, campaignId: string, { take = 400, remainingOnly = false }: { take?: number; remainingOnly?: boolean } = {}): Promise<LiveScheduleDay[]> {
  const rows = await db.$queryRaw<Array<{ id: string | null; send_date: Date; batch_size: bigint; messages_sent: bigint; messages_remaining: bigint; status: string | null; stored: boolean; has_delta: boolean }>>(Prisma.sql`
    SELECT max(id::text) AS id, send_date, sum(total) AS batch_size, sum(sent) AS messages_sent, sum(remaining) AS messages_remaining,
      max(status) AS status, bool_or(stored) AS stored, bool_or(NOT stored) AS has_delta
    FROM (
      SELECT id, send_date, batch_size::bigint AS total, messages_sent::bigint AS sent, messages_remaining::bigint AS remaining, status, true AS stored
      FROM campaign_send_schedule WHERE campaign_id = ${campaignId}::uuid AND batch_number = 1
      UNION ALL
      SELECT NULL, scheduled_send_date, n, CASE WHEN ${SENT} THEN n ELSE 0 END, CASE WHEN ${PENDING} THEN n ELSE 0 END, NULL, false
      FROM counter_deltas WHERE campaign_id = ${campaignId}::uuid AND scheduled_send_date IS NOT NULL
    ) u
    GROUP BY send_date
    HAVING bool_or(stored) OR sum(total) <> 0 OR sum(sent) <> 0 OR sum(remaining) <> 0
    ORDER BY send_date`);
  const days = rows.map((r) => {
    const total = Number(r.batch_size), sent = Number(r.messages_sent), remaining = Number(r.messages_remaining);
    const status = !r.has_delta && r.status ? r.status
      : r.status === "cancelled" ? "cancelled" : total === 0 ? "rolled_over" : remaining === 0 ? "completed" : sent > 0 ? "processing" : "pending";
    return { id: r.id ?? `day:${r.send_date.toISOString().slice(0, 10)}`, sendDate: r.send_date, batchSize: total, messagesSent: sent, messagesRemaining: remaining, status };
  });
  return (remainingOnly ? days.filter((d) => d.messagesRemaining > 0) : days).slice(0, take);
}

export type LiveAnalyticsDay = { date: Date; sent: number; delivered: number; read: number; failed: number; skipped: number };

/** Daily analytics (by sent_on) with the unfolded deltas: one campaign, or every campaign summed, optionally within [from, to]. */
export async function liveAnalytics(db: DbOrTx, { campaignId, from, to }: { campaignId?: string; from?: string; to?: string }): Promise<LiveAnalyticsDay[]> {
  const rowsWhere: Prisma.Sql[] = [Prisma.sql`true`];
  const deltasWhere: Prisma.Sql[] = [Prisma.sql`sent_on IS NOT NULL`];
  if (campaignId) {
    rowsWhere.push(Prisma.sql`campaign_id = ${campaignId}::uuid`);
    deltasWhere.push(Prisma.sql`campaign_id = ${campaignId}::uuid`);
  }
  if (from) {
    rowsWhere.push(Prisma.sql`date >= ${from}::date`);
    deltasWhere.push(Prisma.sql`sent_on >= ${from}::date`);
  }
  if (to) {
    rowsWhere.push(Prisma.sql`date <= ${to}::date`);
    deltasWhere.push(Prisma.sql`sent_on <= ${to}::date`);
  }
  const rows = await db.$queryRaw<Array<{ date: Date; sent: bigint; delivered: bigint; read: bigint; failed: bigint; skipped: bigint }>>(Prisma.sql`
    SELECT date, sum(sent) AS sent, sum(delivered) AS delivered, sum(read) AS read, sum(failed) AS failed, sum(skipped) AS skipped
    FROM (
      SELECT date, messages_sent::bigint AS sent, messages_delivered::bigint AS delivered, messages_read::bigint AS read,
             messages_failed::bigint AS failed, messages_skipped::bigint AS skipped, true AS stored
      FROM campaign_analytics WHERE ${Prisma.join(rowsWhere, " AND ")}
      UNION ALL
      SELECT sent_on, CASE WHEN ${SENT} THEN n ELSE 0 END, CASE WHEN ${DELIVERED} THEN n ELSE 0 END,
             CASE WHEN status = 'read' THEN n ELSE 0 END, CASE WHEN status = 'failed' THEN n ELSE 0 END, CASE WHEN status = 'skipped' THEN n ELSE 0 END, false
      FROM counter_deltas WHERE ${Prisma.join(deltasWhere, " AND ")}
        AND EXISTS (SELECT 1 FROM marketing_campaigns mc WHERE mc.id = counter_deltas.campaign_id)
    ) u
    GROUP BY date
    HAVING bool_or(stored) OR sum(sent) <> 0 OR sum(delivered) <> 0 OR sum(read) <> 0 OR sum(failed) <> 0 OR sum(skipped) <> 0
    ORDER BY date`);
  return rows.map((r) => ({ date: r.date, sent: Number(r.sent), delivered: Number(r.delivered), read: Number(r.read), failed: Number(r.failed), skipped: Number(r.skipped) }));
}

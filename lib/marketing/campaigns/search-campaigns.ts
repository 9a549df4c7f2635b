/**
 * The dashboard's campaigns table: status filter, search by name, sort and page, with the total.
 * Not findCampaigns: the API's list is newest first with a cursor; the table searches, sorts, numbers its pages and counts each status tab.
 */
import { z } from "@/lib/zod";
import { Prisma, type DbOrTx } from "../db";
import { escapeLike } from "../sql-like";
import { liveCampaignsTable } from "../stats/live-counters";
import { CAMPAIGN_STATUSES } from "../campaigns/campaign-status";
import { counterFigures, countersFromColumns } from "../stats/counter-figures";

export const CAMPAIGN_LIST_SORTS = ["newest", "oldest", "name", "progress", "priority"] as const;

export const ZCampaignListQuery = z.object({
  status: z.enum(CAMPAIGN_STATUSES).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  sort: z.enum(CAMPAIGN_LIST_SORTS).default("newest").catch("newest"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  pageSize: z.coerce.number().int().min(5).max(100).default(20).catch(20),
});
export type TCampaignListQuery = z.infer<typeof ZCampaignListQuery>;

export type CampaignListRow = {
  id: string;
  name: string;
  status: string;
  templateName: string;
  priority: number;
  dailySendLimit: number;
  total: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  pending: number;
  progress: number;
  startDate: Date | null;
  createdAt: Date;
};

export async function searchCampaigns({ db, query }: { db: DbOrTx; query: TCampaignListQuery }) {
  const conditions: Prisma.Sql[] = [];
  if (query.status) conditions.push(Prisma.sql`status = ${query.status}`);
  if (query.q) conditions.push(Prisma.sql`name ILIKE ${"%" + escapeLike(query.q) + "%"}`);
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const progress = Prisma.sql`CASE WHEN total_target_customers > 0 THEN (total_target_customers - messages_pending)::float8 / total_target_customers ELSE 0 END`;
  const order = {
    newest: Prisma.sql`created_at DESC, id DESC`,
    oldest: Prisma.sql`created_at ASC, id ASC`,
    name: Prisma.sql`lower(name) ASC, id ASC`,
    progress: Prisma.sql`${progress} DESC, created_at DESC, id DESC`,
    priority: Prisma.sql`priority DESC, created_at DESC, id DESC`,
  }[query.sort];
  const offset = (query.page - 1) * query.pageSize;
  const [rows, counts] = await Promise.all([
    db.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`
      SELECT id, name, status, template_name, priority, daily_send_limit, total_target_customers, messages_sent,
             messages_delivered, messages_read, messages_failed, messages_pending, messages_skipped, messages_unknown, start_date, created_at
      FROM ${liveCampaignsTable()} ${where}
      ORDER BY ${order}
      LIMIT ${query.pageSize} OFFSET ${offset}`),
    db.$queryRaw<Array<{ status: string; n: bigint }>>(Prisma.sql`
      SELECT status, count(*) AS n FROM marketing_campaigns
      ${query.q ? Prisma.sql`WHERE name ILIKE ${"%" + escapeLike(query.q) + "%"}` : Prisma.empty}
      GROUP BY status`),
  ]);
  const byStatus: Record<string, number> = {};
  for (const c of counts) byStatus[c.status] = Number(c.n);
  const all = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    rows: rows.map(toRow),
    total: query.status ? (byStatus[query.status] ?? 0) : all,
    countsByStatus: { all, ...byStatus } as Record<string, number>,
  };
}

function toRow(r: Record<string, unknown>): CampaignListRow {
  const { total, pending, sent, delivered, read, failed } = counterFigures(countersFromColumns(r));
  return {
    id: String(r.id),
    name: String(r.name),
    status: String(r.status),
    templateName: String(r.template_name),
    priority: Number(r.priority),
    dailySendLimit: Number(r.daily_send_limit),
    total,
    sent,
    delivered,
    read,
    failed,
    pending,
    progress: total > 0 ? (100 * (total - pending)) / total : 0,
    startDate: (r.start_date as Date | null) ?? null,
    createdAt: r.created_at as Date,
  };
}

import { z } from "@/lib/zod";
import type { DbOrTx } from "../db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { cursorDate, cursorUuid, decodeCursor, encodeCursor, ZCursor } from "../pagination";
import { campaignListItem } from "./campaign-json";
import { withLiveCounters } from "../stats/live-counters";
import { CAMPAIGN_STATUSES } from "./campaign-status";

export const ZFindCampaigns = z
  .object({
    status: z.enum(CAMPAIGN_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    /** next_cursor of the previous page (X-Next-Cursor; then offset is ignored) */
    cursor: ZCursor.optional(),
  })
  .strict();
export type TFindCampaigns = z.input<typeof ZFindCampaigns>;

/** Campaigns, newest first, and the cursor of the next page (null on the last): the API's list; the campaigns table is searchCampaigns. */
export async function findCampaigns({ db, query }: { db: DbOrTx; query: TFindCampaigns | Record<string, unknown> }) {
  const q = ZFindCampaigns.parse(query);
  const key = q.cursor ? decodeCursor(q.cursor, 2) : null;
  const after: Prisma.MarketingCampaignWhereInput = key
    ? { OR: [{ createdAt: { lt: cursorDate(key[0]) } }, { createdAt: cursorDate(key[0]), id: { lt: cursorUuid(key[1]) } }] }
    : {};
  const found = await db.marketingCampaign.findMany({
    where: { AND: [q.status ? { status: q.status } : {}, after] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    skip: key ? 0 : q.offset,
  });
  // the counters plus the unfolded deltas (one statement): equal to a recount, nothing written
  const rows = await withLiveCounters(db, found.slice(0, q.limit));
  const last = rows[rows.length - 1];
  return { campaigns: rows.map(campaignListItem), next_cursor: found.length > q.limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
}

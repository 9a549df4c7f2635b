import { foldCounterDeltas } from "@/lib/marketing/delivery/counter-deltas";
import { z } from "zod";
import type { DbOrTx } from "../db";
import { campaignListItem } from "./campaign-json";

export const CAMPAIGN_STATUSES = ["draft", "active", "paused", "completed", "cancelled"] as const;

export const ZFindCampaigns = z
  .object({
    status: z.enum(CAMPAIGN_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type TFindCampaigns = z.input<typeof ZFindCampaigns>;

/** Campaigns, newest first. */
export async function findCampaigns({ db, query }: { db: DbOrTx; query: TFindCampaigns | Record<string, unknown> }) {
  // counters are folded first: what is read equals a recount
  await foldCounterDeltas(db);
  const q = ZFindCampaigns.parse(query);
  const rows = await db.marketingCampaign.findMany({
    where: q.status ? { status: q.status } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit,
    skip: q.offset,
  });
  return rows.map(campaignListItem);
}

import { foldCounterDeltas } from "@/lib/marketing/delivery/counter-deltas";
import type { DbOrTx } from "../db";
import { AppError } from "../errors";
import { parseCampaignId } from "./campaign-id";
import { campaignJson } from "./campaign-json";

export async function getCampaign({ db, campaignId }: { db: DbOrTx; campaignId: string }) {
  // counters are folded first: what is read equals a recount
  await foldCounterDeltas(db);
  const c = await db.marketingCampaign.findUnique({ where: { id: parseCampaignId(campaignId) } });
  if (!c) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  return campaignJson(c);
}

import type { DbOrTx } from "../db";
import { AppError } from "../errors";
import { parseCampaignId } from "./campaign-id";
import { campaignJson } from "./campaign-json";
import { withLiveCounters } from "../stats/live-counters";

export async function getCampaign({ db, campaignId }: { db: DbOrTx; campaignId: string }) {
  const c = await db.marketingCampaign.findUnique({ where: { id: parseCampaignId(campaignId) } });
  if (!c) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  // the counters plus the unfolded deltas (one statement): equal to a recount, nothing written
  const [live] = await withLiveCounters(db, [c]);
  return campaignJson(live);
}

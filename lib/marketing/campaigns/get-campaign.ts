import type { DbOrTx } from "../db";
import { AppError } from "../errors";
import { parseCampaignId } from "./campaign-id";
import { campaignJson } from "./campaign-json";
import { findCampaignWithLiveCounters } from "../stats/live-counters";

export async function getCampaign({ db, campaignId }: { db: DbOrTx; campaignId: string }) {
  // the counters plus the unfolded deltas (one statement): equal to a recount, nothing written
  const c = await findCampaignWithLiveCounters(db, parseCampaignId(campaignId));
  if (!c) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  return campaignJson(c);
}

import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { plainReadOf } from "@/lib/db";
import { getCampaignStats } from "@/lib/marketing/stats/get-campaign-stats";
import { getEngineSettings } from "@/lib/server/engine";

export const GET = apiRoute<{ campaignId: string }>({}, async ({ db, now, params }) => {
  // the first statement on the client's own pool, without the ORM's per-query work
  return getCampaignStats({ db, campaignId: params.campaignId, now, timezone: getEngineSettings().timezone, read: plainReadOf(db) });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);

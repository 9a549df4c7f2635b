import { apiRoute } from "@/lib/http/api-route";
import { getCampaignStats } from "@/lib/marketing/stats/get-campaign-stats";
import { getEngineSettings } from "@/lib/server/engine";

export const GET = apiRoute<{ campaignId: string }>({}, async ({ db, now, params }) =>
  getCampaignStats({ db, campaignId: params.campaignId, now, timezone: getEngineSettings().timezone }));

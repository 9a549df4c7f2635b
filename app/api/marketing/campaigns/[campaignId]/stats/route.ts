import { apiRoute } from "@/lib/http/api-route";
import { getCampaignStats } from "@/lib/marketing/stats/get-campaign-stats";

export const GET = apiRoute<{ campaignId: string }>({}, async ({ db, params }) => getCampaignStats({ db, campaignId: params.campaignId }));

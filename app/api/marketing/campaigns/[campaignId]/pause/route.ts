import { apiRoute } from "@/lib/http/api-route";
import { pauseCampaign } from "@/lib/marketing/campaigns/pause-campaign";

export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  pauseCampaign({ db, now, principal, campaignId: params.campaignId }),
);

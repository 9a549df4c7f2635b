import { apiRoute } from "@/lib/http/api-route";
import { cancelCampaign } from "@/lib/marketing/campaigns/cancel-campaign";

export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  cancelCampaign({ db, now, principal, campaignId: params.campaignId }),
);

import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { pauseCampaign } from "@/lib/marketing/campaigns/pause-campaign";

export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  pauseCampaign({ db, now, principal, campaignId: params.campaignId }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);

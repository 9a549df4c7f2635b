import { apiRoute, otherMethods, parseInput } from "@/lib/http/api-route";
import { pauseCampaign, ZPauseRequest } from "@/lib/marketing/campaigns/pause-campaign";

/** An optional {"reason": "…"} is kept with the pause (it was ignored); other body fields are a 422. */
export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params, json }) => {
  const body = parseInput(ZPauseRequest, await json());
  return pauseCampaign({ db, now, principal, campaignId: params.campaignId, reason: body?.reason || undefined });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);

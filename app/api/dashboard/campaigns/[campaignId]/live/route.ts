/** The numbers of a campaign that change while it sends: polled by the campaign page (TanStack Query). */
import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { getEnv } from "@/lib/env";
import { parseCampaignId } from "@/lib/marketing/campaigns/campaign-id";
import { getCampaignLive } from "@/lib/marketing/stats/get-campaign-live";
import { AppError } from "@/lib/marketing/errors";
import { today } from "@/lib/server/today";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ campaignId: string }>({}, async ({ db, params, now }) => {
  const live = await getCampaignLive({ db, campaignId: parseCampaignId(params.campaignId), today: today(now), timezone: getEnv().CAMPAIGN_TIMEZONE });
  if (!live) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  return Response.json(live, { headers: { "Cache-Control": "no-store" } });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);

/** The numbers of a campaign that change while it sends: polled by the campaign page (TanStack Query). */
import { apiRoute } from "@/lib/http/api-route";
import { getEnv } from "@/lib/env";
import { getCampaignLive } from "@/lib/marketing/stats/get-campaign-live";
import { AppError } from "@/lib/marketing/errors";

export const dynamic = "force-dynamic";

function today(now: Date) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: getEnv().CAMPAIGN_TIMEZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export const GET = apiRoute<{ campaignId: string }>({}, async ({ db, params, now }) => {
  if (!/^[0-9a-f-]{36}$/i.test(params.campaignId)) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const live = await getCampaignLive({ db, campaignId: params.campaignId, today: today(now), timezone: getEnv().CAMPAIGN_TIMEZONE });
  if (!live) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  return Response.json(live, { headers: { "Cache-Control": "no-store" } });
});

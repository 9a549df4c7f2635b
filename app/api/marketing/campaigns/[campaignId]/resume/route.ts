import { apiRoute } from "@/lib/http/api-route";
import { resumeCampaign } from "@/lib/marketing/campaigns/resume-campaign";
import { getEngineSettings } from "@/lib/server/engine";

export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  resumeCampaign({ db, now, timezone: getEngineSettings().timezone, principal, campaignId: params.campaignId }),
);

import { apiRoute } from "@/lib/http/api-route";
import { resumeCampaign } from "@/lib/marketing/campaigns/resume-campaign";
import { getEngineSettings } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";

export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  resumeCampaign({ db, now, timezone: getEngineSettings().timezone, principal, templates: getTemplatesApi(), campaignId: params.campaignId }),
);

import { z } from "zod";
import { apiRoute, parseInput, queryObject } from "@/lib/http/api-route";
import { parseCampaignId } from "@/lib/marketing/campaigns/campaign-id";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { ZDay } from "@/lib/marketing/time";
import { getEngineSettings } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";

const ZQuery = z.object({ start_date: ZDay.optional() }).strict();

export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params, query }) => {
  const campaignId = parseCampaignId(params.campaignId);
  const q = parseInput(ZQuery, queryObject(query));
  return activateCampaign({ db, now, timezone: getEngineSettings().timezone, campaignId, startDate: q.start_date, principal, templates: getTemplatesApi() });
});

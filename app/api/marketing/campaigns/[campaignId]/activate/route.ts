import { z } from "zod";
import { apiRoute, parseInput, queryObject } from "@/lib/http/api-route";
import { parseCampaignId } from "@/lib/marketing/campaigns/campaign-id";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { ZDay } from "@/lib/marketing/time";
import { getEngineSettings } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";

// Activating a campaign of 1,000,000 recipients schedules them in one UPDATE: 63.2 s measured (README ›
// Performance, 15,820 rows/s). 300 s leaves 4× for a busier database.
export const maxDuration = 300;

const ZQuery = z.object({ start_date: ZDay.optional() }).strict();

export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params, query }) => {
  const campaignId = parseCampaignId(params.campaignId);
  const q = parseInput(ZQuery, queryObject(query));
  return activateCampaign({ db, now, timezone: getEngineSettings().timezone, campaignId, startDate: q.start_date, principal, templates: getTemplatesApi() });
});

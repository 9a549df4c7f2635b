import { z } from "@/lib/zod";
import { apiRoute, parseInput } from "@/lib/http/api-route";
import { resumeCampaign } from "@/lib/marketing/campaigns/resume-campaign";
import { getEngineSettings } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";

const ZBody = z.object({ confirm: z.boolean().optional() }).strict().optional();

/** A campaign the failure guard paused needs ?confirm=true (or {"confirm": true}): 409 GUARD_CONFIRMATION_REQUIRED otherwise. */
export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params, query, json }) => {
  const body = parseInput(ZBody, await json());
  const confirm = query.get("confirm") === "true" || body?.confirm === true;
  return resumeCampaign({ db, now, timezone: getEngineSettings().timezone, principal, templates: getTemplatesApi(), campaignId: params.campaignId, confirm });
});

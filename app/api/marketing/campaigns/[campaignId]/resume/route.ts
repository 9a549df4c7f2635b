import { z } from "@/lib/zod";
import { apiRoute, parseInput, queryObject, otherMethods } from "@/lib/http/api-route";
import { resumeCampaign } from "@/lib/marketing/campaigns/resume-campaign";
import { getEngineSettings } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";

const ZBody = z.object({ confirm: z.boolean().optional() }).strict().optional();
// ?confirm=true|false only: "yes" or "1" was silently read as no confirmation
const ZQuery = z.object({ confirm: z.enum(["true", "false"], { error: "true or false" }).optional() }).strict();

/** A campaign the failure guard paused needs ?confirm=true (or {"confirm": true}): 409 GUARD_CONFIRMATION_REQUIRED otherwise. */
export const POST = apiRoute<{ campaignId: string }>({ mutation: true }, async ({ db, now, principal, params, query, json }) => {
  const q = parseInput(ZQuery, queryObject(query));
  const body = parseInput(ZBody, await json());
  const confirm = q.confirm === "true" || body?.confirm === true;
  return resumeCampaign({ db, now, timezone: getEngineSettings().timezone, principal, templates: getTemplatesApi(), campaignId: params.campaignId, confirm });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);

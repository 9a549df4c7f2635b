import { z } from "@/lib/zod";
import { apiRoute, parseInput, queryObject, otherMethods } from "@/lib/http/api-route";
import { parseCampaignId } from "@/lib/marketing/campaigns/campaign-id";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { ZAddRecipientsRequest } from "@/lib/marketing/recipients/add-recipients-request";
import { findRecipients } from "@/lib/marketing/recipients/find-recipients";
import { getEngineSettings } from "@/lib/server/engine";

// Adding 1,000,000 recipients by target audience is one INSERT … SELECT: 33.2–36.2 s measured (README ›
// Performance, 2026-12-05). 300 s leaves ~8× for a busier database.
export const maxDuration = 300;

type Params = { campaignId: string };

const ZPostQuery = z.object({ use_target_audience: z.enum(["true", "false", "1", "0"]).optional() }).strict();

export const GET = apiRoute<Params>({}, async ({ db, principal, params, query }) =>
  findRecipients({ db, campaignId: params.campaignId, query: queryObject(query), role: principal.role }),
);

/** body {phone_numbers: [...]} (up to 100,000), or ?use_target_audience=true */
export const POST = apiRoute<Params>({ mutation: true, maxBodyBytes: 4_000_000 }, async ({ db, now, principal, params, query, json }) => {
  const campaignId = parseCampaignId(params.campaignId);
  const q = parseInput(ZPostQuery, queryObject(query));
  const timezone = getEngineSettings().timezone;
  const input = parseInput(ZAddRecipientsRequest, { useTargetAudience: q.use_target_audience === "true" || q.use_target_audience === "1", body: await json() });
  return input.source === "audience"
    ? addRecipients({ db, now, timezone, campaignId, principal, useTargetAudience: true })
    : addRecipients({ db, now, timezone, campaignId, principal, phoneNumbers: input.phone_numbers });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);

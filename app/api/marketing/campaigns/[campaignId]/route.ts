import { apiRoute, parseInput, otherMethods } from "@/lib/http/api-route";
import { getCampaign } from "@/lib/marketing/campaigns/get-campaign";
import { updateCampaign, ZUpdateCampaign } from "@/lib/marketing/campaigns/update-campaign";
import { getEngineSettings } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";
import { appUrl } from "@/lib/env";

type Params = { campaignId: string };

export const GET = apiRoute<Params>({}, async ({ db, params }) => getCampaign({ db, campaignId: params.campaignId }));

export const PATCH = apiRoute<Params>({ mutation: true }, async ({ db, now, principal, params, json }) =>
  updateCampaign({ db, now, principal, templates: getTemplatesApi(), appUrl: appUrl(), timezone: getEngineSettings().timezone, campaignId: params.campaignId, input: parseInput(ZUpdateCampaign, await json()) }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, DELETE, OPTIONS } = otherMethods(["GET", "PATCH"]);

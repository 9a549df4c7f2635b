import { apiRoute, created, parseInput, queryObject } from "@/lib/http/api-route";
import { createCampaign, ZCreateCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { findCampaigns } from "@/lib/marketing/campaigns/find-campaigns";
import { getTemplatesApi } from "@/lib/server/templates";

export const GET = apiRoute({}, async ({ db, query }) =>
  findCampaigns({ db, query: queryObject(query) }),
);

export const POST = apiRoute({ mutation: true }, async ({ db, now, principal, json }) =>
  created(await createCampaign({ db, now, principal, templates: getTemplatesApi(), input: parseInput(ZCreateCampaign, await json()) })),
);

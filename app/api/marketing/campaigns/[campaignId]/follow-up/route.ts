import { apiRoute, created, parseInput, otherMethods } from "@/lib/http/api-route";
import { appUrl } from "@/lib/env";
import { parseCampaignId } from "@/lib/marketing/campaigns/campaign-id";
import { createFollowUp, followUpCounts, listFollowUps, ZCreateFollowUp } from "@/lib/marketing/engagement/follow-ups";
import { AppError } from "@/lib/marketing/errors";
import { getTemplatesApi } from "@/lib/server/templates";

type Params = { campaignId: string };

/** How many recipients each outcome would select now, and the follow-ups already created. */
export const GET = apiRoute<Params>({}, async ({ db, params }) => {
  const id = parseCampaignId(params.campaignId);
  if (!(await db.marketingCampaign.findUnique({ where: { id }, select: { id: true } }))) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const [outcomes, followUps] = await Promise.all([followUpCounts(db, id), listFollowUps(db, id)]);
  return { campaign_id: id, outcomes, follow_ups: followUps };
});

export const POST = apiRoute<Params>({ mutation: true }, async ({ db, now, principal, params, json }) =>
  created(await createFollowUp({ db, now, principal, templates: getTemplatesApi(), appUrl: appUrl(), campaignId: params.campaignId, input: parseInput(ZCreateFollowUp, await json()) })),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);

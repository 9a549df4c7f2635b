import { NextResponse } from "next/server";
import { apiRoute, created, NEXT_CURSOR_HEADER, parseInput, queryObject, otherMethods } from "@/lib/http/api-route";
import { createCampaign, ZCreateCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { findCampaigns } from "@/lib/marketing/campaigns/find-campaigns";
import { getTemplatesApi } from "@/lib/server/templates";
import { appUrl } from "@/lib/env";

/** The spec's answer is a bare array: the next page's cursor is in the X-Next-Cursor header. */
export const GET = apiRoute({}, async ({ db, query }) => {
  const page = await findCampaigns({ db, query: queryObject(query) });
  return NextResponse.json(page.campaigns, { headers: page.next_cursor ? { [NEXT_CURSOR_HEADER]: page.next_cursor } : {} });
});

export const POST = apiRoute({ mutation: true }, async ({ db, now, principal, json }) =>
  created(await createCampaign({ db, now, principal, templates: getTemplatesApi(), appUrl: appUrl(), input: parseInput(ZCreateCampaign, await json()) })),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);

import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { syncTemplates } from "@/lib/marketing/templates/sync-templates";
import { getTemplatesApi } from "@/lib/server/templates";

/** POST /api/marketing/templates/sync — sync the library from Meta now. */
export const POST = apiRoute({ mutation: true }, async ({ db, now, principal }) => {
  return syncTemplates({ db, now, api: getTemplatesApi(), actor: principal.actor });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);

import { apiRoute } from "@/lib/http/api-route";
import { syncTemplates } from "@/lib/marketing/templates/sync-templates";
import { getTemplatesApi } from "@/lib/server/templates";

/** POST /api/marketing/templates/sync — sync the library from Meta now. */
export const POST = apiRoute({ mutation: true }, async ({ db, now, principal }) => {
  return syncTemplates({ db, now, api: getTemplatesApi(), actor: principal.actor });
});

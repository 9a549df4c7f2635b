import { apiRoute, parseInput, queryObject, otherMethods } from "@/lib/http/api-route";
import { listTemplates, ZListTemplatesQuery } from "@/lib/marketing/templates/list-templates";
import { getTemplatesApi } from "@/lib/server/templates";

/** GET /api/marketing/templates?status=&category=&language=&search= */
export const GET = apiRoute({}, async ({ db, query }) => {
  const q = parseInput(ZListTemplatesQuery, queryObject(query));
  return listTemplates({ db, api: getTemplatesApi(), query: q });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);

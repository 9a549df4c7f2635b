import { apiRoute, parseInput, otherMethods } from "@/lib/http/api-route";
import { markAlertsRead, ZMarkAlertsRead } from "@/lib/marketing/alerts/find-alerts";

/** Body {"ids": [...]} or {"all": true}. */
export const POST = apiRoute({ mutation: true }, async ({ db, now, principal, json }) =>
  markAlertsRead({ db, now, principal, input: parseInput(ZMarkAlertsRead, await json()) }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);

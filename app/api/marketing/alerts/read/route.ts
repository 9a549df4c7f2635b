import { apiRoute, parseInput } from "@/lib/http/api-route";
import { markAlertsRead, ZMarkAlertsRead } from "@/lib/marketing/alerts/find-alerts";

/** Body {"ids": [...]} or {"all": true}. */
export const POST = apiRoute({ mutation: true }, async ({ db, now, principal, json }) =>
  markAlertsRead({ db, now, principal, input: parseInput(ZMarkAlertsRead, await json()) }),
);

import { apiRoute } from "@/lib/http/api-route";
import { releaseSendHold } from "@/lib/marketing/sending/account-health";

/** Admins only (the use-case refuses other roles with 403). */
export const POST = apiRoute({ mutation: true }, async ({ db, now, principal }) => releaseSendHold({ db, now, principal }));

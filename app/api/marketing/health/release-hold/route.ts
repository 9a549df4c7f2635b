import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { releaseSendHold } from "@/lib/marketing/sending/account-health";

/** Admins only (the use-case refuses other roles with 403). */
export const POST = apiRoute({ mutation: true }, async ({ db, now, principal }) => releaseSendHold({ db, now, principal }));

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);

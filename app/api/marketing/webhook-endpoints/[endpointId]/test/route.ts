import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { sendTestEvent } from "@/lib/marketing/events/deliver-events";

/** POST: queue an endpoint.test event for this endpoint and deliver its queue now; answers the test's delivery. */
export const POST = apiRoute<{ endpointId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  sendTestEvent({ db, now, principal, endpointId: params.endpointId }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);

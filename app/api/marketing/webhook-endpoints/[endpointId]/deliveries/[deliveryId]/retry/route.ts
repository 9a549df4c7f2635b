import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { resendDelivery } from "@/lib/marketing/events/deliver-events";

/** "Send again": re-sends this delivery's event now. */
export const POST = apiRoute<{ endpointId: string; deliveryId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  resendDelivery({ db, now, principal, endpointId: params.endpointId, deliveryId: params.deliveryId }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);

import { apiRoute } from "@/lib/http/api-route";
import { sendTestEvent } from "@/lib/marketing/events/deliver-events";

/** POST: queue an endpoint.test event for this endpoint and deliver its queue now; answers the test's delivery. */
export const POST = apiRoute<{ endpointId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  sendTestEvent({ db, now, principal, endpointId: params.endpointId }),
);

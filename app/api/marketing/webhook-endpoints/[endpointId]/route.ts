import { apiRoute, parseInput, otherMethods } from "@/lib/http/api-route";
import { deleteWebhookEndpoint, getWebhookEndpoint, updateWebhookEndpoint, ZUpdateWebhookEndpoint } from "@/lib/marketing/events/webhook-endpoints";

type Params = { endpointId: string };

export const GET = apiRoute<Params>({}, async ({ db, principal, params }) => getWebhookEndpoint({ db, principal, endpointId: params.endpointId }));

export const PATCH = apiRoute<Params>({ mutation: true }, async ({ db, now, principal, params, json }) =>
  updateWebhookEndpoint({ db, now, principal, endpointId: params.endpointId, input: parseInput(ZUpdateWebhookEndpoint, await json()) }),
);

export const DELETE = apiRoute<Params>({ mutation: true }, async ({ db, now, principal, params }) =>
  deleteWebhookEndpoint({ db, now, principal, endpointId: params.endpointId }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, OPTIONS } = otherMethods(["GET", "PATCH", "DELETE"]);

import { apiRoute, parseInput } from "@/lib/http/api-route";
import { deleteWebhookEndpoint, getWebhookEndpoint, updateWebhookEndpoint, ZUpdateWebhookEndpoint } from "@/lib/marketing/events/webhook-endpoints";

type Params = { endpointId: string };

export const GET = apiRoute<Params>({}, async ({ db, principal, params }) => getWebhookEndpoint({ db, principal, endpointId: params.endpointId }));

export const PATCH = apiRoute<Params>({ mutation: true }, async ({ db, now, principal, params, json }) =>
  updateWebhookEndpoint({ db, now, principal, endpointId: params.endpointId, input: parseInput(ZUpdateWebhookEndpoint, await json()) }),
);

export const DELETE = apiRoute<Params>({ mutation: true }, async ({ db, now, principal, params }) =>
  deleteWebhookEndpoint({ db, now, principal, endpointId: params.endpointId }),
);

import { apiRoute, created, parseInput, otherMethods } from "@/lib/http/api-route";
import { createWebhookEndpoint, listWebhookEndpoints, ZCreateWebhookEndpoint } from "@/lib/marketing/events/webhook-endpoints";

/** Outbound event endpoints (admins only). */
export const GET = apiRoute({}, async ({ db, principal }) => listWebhookEndpoints({ db, principal }));

export const POST = apiRoute({ mutation: true }, async ({ db, now, principal, json }) =>
  created(await createWebhookEndpoint({ db, now, principal, input: parseInput(ZCreateWebhookEndpoint, await json()) })),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);

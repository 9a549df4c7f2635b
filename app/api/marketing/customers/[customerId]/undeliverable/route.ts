import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { clearUndeliverable } from "@/lib/marketing/customers/undeliverable";

/** DELETE /api/marketing/customers/{id}/undeliverable: the customer is reachable on WhatsApp after all (clears the mark). */
export const DELETE = apiRoute<{ customerId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  clearUndeliverable({ db, now, principal, customerId: params.customerId }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, POST, PUT, PATCH, HEAD, OPTIONS } = otherMethods(["DELETE"]);

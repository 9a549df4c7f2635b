import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { eraseCustomer } from "@/lib/marketing/customers/erase-customer";

/** DELETE /api/marketing/customers/{id}: erases the customer's personal data (campaign totals unchanged). */
export const DELETE = apiRoute<{ customerId: string }>({ mutation: true }, async ({ db, now, principal, params }) =>
  eraseCustomer({ db, now, principal, customerId: params.customerId }),
);

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { GET, POST, PUT, PATCH, HEAD, OPTIONS } = otherMethods(["DELETE"]);

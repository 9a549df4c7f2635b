import { apiRoute, parseInput, queryObject, otherMethods } from "@/lib/http/api-route";
import { findCustomers } from "@/lib/marketing/customers/find-customers";
import { upsertCustomers, ZUpsertCustomers } from "@/lib/marketing/customers/upsert-customers";

// One request upserts at most 10,000 customers: 0.53–0.64 s p50, 0.70–0.91 s p99 measured (README ›
// Performance, 2026-12-05: 1,000,000 imported in 100 such requests). 60 s is far above that.
export const maxDuration = 60;

export const GET = apiRoute({}, async ({ db, principal, query }) => findCustomers({ db, query: queryObject(query), role: principal.role }));

/** body {customers: [{phone, name?, customer_tier?, city?, tags?, subscription?, is_active?, attributes?}, ...]} ≤ 10,000 */
export const POST = apiRoute({ mutation: true, maxBodyBytes: 8_000_000 }, async ({ db, now, principal, json }) => {
  const body = parseInput(ZUpsertCustomers, await json());
  return upsertCustomers({ db, now, principal, rows: body.customers });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);

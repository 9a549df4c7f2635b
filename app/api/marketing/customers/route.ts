import { apiRoute, parseInput, queryObject } from "@/lib/http/api-route";
import { findCustomers } from "@/lib/marketing/customers/find-customers";
import { upsertCustomers, ZUpsertCustomers } from "@/lib/marketing/customers/upsert-customers";

export const GET = apiRoute({}, async ({ db, query }) => findCustomers({ db, query: queryObject(query) }));

/** body {customers: [{phone, name?, customer_tier?, city?, tags?, subscription?, is_active?, attributes?}, ...]} ≤ 10,000 */
export const POST = apiRoute({ mutation: true, maxBodyBytes: 8_000_000 }, async ({ db, now, principal, json }) => {
  const body = parseInput(ZUpsertCustomers, await json());
  return upsertCustomers({ db, now, principal, rows: body.customers });
});

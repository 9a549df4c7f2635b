import { describe, expect, it } from "vitest";
import { ZCustomerListQuery } from "./search-customers";

describe("ZCustomerListQuery: the customers table's filters from the page's URL", () => {
  it("reads the API's reachable=false as the dashboard's reachable=no (only customers not reachable)", () => {
    expect(ZCustomerListQuery.parse({ reachable: "no" }).reachable).toBe("no");
    expect(ZCustomerListQuery.parse({ reachable: "false" }).reachable).toBe("no");
  });

  it("ignores any other reachable value, as before", () => {
    expect(ZCustomerListQuery.parse({}).reachable).toBeUndefined();
    expect(ZCustomerListQuery.parse({ reachable: "true" }).reachable).toBeUndefined();
    expect(ZCustomerListQuery.parse({ reachable: "maybe" }).reachable).toBeUndefined();
  });
});

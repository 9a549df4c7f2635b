/**
 * How the API's JSON answers go out: never cached, and a small answer marked `no-transform` so `next start`
 * does not gzip it (a larger one still may be).
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
// the engine harness first: it sets the environment the route modules read when they load
import { seedCustomers, withEngineTest, type EngineTest } from "../engine/support";
import { request } from "./support";
import { customers, health } from "./routes";
import { SMALL_ANSWER_CHARS } from "@/lib/http/api-route";

let e: EngineTest;
withEngineTest({ clock: "2025-01-10T10:00:00Z" }, (engine) => {
  e = engine;
});

describe("JSON answers", () => {
  it("a small answer is not cached and not compressed; a large one is not cached and may be compressed", async () => {
    const small = await request(health.GET, { path: "/api/marketing/health" });
    expect(small.status).toBe(200);
    expect(JSON.stringify(small.body).length).toBeLessThanOrEqual(SMALL_ANSWER_CHARS);
    expect(small.headers.get("content-type")).toBe("application/json");
    expect(small.headers.get("cache-control")).toBe("private, no-store, no-transform");

    await seedCustomers(e.db, 60, { tier: "premium", city: "Lisbon" });
    const large = await request(customers.GET, { path: "/api/marketing/customers", query: { limit: "50" } });
    expect(large.status).toBe(200);
    expect(JSON.stringify(large.body).length).toBeGreaterThan(SMALL_ANSWER_CHARS);
    expect(large.headers.get("content-type")).toBe("application/json");
    expect(large.headers.get("cache-control")).toBe("private, no-store");
  });
});

/**
 * Idempotency-Key on POST: a retry replays the first answer without doing the work again, also when retries race.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { setupEngineTest, type EngineTest } from "../engine/support";
import { request } from "./support";
import * as campaigns from "@/app/api/marketing/campaigns/route";
import * as pause from "@/app/api/marketing/campaigns/[campaignId]/pause/route";
import { Prisma } from "@/lib/marketing/db";

let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest();
});
afterAll(async () => e?.stop());

const PATH = "/api/marketing/campaigns";
const create = (key: string | undefined, body: Record<string, unknown>) =>
  request(campaigns.POST, { path: PATH, body: { template_name: "summer_sale_promo", ...body }, headers: key ? { "idempotency-key": key } : {} });
const countNamed = (name: string) => e.db.marketingCampaign.count({ where: { name } });

describe("Idempotency-Key", () => {
  it("a retried create with the same key returns the same campaign and creates one row", async () => {
    const first = await create("key-retry-1", { name: "Retry once" });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await create("key-retry-1", { name: "Retry once" });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await countNamed("Retry once")).toBe(1);
    expect(await e.db.auditLog.count({ where: { entityId: first.body.id, action: "campaign.create" } })).toBe(1);
  });

  it("10 racing retries create one campaign; every answer is that campaign or 409 IDEMPOTENCY_KEY_IN_PROGRESS", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => create("key-race-10", { name: "Raced" })));
    const created = answers.filter((a) => a.status === 201);
    const inProgress = answers.filter((a) => a.status === 409);
    expect(created.length + inProgress.length).toBe(10);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const a of inProgress) expect(a.body.error.code).toBe("IDEMPOTENCY_KEY_IN_PROGRESS");
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    expect(await countNamed("Raced")).toBe(1);
    const later = await create("key-race-10", { name: "Raced" });
    expect(later.status).toBe(201);
    expect(later.body.id).toBe(created[0].body.id);
    expect(await countNamed("Raced")).toBe(1);
  });

  it("the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED and does nothing", async () => {
    expect((await create("key-reused", { name: "First body" })).status).toBe(201);
    const other = await create("key-reused", { name: "Second body" });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await countNamed("Second body")).toBe(0);
  });

  it("a retry while the first request still runs is 409 IDEMPOTENCY_KEY_IN_PROGRESS", async () => {
    // the first request's claim is held (its answer not yet stored)
    const body = JSON.stringify({ template_name: "summer_sale_promo", name: "Still running" });
    const { requestFingerprint } = await import("@/lib/http/idempotency");
    await e.db.$executeRaw(Prisma.sql`
      INSERT INTO api_idempotency_keys (principal, key, request_hash, created_at)
      VALUES ('env-token', 'key-running', ${requestFingerprint("POST", PATH, Buffer.from(body))}, now())`);
    const r = await create("key-running", { name: "Still running" });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("IDEMPOTENCY_KEY_IN_PROGRESS");
    expect(await countNamed("Still running")).toBe(0);
    // a claim unanswered for 15 minutes was abandoned (its instance died): the retry runs
    await e.db.$executeRaw(Prisma.sql`UPDATE api_idempotency_keys SET created_at = now() - interval '16 minutes' WHERE key = 'key-running'`);
    const later = await create("key-running", { name: "Still running" });
    expect(later.status).toBe(201);
    expect(await countNamed("Still running")).toBe(1);
  });

  it("errors are replayed too; malformed keys are refused", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const p1 = await request(pause.POST, { path: `/api/marketing/campaigns/${missing}/pause`, params: { campaignId: missing }, method: "POST", headers: { "idempotency-key": "key-err" } });
    expect(p1.status).toBe(404);
    const p2 = await request(pause.POST, { path: `/api/marketing/campaigns/${missing}/pause`, params: { campaignId: missing }, method: "POST", headers: { "idempotency-key": "key-err" } });
    expect(p2.status).toBe(404);
    expect(p2.headers.get("idempotent-replayed")).toBe("true");
    const bad = await create("has space", { name: "Bad key" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(await countNamed("Bad key")).toBe(0);
  });

  it("a refusal that may not hold later (409, 429) is not kept: a retry with the key runs once the cause is gone", async () => {
    const draft = await create(undefined, { name: "Later paused" });
    const path = `/api/marketing/campaigns/${draft.body.id}/pause`;
    const pauseIt = () => request(pause.POST, { path, params: { campaignId: draft.body.id }, method: "POST", headers: { "idempotency-key": "key-409" } });
    const refused = await pauseIt();
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("INVALID_TRANSITION");
    await e.db.marketingCampaign.update({ where: { id: draft.body.id }, data: { status: "active", startedAt: new Date() } });
    const paused = await pauseIt();
    expect(paused.status).toBe(200);
    expect(paused.headers.get("idempotent-replayed")).toBeNull();
    // from here on the key keeps its answer
    const again = await pauseIt();
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("without a key every POST does the work; keys older than 24 hours are claimed afresh and pruned", async () => {
    await create(undefined, { name: "No key" });
    await create(undefined, { name: "No key" });
    expect(await countNamed("No key")).toBe(2);
    await e.db.$executeRaw(Prisma.sql`
      INSERT INTO api_idempotency_keys (principal, key, request_hash, status, body, created_at, completed_at)
      VALUES ('env-token', 'key-old', 'x', 201, '{}', now() - interval '25 hours', now() - interval '25 hours'),
             ('token:other', 'key-older', 'x', 201, '{}', now() - interval '26 hours', now() - interval '26 hours')`);
    const r = await create("key-old", { name: "After expiry" });
    expect(r.status).toBe(201);
    expect(r.headers.get("idempotent-replayed")).toBeNull();
    expect(await countNamed("After expiry")).toBe(1);
    const left = await e.db.$queryRaw<Array<{ key: string }>>(Prisma.sql`SELECT key FROM api_idempotency_keys WHERE created_at < now() - interval '24 hours'`);
    expect(left).toEqual([]);
  });

  it("every answer carries X-Request-Id (the caller's own when sane)", async () => {
    const r = await request(campaigns.GET, { path: PATH });
    expect(r.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    const mine = await request(campaigns.GET, { path: PATH, headers: { "x-request-id": "client-req-12345" } });
    expect(mine.headers.get("x-request-id")).toBe("client-req-12345");
    const unauth = await request(campaigns.GET, { path: PATH, token: "nope" });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("plainRoute (routes that authenticate themselves)", () => {
  it("answers X-Request-Id and the error shape for AppError, zod errors and unknown errors (a generic 500)", async () => {
    const { plainRoute } = await import("@/lib/http/api-route");
    const { AppError } = await import("@/lib/marketing/errors");
    const { z } = await import("zod");
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const cases: Array<[() => never, number, string]> = [
      [() => { throw new AppError("INVALID_SIGNATURE", "Bad signature."); }, 401, "INVALID_SIGNATURE"],
      [() => { z.object({ a: z.string() }).parse({}); throw new Error("unreachable"); }, 422, "VALIDATION_FAILED"],
      [() => { throw new Error("secret internals"); }, 500, "INTERNAL"],
    ];
    for (const [fail, status, code] of cases) {
      const route = plainRoute(async () => fail());
      const r = await request(route, { path: "/api/whatsapp/webhook", token: null, method: "POST", body: {} });
      expect(r.status).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(typeof r.body.error.message).toBe("string");
      expect(JSON.stringify(r.body)).not.toContain("secret internals");
      expect(r.headers.get("x-request-id")).toMatch(/^req_/);
    }
    spy.mockRestore();
  });
});

/**
 * An audit log of who changed what — campaign transitions, imports (API and CSV), erasures,
 * token and user changes — naming the actor and never a secret; list endpoints cap their page size;
 * request bodies are size-limited (fuzz-routes sends 9 MB bodies to every mutation).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", async (importOriginal) => (await import("../support/routes")).sessionAwareNextAuth(importOriginal));

import { SECRETS } from "../support/secrets-env";
import { setClock, setupEngineTest, type EngineTest } from "../engine/support";
import { callRoute, loadRoutes, type RouteFile } from "../support/routes";
import { issueApiToken, revokeApiToken } from "@/lib/marketing/settings/api-tokens";
import { createUser, updateUser } from "@/lib/marketing/users/users";
import { importCustomersCsv } from "@/lib/marketing/customers/import-customers-csv";
import type { Principal } from "@/lib/marketing/auth/api-tokens";

let e: EngineTest;
let routes: RouteFile[];
const auth = { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}`, "content-type": "application/json" };
const route = (file: string) => routes.find((r) => r.file === `app/api/marketing/${file}/route.ts`)!;

beforeAll(async () => {
  e = await setupEngineTest();
  routes = await loadRoutes();
  setClock("2025-11-01T10:00:00Z");
});
afterAll(async () => e?.stop());

describe("audit log", () => {
  it("records every campaign transition, import, erasure, token and user change with its actor, and no secret", async () => {
    const post = (file: string, params: Record<string, string>, body?: unknown, query?: string) =>
      callRoute(route(file), { method: "POST", params, headers: auth, body: body === undefined ? undefined : JSON.stringify(body), query });
    const customers = await post("customers", {}, { customers: [{ phone: "15558880001", name: "A" }, { phone: "15558880002", name: "B" }] });
    expect(customers.status, customers.text).toBe(200);
    const created = await post("campaigns", {}, { name: "Audited", template_name: "promo" });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;
    const steps: Array<[string, number]> = [];
    steps.push(["campaigns/[campaignId]/recipients", (await post("campaigns/[campaignId]/recipients", { campaignId: id }, { phone_numbers: ["15558880001", "15558880002"] })).status]);
    steps.push(["activate", (await post("campaigns/[campaignId]/activate", { campaignId: id }, undefined, "start_date=2025-11-02")).status]);
    steps.push(["pause", (await post("campaigns/[campaignId]/pause", { campaignId: id }, {})).status]);
    steps.push(["resume", (await post("campaigns/[campaignId]/resume", { campaignId: id }, {})).status]);
    steps.push(["cancel", (await post("campaigns/[campaignId]/cancel", { campaignId: id }, {})).status]);
    expect(steps.every(([, s]) => s === 200), JSON.stringify(steps)).toBe(true);
    const customer = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "15558880002" } });
    const erased = await callRoute(routes.find((r) => r.file === "app/api/marketing/customers/[customerId]/route.ts")!, { method: "DELETE", params: { customerId: customer.id }, headers: auth });
    expect(erased.status).toBe(200);

    const admin = await e.db.user.create({ data: { email: "audit-admin@example.com", passwordHash: "x", role: "admin" } });
    const actor: Principal = { kind: "user", id: admin.id, role: "admin", actor: `user:${admin.id}`, email: admin.email };
    const now = new Date();
    const token = await issueApiToken({ db: e.db, now, actor, input: { name: "crm", role: "marketer" } });
    await revokeApiToken({ db: e.db, now, actor, tokenId: token.id });
    const password = "a-very-secret-password-42";
    const user = await createUser({ db: e.db, now, actor, input: { email: "new-marketer@example.com", name: undefined, role: "marketer", password } });
    await updateUser({ db: e.db, now, actor, userId: user.id, input: { role: "viewer", password: password + "-changed" } });
    const csv = await importCustomersCsv({ db: e.db, now, principal: actor, records: [["phone", "name"], ["15558880003", "C"]] });
    expect(csv.ok).toBe(true);

    const log = await e.db.auditLog.findMany({ orderBy: { createdAt: "asc" } });
    const actions = log.map((l) => l.action);
    for (const a of ["customers.upsert", "campaign.create", "campaign.add_recipients", "campaign.activate", "campaign.pause", "campaign.resume",
      "campaign.cancel", "customer.erase", "api_token.create", "api_token.revoke", "user.create", "user.update"]) {
      expect(actions, a).toContain(a);
    }
    expect(log.filter((l) => l.action === "customers.upsert").length).toBeGreaterThanOrEqual(2); // the API import and the CSV import
    for (const l of log) {
      expect(l.actor, l.action).toMatch(/^(env-token|user:[0-9a-f-]{36}|token:[0-9a-f-]{36}|cron|system)$/);
      const text = JSON.stringify(l);
      for (const secret of [token.token, password, SECRETS.MARKETING_API_TOKEN, "15558880002"]) expect(text, l.action).not.toContain(secret);
    }
    expect(log.find((l) => l.action === "campaign.activate")!.actor).toBe("env-token");
    expect(log.find((l) => l.action === "user.update")!.actor).toBe(`user:${admin.id}`);
  });
});

describe("imports", () => {
  it("a CSV with one bad row is rejected with row-level messages and writes nothing", async () => {
    const actor: Principal = { kind: "env-token", id: null, role: "admin", actor: "env-token" };
    const before = { profiles: await e.db.userProfile.count(), audit: await e.db.auditLog.count() };
    const result = await importCustomersCsv({ db: e.db, now: new Date(), principal: actor, records: [
      ["phone", "name", "subscription"], ["15558881001", "Good", "subscribed"], ["not-a-phone", "Bad", "subscribed"], ["15558881003", "Also good", "maybe"],
      ["15558881004", "<script>alert(1)</script>'; DROP TABLE user_profiles; --", "subscribed"],
    ] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errorCount).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(result.errors)).toMatch(/3/); // the data row numbers are named
    }
    expect({ profiles: await e.db.userProfile.count(), audit: await e.db.auditLog.count() }).toEqual(before);
  });
});

describe("limits", () => {
  it("list endpoints cap their page size (422 above the cap) and never answer more than it", async () => {
    const lists = routes.filter((r) => r.handlers.GET && /campaigns\/route|customers\/route|recipients\/route|templates\/route|audit/.test(r.file) && r.file.startsWith("app/api/"));
    expect(lists.length).toBeGreaterThanOrEqual(3);
    const campaign = await e.db.marketingCampaign.findFirstOrThrow();
    for (const r of lists) {
      const params = Object.fromEntries(r.params.map((p) => [p, campaign.id]));
      for (const limit of ["100000", "1e9", "-1", "201"]) {
        const res = await callRoute(r, { method: "GET", params, headers: auth, query: `limit=${limit}` });
        expect(res.status, `${r.file} limit=${limit}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status === 200) {
          const body = res.json as unknown[] | { data?: unknown[]; items?: unknown[]; recipients?: unknown[]; customers?: unknown[]; templates?: unknown[] };
          const items = Array.isArray(body) ? body : (body.data ?? body.items ?? body.recipients ?? body.customers ?? body.templates ?? []);
          expect(items.length, `${r.file} limit=${limit}`).toBeLessThanOrEqual(1000);
        } else expect(res.status, `${r.file} limit=${limit}`).toBe(422);
      }
    }
  });
});

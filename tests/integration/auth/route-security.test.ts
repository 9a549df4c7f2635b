/**
 * Security: every route handler file under app/api (found by glob) and every exported method
 * refuses a request without credentials (401, JSON error with a code), except the webhook (signature,
 * 401 unsigned; GET verification 403) and next-auth's own routes. process-daily alone accepts
 * CRON_SECRET. Viewers cannot mutate. Cookie sessions must come from our Origin for mutations. Only
 * `Authorization: Bearer` carries a token; revoked tokens stop working; last use is recorded.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", async (importOriginal) => (await import("../support/routes")).sessionAwareNextAuth(importOriginal));

import { SECRETS } from "../support/secrets-env";
import { setupEngineTest, type EngineTest } from "../engine/support";
import { callRoute, isErrorBody, loadRoutes, logFigures, sessionCookie, type Method, type RouteFile } from "../support/routes";
import { createApiToken, sha256Hex, TOKEN_PREFIX } from "@/lib/marketing/auth/api-tokens";
import { revokeApiToken } from "@/lib/marketing/settings/api-tokens";
import { OPERATIONS } from "@/lib/http/openapi/operations";

let e: EngineTest;
let routes: RouteFile[];
const users: Record<"admin" | "marketer" | "viewer" | "disabled", { id: string; email: string; role: string; cookie: string }> = {} as never;
let calls = 0;

const isAuthRoute = (r: RouteFile) => r.file.startsWith("app/api/auth/");
const isWebhook = (r: RouteFile) => r.file === "app/api/whatsapp/webhook/route.ts";
const isProcessDaily = (r: RouteFile) => r.file === "app/api/marketing/process-daily/route.ts";
/** reads the API documents as admins-only (they show secrets): a viewer gets 403 there too */
const adminOnlyRead = (r: RouteFile, m: Method) =>
  OPERATIONS.some((o) => o.adminOnly && o.method === m.toLowerCase() && `app${o.path.replace(/\{(\w+)\}/g, "[$1]")}/route.ts` === r.file);
const guarded = () => routes.filter((r) => !isAuthRoute(r) && !isWebhook(r));
const each = (list: RouteFile[]) => list.flatMap((r) => (Object.keys(r.handlers) as Method[]).map((m) => [r, m] as const));
const isMutation = (r: RouteFile, m: Method) => m !== "GET" || isProcessDaily(r);

async function call(r: RouteFile, m: Method, headers: Record<string, string> = {}, extra: { query?: string; body?: string } = {}) {
  calls++;
  return callRoute(r, { method: m, headers: { "content-type": "application/json", ...headers }, query: extra.query, body: extra.body ?? (m === "GET" ? undefined : "{}") });
}

beforeAll(async () => {
  // next-auth logs every forged or foreign session cookie (JWT_SESSION_ERROR) with its stack: expected here
  vi.spyOn(console, "error").mockImplementation(() => {});
  e = await setupEngineTest();
  routes = await loadRoutes();
  for (const role of ["admin", "marketer", "viewer", "disabled"] as const) {
    const u = await e.db.user.create({ data: { email: `${role}@example.com`, passwordHash: "unused", role: role === "disabled" ? "admin" : role, disabled: role === "disabled" } });
    users[role] = { id: u.id, email: u.email, role: u.role, cookie: await sessionCookie(SECRETS.AUTH_SECRET, { id: u.id, email: u.email, role: u.role }) };
  }
});
afterAll(async () => {
  logFigures("route-security", { routeFiles: routes?.length ?? 0, calls });
  await e?.stop();
});

describe("every route handler file", () => {
  it("is found by the glob (a new route is covered the day it is added)", () => {
    const files = routes.map((r) => r.file);
    expect(files).toContain("app/api/marketing/process-daily/route.ts");
    expect(files).toContain("app/api/whatsapp/webhook/route.ts");
    expect(guarded().length).toBeGreaterThanOrEqual(14);
    for (const r of routes) expect(Object.keys(r.handlers).length, r.file).toBeGreaterThan(0);
  });

  it("answers 401 with a JSON error code to every method without credentials, or with credentials we do not accept", async () => {
    const refused: Array<[string, Record<string, string>, string?]> = [
      ["none", {}],
      ["wrong bearer", { authorization: "Bearer wrong-token" }],
      ["unknown wac_ token", { authorization: `Bearer ${TOKEN_PREFIX}${"A".repeat(43)}` }],
      ["Basic scheme", { authorization: `Basic ${Buffer.from(`x:${SECRETS.MARKETING_API_TOKEN}`).toString("base64")}` }],
      ["token without scheme", { authorization: SECRETS.MARKETING_API_TOKEN }],
      ["token in X-API-Key", { "x-api-key": SECRETS.MARKETING_API_TOKEN }],
      ["token in the query string", {}, `token=${SECRETS.MARKETING_API_TOKEN}&access_token=${SECRETS.MARKETING_API_TOKEN}`],
      ["forged session cookie", { cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..forged.forged.forged" }],
      ["session cookie signed with another secret", { cookie: await sessionCookie("another-secret-0123456789abcdef0123456789", users.admin) }],
      ["a disabled user's session", { cookie: users.disabled.cookie, origin: "http://localhost" }],
      ["oversized bearer", { authorization: `Bearer ${"x".repeat(10_000)}` }],
    ];
    let n = 0;
    for (const [r, m] of each(guarded())) {
      for (const [label, headers, query] of refused) {
        const res = await call(r, m, headers, { query });
        expect(res.status, `${m} ${r.file} (${label})`).toBe(401);
        expect(isErrorBody(res.json), `${m} ${r.file} (${label}) ${res.text}`).toBe(true);
        expect((res.json as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
        n++;
      }
    }
    expect(n).toBeGreaterThan(150);
  });

  it("the webhook: POST unsigned or wrongly signed → 401 before parsing; GET verification without the token → 403", async () => {
    const wh = routes.find(isWebhook)!;
    for (const headers of <Array<Record<string, string>>>[{}, { "x-hub-signature-256": "sha256=" + "0".repeat(64) }, { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}` }]) {
      const res = await call(wh, "POST", headers, { body: "{not even json" });
      expect(res.status).toBe(401);
      expect(isErrorBody(res.json)).toBe(true);
    }
    for (const query of ["", "hub.mode=subscribe&hub.challenge=x", "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=x"]) {
      const res = await call(wh, "GET", {}, { query });
      expect(res.status).toBe(403);
      expect(res.text).not.toContain("x\n");
    }
  });

  it("CRON_SECRET opens process-daily only (GET and POST), nothing else", async () => {
    const cron = { authorization: `Bearer ${SECRETS.CRON_SECRET}` };
    for (const [r, m] of each(guarded())) {
      const res = await call(r, m, cron);
      if (isProcessDaily(r)) expect(res.status, `${m} ${r.file}`).toBe(200);
      else expect(res.status, `${m} ${r.file}`).toBe(401);
    }
  });

  it("process-daily accepts a session, an API token, the marketing token or CRON_SECRET — nothing else", async () => {
    const pd = routes.find(isProcessDaily)!;
    const { token } = await createApiToken({ db: e.db, name: "integration", role: "marketer", createdById: null, now: new Date() });
    const accepted: Array<Record<string, string>> = [
      { authorization: `Bearer ${SECRETS.CRON_SECRET}` },
      { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}` },
      { authorization: `Bearer ${token}` },
      { cookie: users.marketer.cookie, origin: "http://localhost" },
    ];
    for (const headers of accepted) {
      for (const m of ["GET", "POST"] as const) {
        const res = await call(pd, m, headers, { body: m === "POST" ? "" : undefined });
        expect(res.status, JSON.stringify(headers)).toBe(200);
        expect(res.json).toMatchObject({ messages_sent: 0 });
      }
    }
  });
});

describe("roles and origins", () => {
  it("a viewer (session or token) is refused every mutation with 403 and may read", async () => {
    const { token: viewerToken } = await createApiToken({ db: e.db, name: "viewer", role: "viewer", createdById: null, now: new Date() });
    for (const headers of <Array<Record<string, string>>>[{ cookie: users.viewer.cookie, origin: "http://localhost" }, { authorization: `Bearer ${viewerToken}` }]) {
      for (const [r, m] of each(guarded())) {
        const res = await call(r, m, headers);
        if (isMutation(r, m) || adminOnlyRead(r, m)) {
          expect(res.status, `${m} ${r.file}`).toBe(403);
          expect((res.json as { error: { code: string } }).error.code).toBe("FORBIDDEN");
        } else {
          expect([200, 404], `${m} ${r.file}: ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
        }
      }
    }
  });

  it("cookie-authenticated mutations must carry our Origin (no Origin or another one → 403); bearer requests need none", async () => {
    for (const [r, m] of each(guarded()).filter(([r, m]) => isMutation(r, m))) {
      for (const origin of [undefined, "https://evil.example", "null", "http://localhost.evil.example"]) {
        const res = await call(r, m, { cookie: users.admin.cookie, ...(origin ? { origin } : {}) });
        expect(res.status, `${m} ${r.file} origin=${origin}`).toBe(403);
      }
      const same = await call(r, m, { cookie: users.admin.cookie, origin: "http://localhost" });
      expect([401, 403], `${m} ${r.file}`).not.toContain(same.status);
      const bearer = await call(r, m, { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}` });
      expect([401, 403], `${m} ${r.file}`).not.toContain(bearer.status);
    }
  });

  it("a role change or a disabled account applies to an existing session at once", async () => {
    const r = routes.find((x) => x.file === "app/api/marketing/campaigns/route.ts")!;
    const u = await e.db.user.create({ data: { email: "demoted@example.com", passwordHash: "unused", role: "admin" } });
    const cookie = await sessionCookie(SECRETS.AUTH_SECRET, { id: u.id, email: u.email, role: "admin" });
    await e.db.user.update({ where: { id: u.id }, data: { role: "viewer" } });
    expect((await call(r, "POST", { cookie, origin: "http://localhost" }, { body: JSON.stringify({ name: "x", template_name: "promo" }) })).status).toBe(403);
    await e.db.user.update({ where: { id: u.id }, data: { disabled: true } });
    expect((await call(r, "GET", { cookie })).status).toBe(401);
  });
});

describe("API tokens", () => {
  it("wac_ + 32 random bytes, only the SHA-256 stored, last use recorded, revocable", async () => {
    const now = new Date();
    const { token, apiToken } = await createApiToken({ db: e.db, name: "crm", role: "marketer", createdById: users.admin.id, now });
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").length).toBeGreaterThanOrEqual(32);
    const row = await e.db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(TOKEN_PREFIX.length + 6));
    expect(row.lastUsedAt).toBeNull();
    const list = routes.find((x) => x.file === "app/api/marketing/campaigns/route.ts")!;
    expect((await call(list, "GET", { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await e.db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } })).lastUsedAt).not.toBeNull();
    // a different token with the same prefix is not this token
    expect((await call(list, "GET", { authorization: `Bearer ${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}` })).status).toBe(401);
    await revokeApiToken({ db: e.db, now, actor: { kind: "user", id: users.admin.id, role: "admin", actor: `user:${users.admin.id}` }, tokenId: apiToken.id });
    expect((await call(list, "GET", { authorization: `Bearer ${token}` })).status).toBe(401);
    const audit = await e.db.auditLog.findMany({ where: { entityId: apiToken.id } });
    expect(audit.map((a) => a.action)).toContain("api_token.revoke");
  });
});

describe("a method a path does not serve", () => {
  const all = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
  const files = () => routes.filter((r) => r.file !== "app/api/[...path]/route.ts");
  const allowOf = (r: RouteFile) => {
    const served = all.filter((m) => r.handlers[m]);
    return [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  };

  it("is answered by the file itself (Next's own 405 is empty, and its OPTIONS would count these as served)", () => {
    for (const r of files()) {
      for (const m of all) expect(Boolean(r.handlers[m]) !== Boolean(r.notServed[m]), `${r.file} ${m}`).toBe(true);
      expect(r.notServed.OPTIONS, r.file).toBeDefined();
      if (!r.handlers.GET) expect(r.notServed.HEAD, r.file).toBeDefined();
    }
  });

  it("answers 405 METHOD_NOT_ALLOWED in JSON with Allow and a request id; OPTIONS 204 with Allow; signed out 401 like any path", async () => {
    const bearer = { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}` };
    for (const r of files()) {
      const open = isAuthRoute(r) || isWebhook(r);
      for (const m of Object.keys(r.notServed) as Array<keyof RouteFile["notServed"]>) {
        calls++;
        const res = await callRoute(r, { method: m, headers: bearer, body: m === "GET" || m === "HEAD" || m === "OPTIONS" ? undefined : "{}" });
        const what = `${m} ${r.file}`;
        expect(res.headers.get("allow"), what).toBe(allowOf(r));
        expect(res.headers.get("x-request-id"), what).toBeTruthy();
        if (m === "OPTIONS") {
          expect(res.status, what).toBe(204);
          continue;
        }
        expect(res.status, what).toBe(405);
        if (m !== "HEAD") expect((res.json as { error: { code: string } }).error.code, what).toBe("METHOD_NOT_ALLOWED");
        if (open) continue;
        calls++;
        const signedOut = await callRoute(r, { method: m });
        expect(signedOut.status, `${what} signed out`).toBe(401);
      }
    }
  });
});

/**
 * Secrets never appear in logs, errors or pages; error responses carry no stack or SQL.
 * Every route is made to fail unexpectedly with an error whose message quotes every secret, the
 * connection string and SQL (what a driver or HTTP error can do): the answer is a generic JSON 500
 * (503 for the webhook, so Meta retries) and nothing captured from the console contains a secret.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", async (importOriginal) => (await import("../support/routes")).sessionAwareNextAuth(importOriginal));

import { SECRETS } from "../support/secrets-env";
import { setupEngineTest, type EngineTest } from "../engine/support";
import { callRoute, isErrorBody, loadRoutes, logFigures, type Method, type RouteFile } from "../support/routes";
import { signatureHeader } from "@/lib/whatsapp/webhook/signature";
import { actionError } from "@/app/(dashboard)/_lib/action-state";

let e: EngineTest;
let routes: RouteFile[];
const captured: string[] = [];
const g = globalThis as unknown as { __db?: unknown };
let injected = 0;

const secretValues = () => [...Object.values(SECRETS), process.env.DATABASE_URL!, new URL(process.env.DATABASE_URL!).password + "@"];
const poisonMessage = () =>
  `connect ECONNREFUSED ${process.env.DATABASE_URL} — SELECT * FROM api_tokens WHERE token_hash = '${SECRETS.MARKETING_API_TOKEN}' ` +
  `Authorization: Bearer ${SECRETS.WHATSAPP_ACCESS_TOKEN} auth=${SECRETS.AUTH_SECRET} cron=${SECRETS.CRON_SECRET} app=${SECRETS.WHATSAPP_APP_SECRET} verify=${SECRETS.WHATSAPP_VERIFY_TOKEN}`;

/** A database whose every call fails with the poisoned message. */
function poisonedDb(): unknown {
  const fail = () => {
    injected++;
    throw new Error(poisonMessage());
  };
  const handler: ProxyHandler<object> = { get: (_t, prop) => (prop === "then" ? undefined : new Proxy(fail, handler)), apply: fail };
  return new Proxy(fail, handler);
}

beforeAll(async () => {
  e = await setupEngineTest();
  routes = (await loadRoutes()).filter((r) => !r.file.startsWith("app/api/auth/"));
  for (const level of ["error", "warn", "info", "log", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  logFigures("secrets", { failuresInjected: injected, logLines: captured.length });
  await e?.stop();
});

describe("secrets never leak", () => {
  it("an unexpected failure on every route answers a generic JSON error without stack, SQL or secrets, and logs no secret", async () => {
    const real = g.__db;
    g.__db = poisonedDb();
    try {
      for (const r of routes) {
        for (const m of Object.keys(r.handlers) as Method[]) {
          const isWebhook = r.file.includes("whatsapp/webhook");
          const body = isWebhook
            ? JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "1" }, statuses: [{ id: "wamid.A", status: "delivered", timestamp: "1700000000", recipient_id: "15550000001" }] } }] }] })
            : JSON.stringify({ name: "x", template_name: "promo", phone_numbers: ["15550000001"], customers: [{ phone: "15550000001" }] });
          const headers: Record<string, string> = isWebhook
            ? { "x-hub-signature-256": signatureHeader(body, SECRETS.WHATSAPP_APP_SECRET) }
            : { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}`, "content-type": "application/json" };
          const res = await callRoute(r, { method: m, headers, body: m === "GET" ? undefined : body, query: isWebhook && m === "GET" ? `hub.mode=subscribe&hub.verify_token=${SECRETS.WHATSAPP_VERIFY_TOKEN}&hub.challenge=ok` : undefined });
          const label = `${m} ${r.file}: ${res.status} ${res.text.slice(0, 200)}`;
          if (res.status >= 400) {
            expect(isErrorBody(res.json), label).toBe(true);
            expect([500, 503, 404, 422], label).toContain(res.status);
          }
          for (const s of secretValues()) expect(res.text, label).not.toContain(s);
          expect(res.text, label).not.toMatch(/SELECT|ECONNREFUSED|\bat .+:\d+:\d+/);
        }
      }
    } finally {
      g.__db = real;
    }
    expect(injected).toBeGreaterThan(10);
    const logs = captured.join("\n");
    expect(logs).toContain("unexpected error");
    for (const s of secretValues()) expect(logs, `a log contains ${s}`).not.toContain(s);
  });

  it("a server action's unexpected error is a generic message and a redacted log line", () => {
    const state = actionError(new Error(poisonMessage()));
    expect(state).toEqual({ ok: false, message: "Something went wrong on our side. Try again." });
    for (const s of secretValues()) expect(captured.join("\n")).not.toContain(s);
  });

  it("refusals never echo the credential that was refused", async () => {
    const list = routes.find((r) => r.file === "app/api/marketing/campaigns/route.ts")!;
    const res = await callRoute(list, { method: "GET", headers: { authorization: `Bearer ${SECRETS.CRON_SECRET}` } });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(SECRETS.CRON_SECRET);
    const wh = routes.find((r) => r.file.includes("whatsapp/webhook"))!;
    const bad = await callRoute(wh, { method: "POST", body: "{}", headers: { "x-hub-signature-256": "sha256=00" } });
    expect(bad.status).toBe(401);
    expect(bad.text).not.toContain(signatureHeader("{}", SECRETS.WHATSAPP_APP_SECRET).slice(7));
  });
});

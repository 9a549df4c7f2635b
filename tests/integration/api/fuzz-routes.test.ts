/**
 * Bad input: every route handler under app/api and the webhook, called in-process with
 * generated input (wrong types, missing and extra fields, huge arrays and strings, odd Unicode, numbers
 * as strings, SQL and HTML fragments, bodies over the size limit, bad path ids and query params).
 * Properties: never a 5xx; every error is JSON `{ error: { code, message } }`; a rejected request
 * (4xx) writes nothing (a row trigger counts every committed write); error bodies carry no stack or SQL.
 *
 * ≥ 10,000 cases by default; HARDENING_SCALE=10 runs ten times more.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", async (importOriginal) => (await import("../support/routes")).sessionAwareNextAuth(importOriginal));

import { SECRETS } from "../support/secrets-env";
import { seedCustomers, setupEngineTest, type EngineTest } from "../engine/support";
import { callRoute, isErrorBody, loadRoutes, logFigures, MISSING_ID, SCALE, sessionCookie, type Method, type RouteFile } from "../support/routes";
import { bodyText, nastyString, nastyValue, queryString } from "../support/hostile-input";
import { installWriteCounter, writeCount } from "../support/write-counter";
import { signatureHeader } from "@/lib/whatsapp/webhook/signature";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createTemplatesApi } from "@/lib/whatsapp/templates/create-templates-api";

const ROUTE_RUNS = 5_000 * SCALE;
const WEBHOOK_RUNS = 5_000 * SCALE;
const LEAKS = [/\bat .+\.(ts|js):\d+/, /\bSELECT\b.+\bFROM\b/i, /\bINSERT INTO\b/i, /prisma/i, /postgres(ql)?:\/\//i, ...Object.values(SECRETS).map((s) => new RegExp(s))];

let e: EngineTest;
let routes: RouteFile[];
let ids: string[] = [];
let adminCookie = "";
const figures = { cases: 0, fiveXx: 0, rejected: 0, accepted: 0, partialWrites: 0, nonJsonErrors: 0 };
const byStatus = new Map<number, number>();

beforeAll(async () => {
  e = await setupEngineTest();
  // the template library configured (Meta's API = the fake Graph API), as in production
  (globalThis as unknown as { __templatesApi?: unknown }).__templatesApi = createTemplatesApi({
    apiUrl: e.graph.url, apiVersion: "v23.0", accessToken: "fake-access-token", businessAccountId: "waba-1", timeoutMs: 2000,
  });
  e.graph.setTemplates([{ name: "promo", language: "en_US", status: "APPROVED", category: "MARKETING", id: "1", components: [{ type: "BODY", text: "Hello {{1}}" }] }]);
  routes = (await loadRoutes()).filter((r) => !r.file.startsWith("app/api/auth/"));
  await seedCustomers(e.db, 50, { base: 15559000000, tier: "gold", city: "Paris", tags: ["vip"] });
  const now = new Date();
  for (const name of ["draft", "active", "paused"]) {
    const c = await createCampaign({ db: e.db, now, input: { name, template_name: "promo" } });
    if (name !== "draft") {
      await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: ["15559000001", "15559000002"] });
      await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id });
    }
    ids.push(c.id);
  }
  ids = [...ids, MISSING_ID];
  const admin = await e.db.user.create({ data: { email: "fuzz-admin@example.com", passwordHash: "x", role: "admin" } });
  adminCookie = await sessionCookie(SECRETS.AUTH_SECRET, { id: admin.id, email: admin.email, role: "admin" });
  await installWriteCounter(e.db);
});
afterAll(async () => {
  logFigures("fuzz", { ...figures, ...Object.fromEntries([...byStatus].map(([s, n]) => [`status${s}`, n])) });
  await e?.stop();
});

function checkResponse(label: string, res: { status: number; text: string; json: unknown }) {
  figures.cases++;
  byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
  if (res.status >= 500) figures.fiveXx++;
  expect(res.status, `${label} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    if (!isErrorBody(res.json)) figures.nonJsonErrors++;
    expect(isErrorBody(res.json), `${label} → ${res.text.slice(0, 300)}`).toBe(true);
    // one assertion for all the patterns (an expect per pattern and case was 0.5 s of the file's CPU)
    const leak = LEAKS.find((l) => l.test(res.text));
    expect(leak, `${label} leaks ${leak}: ${res.text.slice(0, 300)}`).toBeUndefined();
  }
}

const pathId = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...[0, 1, 2, 3].map((i) => i)) .map((i) => ({ real: i })) }, { weight: 2, arbitrary: nastyString.map((s) => ({ raw: s })) });

describe("fuzzing every route handler", () => {
  it(`${ROUTE_RUNS} generated requests: never a 5xx, errors are JSON with a code, rejected requests write nothing`, async () => {
    const targets = routes.filter((r) => !r.file.includes("/whatsapp/webhook")).flatMap((r) => (Object.keys(r.handlers) as Method[]).map((m) => ({ r, m })));
    // oversized bodies, once per mutation route: above the largest route limit (customers: 8 MB)
    const huge = "[" + '"1",'.repeat(2_300_000) + '"1"]';
    for (const { r, m } of targets.filter((t) => t.m !== "GET")) {
      const before = await writeCount(e.db);
      const res = await callRoute(r, { method: m, params: Object.fromEntries(r.params.map((p) => [p, MISSING_ID])), headers: { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}`, "content-type": "application/json" }, body: huge });
      checkResponse(`${m} ${r.file} (9 MB body)`, res);
      // routes that read a body answer 413 (or 404: the unknown id is checked first); others never read it
      if (r.file.endsWith("/campaigns/route.ts") || r.file.endsWith("/customers/route.ts")) expect(res.status, `${m} ${r.file} 9 MB`).toBe(413);
      if (res.status >= 400) expect(await writeCount(e.db)).toBe(before);
    }
    await fc.assert(
      fc.asyncProperty(fc.nat(targets.length - 1), pathId, queryString, bodyText, fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"),
        fc.constantFrom("bearer", "bearer", "bearer", "session"),
        async (ti, pid, query, body, contentType, authMode) => {
          const { r, m } = targets[ti];
          const id = "real" in pid ? ids[pid.real] : pid.raw;
          const before = await writeCount(e.db);
          const res = await callRoute(r, {
            method: m, params: Object.fromEntries(r.params.map((p) => [p, id])), query,
            headers: authMode === "bearer"
              ? { authorization: `Bearer ${SECRETS.MARKETING_API_TOKEN}`, "content-type": contentType }
              : { cookie: adminCookie, origin: "http://localhost", "content-type": contentType }, // a signed-in admin in the browser
            body: m === "GET" ? undefined : body,
          });
          const label = `${m} ${r.file} (${authMode}) id=${JSON.stringify(id).slice(0, 80)} ?${query.slice(0, 200)} body=${(body ?? "").slice(0, 300)}`;
          checkResponse(label, res);
          if (res.status >= 400) {
            figures.rejected++;
            const after = await writeCount(e.db);
            if (after !== before) figures.partialWrites++;
            expect(after, `${label}: a rejected request wrote ${after - before} rows`).toBe(before);
          } else figures.accepted++;
        }),
      { numRuns: ROUTE_RUNS, seed: process.env.HARDENING_SEED ? Number(process.env.HARDENING_SEED) : undefined, endOnFailure: true },
    );
  }, 300_000 * SCALE);
});

const webhookBody = fc.oneof(
  { weight: 4, arbitrary: nastyValue.map((v) => JSON.stringify(v)) },
  {
    weight: 6,
    arbitrary: fc.record({
      object: fc.oneof(fc.constant("whatsapp_business_account"), nastyString),
      entry: fc.oneof(nastyValue, fc.array(fc.record({
        id: fc.oneof(fc.constant("123"), nastyString),
        changes: fc.oneof(nastyValue, fc.array(fc.record({
          field: fc.oneof(fc.constantFrom("messages", "message_template_status_update", "message_template_quality_update", "user_preferences", "account_update"), nastyString),
          value: fc.oneof(nastyValue, fc.record({
            messaging_product: fc.oneof(fc.constant("whatsapp"), nastyString),
            metadata: fc.oneof(nastyValue, fc.constant({ display_phone_number: "15550000000", phone_number_id: "1098765432" })),
            statuses: fc.oneof(nastyValue, fc.array(fc.record({
              id: fc.oneof(fc.constant("wamid.X"), nastyString), status: fc.oneof(fc.constantFrom("sent", "delivered", "read", "failed", "deleted"), nastyString),
              timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }).map(String), nastyString, nastyNumber()), recipient_id: fc.oneof(fc.constant("15559000001"), nastyString),
              biz_opaque_callback_data: fc.oneof(fc.constant(MISSING_ID), nastyString), errors: nastyValue,
            }, { requiredKeys: [] }), { maxLength: 5 })),
            messages: fc.oneof(nastyValue, fc.array(fc.record({
              from: fc.oneof(fc.constant("15559000003"), nastyString), id: nastyString, timestamp: nastyString, type: fc.constantFrom("text", "button", "interactive", "image", "x"),
              text: fc.oneof(fc.record({ body: fc.oneof(fc.constantFrom("STOP", "start", " Stop Promotions "), nastyString) }), nastyValue),
              button: nastyValue,
            }, { requiredKeys: [] }), { maxLength: 3 })),
            user_preferences: nastyValue,
            event: nastyString, message_template_id: nastyValue, message_template_name: nastyString,
          }, { requiredKeys: [] })),
        }, { requiredKeys: [] }), { maxLength: 3 })),
      }, { requiredKeys: [] }), { maxLength: 3 })),
    }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 100 }) },
);
function nastyNumber() {
  return fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.constantFrom(-1, 0, 1e20));
}

describe("fuzzing the WhatsApp webhook", () => {
  it(`${WEBHOOK_RUNS} signed payloads of every shape: 200 or 400, never 5xx; a 400 writes nothing; unsigned → 401`, async () => {
    const wh = routes.find((r) => r.file === "app/api/whatsapp/webhook/route.ts")!;
    await fc.assert(
      fc.asyncProperty(webhookBody, fc.boolean(), async (body, sign) => {
        const before = await writeCount(e.db);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (sign) headers["x-hub-signature-256"] = signatureHeader(body, SECRETS.WHATSAPP_APP_SECRET);
        const res = await callRoute(wh, { method: "POST", headers, body });
        checkResponse(`webhook body=${body.slice(0, 300)}`, res);
        if (!sign) expect(res.status).toBe(401);
        else expect([200, 400], `${res.status} ${res.text.slice(0, 200)} for ${body.slice(0, 300)}`).toContain(res.status);
        if (res.status >= 400) {
          figures.rejected++;
          expect(await writeCount(e.db), `rejected webhook wrote: ${body.slice(0, 300)}`).toBe(before);
        } else figures.accepted++;
      }),
      { numRuns: WEBHOOK_RUNS, endOnFailure: true },
    );
    // and the query-string side of GET verification
    await fc.assert(fc.asyncProperty(queryString, async (query) => {
      const res = await callRoute(wh, { method: "GET", query });
      checkResponse(`webhook GET ?${query}`, res);
      expect(res.status).toBe(403);
    }), { numRuns: 200 * SCALE });
  }, 300_000 * SCALE);
});

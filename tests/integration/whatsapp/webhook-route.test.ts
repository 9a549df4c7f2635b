/**
 * The route handler /api/whatsapp/webhook with real NextRequests: verification, signatures on the raw
 * bytes, store then answer (the applier runs after the answer), malformed and huge bodies, and 5xx
 * only when events cannot be stored.
 */
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signatureHeader } from "@/lib/whatsapp/webhook/signature";
import { createTestDb, type TestDb } from "../../support/db";
import { createCampaignWithRecipients, statusesPayload } from "./fixtures";

// after() needs Next's request scope: here the work it schedules is collected and awaited by the test
const scheduled: Array<Promise<unknown>> = [];
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => { scheduled.push(Promise.resolve().then(task)); },
}));
const afterWork = async () => { await Promise.all(scheduled.splice(0)); };

const SECRET = "app-secret-for-tests";
let t: TestDb;
let route: typeof import("@/app/api/whatsapp/webhook/route");

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  process.env.WHATSAPP_APP_SECRET = SECRET;
  process.env.WHATSAPP_VERIFY_TOKEN = "verify-me";
  route = await import("@/app/api/whatsapp/webhook/route");
});
afterAll(async () => {
  await (globalThis as { __db?: { $disconnect(): Promise<void> } }).__db?.$disconnect();
  await t.drop();
});

const URL_ = "http://localhost/api/whatsapp/webhook";

function post(body: string, headers: Record<string, string> = {}) {
  return route.POST(new NextRequest(URL_, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }));
}
const signed = (body: string, extra: Record<string, string> = {}) => post(body, { "x-hub-signature-256": signatureHeader(body, SECRET), ...extra });

describe("GET verification", () => {
  it("answers the challenge as plain text for the right token, 403 otherwise", async () => {
    const ok = await route.GET(new NextRequest(`${URL_}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe("1158201444");
    for (const q of ["hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", "hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", ""]) {
      expect((await route.GET(new NextRequest(`${URL_}?${q}`))).status).toBe(403);
    }
  });
});

describe("POST", () => {
  it("applies a signed payload; refuses unsigned and wrongly signed ones with 401 before parsing", async () => {
    const { recipients } = await createCampaignWithRecipients(t.db, 1);
    // Meta signs its escaped-unicode text: the raw bytes are what counts
    const body = JSON.stringify(statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:04Z" }])).replace("messaging_product", "messaging\\u005fproduct");
    expect((await post(body)).status).toBe(401);
    expect((await post(body, { "x-hub-signature-256": "sha256=" + "0".repeat(64) })).status).toBe(401);
    expect((await post(body, { "x-hub-signature-256": signatureHeader(JSON.stringify(JSON.parse(body)), SECRET) })).status).toBe(401);
    expect((await post("not json", { "x-hub-signature-256": "sha256=abc" })).status).toBe(401);
    expect((await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).status).toBe("queued");
    const res = await signed(body);
    expect(res.status).toBe(200);
    // stored before the answer; applied after it
    expect(await res.json()).toMatchObject({ ok: true, events: 1, stored: 1, duplicates: 0 });
    expect(await t.db.webhookInboxEvent.count({ where: { whatsappMessageId: recipients[0].whatsappMessageId } })).toBe(1);
    await afterWork();
    expect((await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).status).toBe("delivered");
    // duplicated delivery: 200, nothing added
    const dup = await signed(body);
    expect(dup.status).toBe(200);
    expect(await dup.json()).toMatchObject({ stored: 0, duplicates: 1 });
    await afterWork();
  });

  it("a body that is not JSON → 400; parseable JSON of any shape → 200, what does not match is quarantined, never 500", async () => {
    for (const body of ["{", ""]) {
      const res = await signed(body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("INVALID_JSON");
    }
    for (const body of ["null", "[1,2]", '{"object":"whatsapp_business_account","entry":"x"}',
      '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"id":1}]}}]}]}']) {
      const res = await signed(body);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, quarantined: 1 });
    }
    // a Unix time past the year 9999 (found by the fuzzer: PostgreSQL cannot read its ISO form) is quarantined, not a 503
    const farFuture = await signed(JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", time: 255129519357, changes: [
      { field: "messages", value: { statuses: [{ id: "wamid.FAR", status: "read", timestamp: "255129519357" }] } }] }] }));
    expect(farFuture.status).toBe(200);
    expect(await farFuture.json()).toMatchObject({ ok: true, quarantined: 1 });
    await afterWork();
    expect(await t.db.webhookInboxEvent.count({ where: { state: "quarantined" } })).toBe(5);
    const other = await signed('{"object":"instagram","entry":[]}');
    expect(other.status).toBe(200);
    await afterWork();
  });

  it("one malformed change next to good ones: 200, the good ones applied, the bad one quarantined with the reason", async () => {
    const { recipients } = await createCampaignWithRecipients(t.db, 2);
    const good = statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:04Z" }]);
    const alsoGood = statusesPayload([{ id: recipients[1].whatsappMessageId!, status: "read", at: "2026-03-02T10:00:06Z" }]);
    // the middle change's status has a numeric id and no timestamp: it does not match Meta's schema
    const body = JSON.stringify({ ...good, entry: [...good.entry,
      { id: "102290129340398", changes: [{ field: "messages", value: { messaging_product: "whatsapp", statuses: [{ id: 5, status: "read" }] } }] },
      ...alsoGood.entry] });
    const quarantinedBefore = await t.db.webhookInboxEvent.count({ where: { state: "quarantined" } });
    const res = await signed(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, events: 3, stored: 3, quarantined: 1 });
    await afterWork();
    const rows = await t.db.campaignRecipient.findMany({ where: { id: { in: recipients.map((r) => r.id) } }, orderBy: { phoneNumber: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["delivered", "read"]);
    const q = await t.db.webhookInboxEvent.findMany({ where: { state: "quarantined" }, orderBy: { id: "desc" }, take: 1 });
    expect(await t.db.webhookInboxEvent.count({ where: { state: "quarantined" } })).toBe(quarantinedBefore + 1);
    expect(q[0].reason).toMatch(/statuses\.0\.(id|timestamp)/);
    // Meta's re-delivery of the same body: 200, nothing added
    const again = await signed(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ stored: 0, duplicates: 3 });
    await afterWork();
  });

  it("accepts bodies up to 3 MB and answers 413 beyond", async () => {
    const big = JSON.stringify({ object: "whatsapp_business_account", entry: [], padding: "x".repeat(3 * 1024 * 1024 - 100) });
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect((await signed(big)).status).toBe(200);
    await afterWork();
    const huge = big + " ".repeat(200);
    const res = await signed(huge);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers 503 when the events cannot be stored, and nothing is half-applied", async () => {
    const { recipients } = await createCampaignWithRecipients(t.db, 1);
    await t.db.$executeRawUnsafe(`ALTER TABLE webhook_inbox RENAME TO webhook_inbox_away`);
    try {
      const res = await signed(JSON.stringify(statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "read", at: "2026-03-02T10:00:04Z" }])));
      expect(res.status).toBe(503);
      expect((await res.json()).error.code).toBe("SERVICE_UNAVAILABLE");
      expect(scheduled).toHaveLength(0);
    } finally {
      await t.db.$executeRawUnsafe(`ALTER TABLE webhook_inbox_away RENAME TO webhook_inbox`);
    }
    expect((await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).status).toBe("queued");
  });
});

describe("conventions", () => {
  it("every answer carries X-Request-Id (the caller's own when sane) and refusals use the shared { error: { code, message } } shape", async () => {
    const id = (res: Response) => res.headers.get("x-request-id");
    const ok = await route.GET(new NextRequest(`${URL_}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42`));
    expect(id(ok)).toMatch(/^req_[0-9a-f]{32}$/);
    expect(await ok.text()).toBe("42");
    const refused = await route.GET(new NextRequest(`${URL_}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42`, { headers: { "x-request-id": "meta-check-0001" } }));
    expect(refused.status).toBe(403);
    expect(id(refused)).toBe("meta-check-0001");
    expect(await refused.json()).toEqual({ error: { code: "FORBIDDEN", message: "Verification failed." } });

    const unsigned = await post("{}", { "x-request-id": "bad id with spaces" });
    expect(unsigned.status).toBe(401);
    expect(id(unsigned)).toMatch(/^req_[0-9a-f]{32}$/);
    expect(await unsigned.json()).toEqual({ error: { code: "INVALID_SIGNATURE", message: "Missing or invalid X-Hub-Signature-256." } });
    const notJson = await signed("{", { "x-request-id": "meta-delivery-0002" });
    expect(notJson.status).toBe(400);
    expect(id(notJson)).toBe("meta-delivery-0002");
    expect(await notJson.json()).toEqual({ error: { code: "INVALID_JSON", message: "The request body is not valid JSON." } });
    const accepted = await signed('{"object":"whatsapp_business_account","entry":[]}', { "x-request-id": "meta-delivery-0003" });
    expect(accepted.status).toBe(200);
    expect(id(accepted)).toBe("meta-delivery-0003");
    await afterWork();
  });
});

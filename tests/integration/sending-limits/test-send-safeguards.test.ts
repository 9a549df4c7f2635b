/**
 * Test sends within the safeguards: refused while sending is on hold, never to an opted-out or erased
 * number, at most settings.test_send_limit_per_hour numbers per user in any hour (429
 * TEST_SEND_LIMIT_REACHED with Retry-After), and audited with who sent which template to how many numbers
 * (never the numbers themselves).
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { NextRequest } from "next/server";
import { call, cloudClient, engineSuite, TOKEN } from "../engine/support";
import * as testSendRoute from "@/app/api/marketing/campaigns/[campaignId]/test-send/route";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { phoneHash } from "@/lib/marketing/customers/opt-outs";
import { AppError } from "@/lib/marketing/errors";
import { updateSendingSettings } from "@/lib/marketing/sending/sending-settings";
import { sendTestMessages } from "@/lib/marketing/templates/send-test-messages";

const ann: Principal = { kind: "user", id: "00000000-0000-4000-8000-00000000a001", role: "marketer", actor: "user:ann", email: "ann@example.com" };
const bob: Principal = { kind: "user", id: "00000000-0000-4000-8000-00000000b001", role: "marketer", actor: "user:bob", email: "bob@example.com" };
const T0 = new Date("2026-02-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const numbers = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(14155560000 + from + i));

const { e } = await engineSuite({ noTemplateLibrary: true, reset: (e) => e.db.auditLog.deleteMany({ where: { action: "campaign.test_send" } }) });

async function campaign() {
  return e.db.marketingCampaign.create({ data: { name: `T ${Math.random()}`, templateName: "promo", languageCode: "en_US", status: "draft" } });
}
const send = (campaignId: string, principal: Principal, phones: string[], now: Date) =>
  sendTestMessages({ db: e.db, now, whatsapp: cloudClient(e.graph), api: null, campaignId, phoneNumbers: phones, principal });
const errorOf = (p: Promise<unknown>) => p.then(() => null, (x: unknown) => x as AppError);

describe("test sends", () => {
  it("at most 30 numbers an hour per user by default; the next ones wait until enough have aged out", async () => {
    const c = await campaign();
    for (let i = 0; i < 3; i++) expect((await send(c.id, ann, numbers(i * 10, 10), at(i * 10))).sent).toBe(10);
    const over = await errorOf(send(c.id, ann, numbers(100, 1), at(35)));
    expect(over).toMatchObject({ code: "TEST_SEND_LIMIT_REACHED", status: 429, details: { limit: 30, remaining: 0, retry_after_seconds: 25 * 60 } });
    expect(e.graph.sends).toHaveLength(30);
    // another user has their own hour
    expect((await send(c.id, bob, numbers(200, 5), at(35))).sent).toBe(5);
    // 60 minutes after the first batch, its 10 numbers are free again
    expect((await send(c.id, ann, numbers(300, 10), at(60))).sent).toBe(10);
    expect(await errorOf(send(c.id, ann, numbers(400, 1), at(61)))).toMatchObject({ code: "TEST_SEND_LIMIT_REACHED" });
  });

  it("the limit is a sending setting; parallel requests cannot overshoot it", async () => {
    await updateSendingSettings({ db: e.db, now: T0, input: { test_send_limit_per_hour: 4 } });
    try {
      const c = await campaign();
      const results = await Promise.all([0, 1, 2, 3].map((i) => send(c.id, ann, numbers(500 + i * 2, 2), at(0)).then((r) => r.sent, (x: AppError) => x.code)));
      expect(results.filter((r) => r === 2)).toHaveLength(2);
      expect(results.filter((r) => r === "TEST_SEND_LIMIT_REACHED")).toHaveLength(2);
      expect(e.graph.sends).toHaveLength(4);
    } finally {
      await updateSendingSettings({ db: e.db, now: T0, input: { test_send_limit_per_hour: 30 } });
    }
  });

  it("over the API: 429 with a clear code and Retry-After", async () => {
    await updateSendingSettings({ db: e.db, now: T0, input: { test_send_limit_per_hour: 1 } });
    try {
      const c = await campaign();
      expect((await call(testSendRoute.POST, { params: { campaignId: c.id }, body: { phone_numbers: numbers(600, 1) } })).status).toBe(200);
      const res = await testSendRoute.POST(new NextRequest(`http://localhost/api/marketing/campaigns/${c.id}/test-send`, {
        method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ phone_numbers: numbers(601, 1) }),
      }), { params: Promise.resolve({ campaignId: c.id }) });
      expect(res.status).toBe(429);
      const body = (await res.json()) as { error: { code: string; details: { limit: number; remaining: number; retry_after_seconds: number } } };
      expect(body.error).toMatchObject({ code: "TEST_SEND_LIMIT_REACHED", details: { limit: 1, remaining: 0 } });
      expect(body.error.details.retry_after_seconds).toBeGreaterThan(3500);
      expect(res.headers.get("retry-after")).toBe(String(body.error.details.retry_after_seconds));
    } finally {
      await updateSendingSettings({ db: e.db, now: T0, input: { test_send_limit_per_hour: 30 } });
    }
  });

  it("nothing is sent while sending is on hold", async () => {
    const c = await campaign();
    await e.db.setting.update({ where: { id: 1 }, data: { sendHold: true, sendHoldReason: "Quality rating FLAGGED", sendHoldSince: T0 } });
    try {
      const err = await errorOf(send(c.id, ann, numbers(700, 2), at(0)));
      expect(err).toMatchObject({ code: "SEND_HOLD", status: 409 });
      expect(err?.message).toContain("Quality rating FLAGGED");
      expect(e.graph.sends).toHaveLength(0);
    } finally {
      await e.db.setting.update({ where: { id: 1 }, data: { sendHold: false, sendHoldReason: null, sendHoldSince: null } });
    }
  });

  it("never to an opted-out or erased number, and those do not use up the limit", async () => {
    const c = await campaign();
    const [optedOut, erased, fine] = numbers(800, 3);
    await e.db.userProfile.create({ data: { whatsappPhone: optedOut, subscription: "unsubscribed", subscriptionSource: "whatsapp_keyword" } });
    await e.db.suppressedNumber.create({ data: { phoneHash: phoneHash(erased), reason: "erased" } });
    const r = await send(c.id, ann, [optedOut, erased, fine], at(0));
    expect(r.results.map((x) => [x.phone_number, x.status])).toEqual([[optedOut, "failed"], [erased, "failed"], [fine, "sent"]]);
    expect(e.graph.sends.map((s) => s.to)).toEqual([fine]);
    const entry = await e.db.auditLog.findFirstOrThrow({ where: { action: "campaign.test_send", entityId: c.id } });
    expect(entry.actor).toBe("user:ann");
    expect(entry.details).toEqual({ template_name: "promo", language_code: "en_US", numbers: 1, sent: 1, failed: 0, refused: 2 });
    expect(JSON.stringify(entry.details)).not.toMatch(/1415556/);
  });
});

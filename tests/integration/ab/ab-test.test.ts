/**
 * A/B tests through the routes: variants on create, the deterministic split when recipients are added,
 * each recipient sent their variant's exact message (as the fake Graph API received it), per-variant
 * stats, and "test, then send the winner" decided once under two concurrent processors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, cloudClient, setClock, setupEngineTest, seedCustomers, type EngineTest } from "../engine/support";
import * as campaigns from "@/app/api/marketing/campaigns/route";
import * as campaign from "@/app/api/marketing/campaigns/[campaignId]/route";
import * as recipients from "@/app/api/marketing/campaigns/[campaignId]/recipients/route";
import * as activate from "@/app/api/marketing/campaigns/[campaignId]/activate/route";
import * as stats from "@/app/api/marketing/campaigns/[campaignId]/stats/route";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { ZCampaignComponents } from "@/lib/whatsapp/components";
import { renderForRecipient } from "@/lib/whatsapp/render-components";
import type { EngineConfig } from "@/lib/marketing/engine-config";
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import { statusesPayload } from "../whatsapp/fixtures";
import { contractErrors } from "../api/contract";
import { recipientsCsv } from "@/lib/marketing/recipients/export-recipients";

let e: EngineTest;
let wa: WhatsAppClient;
beforeAll(async () => {
  e = await setupEngineTest({ poolMax: 20, templates: [
    { id: "8101", name: "promo_discount", language: "en_US", status: "APPROVED", category: "MARKETING", parameter_format: "POSITIONAL",
      components: [{ type: "BODY", text: "Hi {{1}}, take {{2}} off today. Reply STOP to opt out." }] },
    { id: "8102", name: "promo_shipping", language: "fr", status: "APPROVED", category: "MARKETING", parameter_format: "POSITIONAL",
      components: [{ type: "BODY", text: "Profitez de {{1}} aujourd'hui. Répondez STOP pour vous désabonner." }] },
  ] });
  // a loaded test machine must not turn slow answers into unknown outcomes: a long timeout, few in flight
  wa = cloudClient(e.graph, { timeoutMs: 15_000 });
});
afterAll(async () => e?.stop());
beforeEach(async () => {
  e.graph.reset();
  // each test processes its own campaigns only
  await e.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status IN ('active', 'paused')`;
});

const config: EngineConfig = { timezone: "UTC", messagingLimit: null, timeBudgetMs: 50_000, staleClaimMs: 10 * 60_000, concurrency: 8 };
const run = (iso: string) => runDailyProcessing({ db: e.db, now: new Date(iso), whatsapp: wa, config });

const A = {
  name: "Discount", template_name: "promo_discount", language_code: "en_US", share: 50,
  template_components: [{ type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }, { type: "text", text: "20%" }] }],
};
const B = {
  name: "Free shipping", template_name: "promo_shipping", language_code: "fr", share: 50,
  template_components: [{ type: "body", parameters: [{ type: "text", text: "free shipping" }] }],
};

let base = 13100000000;
const phones = (n: number) => {
  const list = Array.from({ length: n }, (_, i) => String(base + i + 1));
  base += 100_000;
  return list;
};

async function createAb(body: Record<string, unknown>) {
  const r = await call(campaigns.POST, { body: { name: "Spring A/B", daily_send_limit: 100_000, ...body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; template_name: string; variants: unknown[] };
}

const addPhones = (id: string, list: string[]) => call(recipients.POST, { params: { campaignId: id }, body: { phone_numbers: list } });

async function variantsByPhone(id: string): Promise<Map<string, number | null>> {
  const rows = await e.db.campaignRecipient.findMany({ where: { campaignId: id }, select: { phoneNumber: true, variant: true } });
  return new Map(rows.map((r) => [r.phoneNumber, r.variant]));
}

describe("variants on create and update", () => {
  beforeAll(() => setClock("2025-04-01T09:00:00Z"));

  it("stores 2–4 variants; the campaign's own template defaults to the first variant's", async () => {
    const c = await createAb({ variants: [A, B] });
    expect(c.template_name).toBe("promo_discount");
    expect(c.variants).toMatchObject([{ name: "Discount", share: 50, template_name: "promo_discount" }, { name: "Free shipping", language_code: "fr" }]);
    const got = await call(campaign.GET, { params: { campaignId: c.id } });
    expect(got.body.variants).toHaveLength(2);
    expect(got.body.ab_test).toBeNull();
  });

  it("refuses shares not summing to 100, one or five variants, duplicate names and ab_test without variants (422)", async () => {
    const bad = [
      { variants: [{ ...A, share: 60 }, B] },
      { variants: [A] },
      { variants: [A, B, A, B, A].map((v, i) => ({ ...v, name: `V${i}`, share: 20 })) },
      { variants: [A, { ...B, name: "discount" }] },
      { template_name: "promo", ab_test: { test_share: 20, decide_after_hours: 24, metric: "read_rate" } },
      { variants: [A, { ...B, template_name: "Not A Name" }] },
    ];
    for (const body of bad) {
      const r = await call(campaigns.POST, { body: { name: "Bad", ...body } });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.code).toBe("VALIDATION_FAILED");
    }
    const sum = await call(campaigns.POST, { body: { name: "Bad", variants: [{ ...A, share: 60 }, B] } });
    expect(JSON.stringify(sum.body.error.details)).toContain("sum to 100 (they sum to 110)");
  });

  it("accepts read, click and reply rates as the winner metric, nothing else", async () => {
    const r = await call(campaigns.POST, { body: { name: "Bad", variants: [A, B], ab_test: { test_share: 20, decide_after_hours: 24, metric: "open_rate" } } });
    expect(r.status).toBe(422);
    for (const metric of ["click_rate", "reply_rate"]) {
      const m = await createAb({ variants: [A, B], ab_test: { test_share: 20, decide_after_hours: 24, metric } });
      expect((await call(campaign.GET, { params: { campaignId: m.id } })).body.ab_test.metric).toBe(metric);
    }
    const ok = await createAb({ variants: [A, B], ab_test: { test_share: 20, decide_after_hours: 24, metric: "read_rate" } });
    expect((await call(campaign.GET, { params: { campaignId: ok.id } })).body.ab_test).toEqual({ test_share: 20, decide_after_hours: 24, metric: "read_rate" });
  });

  it("a campaign without variants is unchanged: its recipients have no variant and stats have variants: null", async () => {
    const r = await call(campaigns.POST, { body: { name: "Plain", template_name: "promo" } });
    await addPhones(r.body.id, phones(20));
    expect(new Set((await variantsByPhone(r.body.id)).values())).toEqual(new Set([null]));
    const s = await call(stats.GET, { params: { campaignId: r.body.id } });
    expect(s.body).toMatchObject({ variants: null, ab_test: null, total_target: 20 });
  });
});

describe("the split", () => {
  beforeAll(() => setClock("2025-04-01T09:00:00Z"));

  it("splits 10,000 recipients 50/50 within 2%, and re-adding them changes nothing", async () => {
    const c = await createAb({ variants: [A, B] });
    const list = phones(10_000);
    const added = await addPhones(c.id, list);
    expect(added.body).toMatchObject({ recipients_added: 10_000, total_recipients: 10_000 });
    const s = await call(stats.GET, { params: { campaignId: c.id } });
    const [a, b] = s.body.variants;
    expect(a.recipients + b.recipients).toBe(10_000);
    expect(Math.abs(a.recipients - 5_000)).toBeLessThanOrEqual(200);
    expect(a).toMatchObject({ name: "Discount", share: 50, sent: 0, delivered: 0, read: 0 });

    const before = await variantsByPhone(c.id);
    // the same numbers again (shuffled), plus 100 new ones
    const extra = phones(100);
    const again = await addPhones(c.id, [...extra, ...[...list].reverse()]);
    expect(again.body).toMatchObject({ recipients_added: 100, duplicates_skipped: 10_000, total_recipients: 10_100 });
    const after = await variantsByPhone(c.id);
    for (const p of list) expect(after.get(p)).toBe(before.get(p));
    for (const p of extra) expect([0, 1]).toContain(after.get(p));
  });

  it("splits by unequal shares (20/30/50) within 2% and gives the same number the same variant when the split is re-applied", async () => {
    const c = await createAb({ variants: [{ ...A, share: 20 }, { ...B, share: 30 }, { ...A, name: "Third", share: 50 }] });
    await addPhones(c.id, phones(10_000));
    const s = (await call(stats.GET, { params: { campaignId: c.id } })).body;
    const counts = s.variants.map((v: { recipients: number }) => v.recipients);
    [2_000, 3_000, 5_000].forEach((want, i) => expect(Math.abs(counts[i] - want)).toBeLessThanOrEqual(200));
    const before = await variantsByPhone(c.id);
    // a draft's new split re-assigns; the old split back gives every number its old variant
    expect((await call(campaign.PATCH, { params: { campaignId: c.id }, body: { variants: [{ ...A, share: 50 }, { ...B, share: 50 }] } })).status).toBe(200);
    const mid = await variantsByPhone(c.id);
    expect([...mid.values()].every((v) => v === 0 || v === 1)).toBe(true);
    expect((await call(campaign.PATCH, { params: { campaignId: c.id }, body: { variants: [{ ...A, share: 20 }, { ...B, share: 30 }, { ...A, name: "Third", share: 50 }] } })).status).toBe(200);
    expect(await variantsByPhone(c.id)).toEqual(before);
  });

  it("an active campaign's variants cannot change (409)", async () => {
    const c = await createAb({ variants: [A, B] });
    await addPhones(c.id, phones(3));
    expect((await call(activate.POST, { params: { campaignId: c.id }, query: { start_date: "2025-04-01" } })).status).toBe(200);
    const r = await call(campaign.PATCH, { params: { campaignId: c.id }, body: { variants: [{ ...A, share: 10 }, { ...B, share: 90 }] } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("INVALID_TRANSITION");
  });
});

describe("sending", () => {
  it("sends each recipient exactly their variant's template and values, and counts per variant", async () => {
    setClock("2025-04-02T09:00:00Z");
    const c = await createAb({ variants: [A, B] });
    const list = phones(60);
    await seedCustomers(e.db, 60, { base: Number(list[0]) - 1 });
    await addPhones(c.id, list);
    expect((await call(activate.POST, { params: { campaignId: c.id }, query: { start_date: "2025-04-02" } })).status).toBe(200);
    const r = await run("2025-04-02T10:00:00Z");
    expect(r.messages_sent).toBe(60);

    const variantOf = await variantsByPhone(c.id);
    const customers = new Map((await e.db.userProfile.findMany({ where: { whatsappPhone: { in: list } } })).map((u) => [u.whatsappPhone, u]));
    expect(e.graph.sends).toHaveLength(60);
    const seen = new Set<number>();
    for (const req of e.graph.sends) {
      const v = variantOf.get(req.to!);
      expect(v === 0 || v === 1).toBe(true);
      seen.add(v!);
      const def = v === 0 ? A : B;
      const u = customers.get(req.to!)!;
      const rendered = renderForRecipient(ZCampaignComponents.parse(def.template_components), { name: u.name, city: u.city, customer_tier: u.customerTier, phone_number: req.to! });
      expect(rendered.ok).toBe(true);
      const expected = rendered.ok ? rendered.components : [];
      expect(req.body).toMatchObject({
        messaging_product: "whatsapp", to: req.to, type: "template",
        template: { name: def.template_name, language: { code: def.language_code }, components: expected },
      });
    }
    expect(seen).toEqual(new Set([0, 1]));
    // the first variant's body names the customer ("Customer 7" → "Customer", the first name)
    const someA = e.graph.sends.find((s) => variantOf.get(s.to!) === 0)!;
    expect(JSON.stringify(someA.body)).toContain('"text":"Customer"');

    const messages = await e.db.whatsappMessage.findMany({ where: { campaignId: c.id }, select: { phoneNumber: true, templateName: true, languageCode: true } });
    for (const m of messages) expect([m.templateName, m.languageCode]).toEqual(variantOf.get(m.phoneNumber!) === 0 ? ["promo_discount", "en_US"] : ["promo_shipping", "fr"]);

    const s = (await call(stats.GET, { params: { campaignId: c.id } })).body;
    const nA = [...variantOf.values()].filter((v) => v === 0).length;
    expect(s.variants).toMatchObject([
      { name: "Discount", recipients: nA, sent: nA, delivered: 0, read: 0, failed: 0 },
      { name: "Free shipping", recipients: 60 - nA, sent: 60 - nA },
    ]);
    expect(s.sent).toBe(60);
    expect(contractErrors("get", "/api/marketing/campaigns/{campaignId}/stats", 200, s)).toEqual([]);

    // the CSV export names each recipient's variant
    let csv = "";
    for await (const chunk of recipientsCsv({ db: e.db, campaignId: c.id })) csv += chunk;
    const [header, ...rows] = csv.trim().split("\n");
    expect(header.split(",").at(-1)).toBe("variant");
    expect(rows).toHaveLength(60);
    for (const row of rows) {
      const phone = row.split(",")[0];
      expect(row.split(",").at(-1)).toBe(variantOf.get(phone) === 0 ? "Discount" : "Free shipping");
    }
  });
});

describe("test, then send the winner", () => {
  it("sends only the test share, then after decide_after_hours gives everyone else the better variant, once, under two concurrent processors", async () => {
    setClock("2025-05-01T08:00:00Z");
    const c = await createAb({ variants: [A, B], ab_test: { test_share: 20, decide_after_hours: 24, metric: "read_rate" } });
    const list = phones(1_000);
    await addPhones(c.id, list);
    expect((await call(activate.POST, { params: { campaignId: c.id }, query: { start_date: "2025-05-01" } })).status).toBe(200);
    const assigned = await variantsByPhone(c.id);
    const test = list.filter((p) => assigned.get(p) !== null);
    expect(Math.abs(test.length - 200)).toBeLessThanOrEqual(50);

    // day 1: only the test share goes out, split by variant
    const day1 = await run("2025-05-01T09:00:00Z");
    expect(day1.messages_sent).toBe(test.length);
    expect(new Set(e.graph.sends.map((s) => s.to))).toEqual(new Set(test));
    let s = (await call(stats.GET, { params: { campaignId: c.id } })).body;
    expect(s.ab_test).toMatchObject({ test_share: 20, metric: "read_rate", held_back: 1_000 - test.length, decision: null });

    // every B message is read, one in five A messages
    const sentRows = await e.db.campaignRecipient.findMany({ where: { campaignId: c.id, whatsappMessageId: { not: null } } });
    const reads = sentRows.filter((r) => r.variant === 1 || Number(r.phoneNumber) % 5 === 0);
    const read = await handleWebhookPayload({
      db: e.db, now: new Date("2025-05-01T12:00:00Z"), log: { warn: () => {} },
      payload: statusesPayload(reads.map((r) => ({ id: r.whatsappMessageId!, status: "read", at: "2025-05-01T11:00:00Z", recipient_id: r.phoneNumber, biz: r.id }))),
    });
    expect(read.quarantined).toBe(0);

    // before decide_after_hours: no decision, nothing more sent
    const early = await run("2025-05-02T08:30:00Z");
    expect(early.messages_sent).toBe(0);
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } })).abDecision).toBeNull();

    // after it: two processors at once
    e.graph.reset();
    const [r1, r2] = await Promise.all([run("2025-05-02T09:30:00Z"), run("2025-05-02T09:30:00Z")]);
    expect(r1.messages_sent + r2.messages_sent).toBe(1_000 - test.length);
    const perPhone = new Map<string, number>();
    for (const req of e.graph.sends) perPhone.set(req.to!, (perPhone.get(req.to!) ?? 0) + 1);
    expect(perPhone.size).toBe(1_000 - test.length);
    expect([...perPhone.values()].every((n) => n === 1)).toBe(true);
    for (const req of e.graph.sends) {
      expect(test).not.toContain(req.to);
      expect(req.body).toMatchObject({ template: { name: "promo_shipping", language: { code: "fr" } } });
    }
    const decisions = await e.db.auditLog.count({ where: { entityId: c.id, action: "campaign.ab_winner" } });
    expect(decisions).toBe(1);

    s = (await call(stats.GET, { params: { campaignId: c.id } })).body;
    const nA = test.filter((p) => assigned.get(p) === 0).length;
    const readA = test.filter((p) => assigned.get(p) === 0 && Number(p) % 5 === 0).length;
    expect(s.ab_test.held_back).toBe(0);
    expect(s.ab_test.decision).toMatchObject({
      winner: 1, winner_name: "Free shipping", metric: "read_rate", within_noise: false, assigned: 1_000 - test.length,
      variants: [{ name: "Discount", count: readA, of: nA }, { name: "Free shipping", count: test.length - nA, of: test.length - nA, rate: 100 }],
    });
    expect(s.ab_test.decision.note).toContain("beyond chance");
    expect(contractErrors("get", "/api/marketing/campaigns/{campaignId}/stats", 200, s)).toEqual([]);
    const created = await call(campaign.GET, { params: { campaignId: c.id } });
    expect(contractErrors("get", "/api/marketing/campaigns/{campaignId}", 200, created.body)).toEqual([]);
    expect(created.body.ab_decision).toMatchObject({ winner: 1 });
    expect(s.variants[1]).toMatchObject({ recipients: 1_000 - nA, sent: 1_000 - nA });
    expect(s.variants[0]).toMatchObject({ recipients: nA, sent: nA, read: readA });
  });

  it("records the decision as within noise when the test cannot tell the variants apart", async () => {
    setClock("2025-06-01T08:00:00Z");
    const c = await createAb({ variants: [A, B], ab_test: { test_share: 50, decide_after_hours: 1, metric: "read_rate" } });
    await addPhones(c.id, phones(40));
    expect((await call(activate.POST, { params: { campaignId: c.id }, query: { start_date: "2025-06-01" } })).status).toBe(200);
    await run("2025-06-01T09:00:00Z");
    await run("2025-06-01T10:30:00Z");
    const d = (await call(stats.GET, { params: { campaignId: c.id } })).body.ab_test.decision;
    // nothing was read: equal rates, the first variant is kept and the note says it is noise
    expect(d).toMatchObject({ winner: 0, within_noise: true, z: 0 });
    expect(d.note).toContain("does not show it is better");
    const pending = await e.db.campaignRecipient.count({ where: { campaignId: c.id, variant: null } });
    expect(pending).toBe(0);
  });
});

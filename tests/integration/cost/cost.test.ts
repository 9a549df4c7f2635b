/**
 * What a campaign costs (lib/marketing/cost) against a real database and the fake Graph API:
 *  - the shipped rate card is Meta's file, loaded by the migration; a bad row of an uploaded card is refused
 *    with its line number and nothing is stored;
 *  - an estimate of a mixed-market audience equals the card (markets from libphonenumber-js), and numbers
 *    the card does not cover are counted, not priced at 0;
 *  - pricing webhooks (Meta's PMP shapes) set each message's cost once: regular at the rate in force on the
 *    day sent, free types and non-billable 0, duplicates and later statuses counted once; the per-campaign,
 *    per-day spend equals a recount of the messages;
 *  - a budget stops claiming at the right message with 4 processors at once, pauses the campaign
 *    (paused_by "budget", reason, alert), and resuming needs a higher budget or a confirmation.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { seedCustomers, engineSuite } from "../engine/support";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { resumeCampaign } from "@/lib/marketing/campaigns/resume-campaign";
import { updateCampaign } from "@/lib/marketing/campaigns/update-campaign";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { storeWebhookDelivery } from "@/lib/marketing/delivery/store-webhook-delivery";
import { compactDailyCosts } from "@/lib/marketing/cost/apply-message-costs";
import { marketOfCountry } from "@/lib/marketing/cost/market";
import { cardInForce, importRateCard, loadRateCards, parseRateCardCsv } from "@/lib/marketing/cost/rate-card";
import { campaignPricing } from "@/lib/marketing/cost/pricing-context";
import { Prisma } from "@/lib/marketing/db";
import type { EngineConfig } from "@/lib/marketing/engine-config";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { pgPoolOf } from "@/lib/db";
import { getCampaignStats } from "@/lib/marketing/stats/get-campaign-stats";
import { envelope, ts } from "../whatsapp/fixtures";

const SHIPPED = path.join(process.cwd(), "prisma/data/meta-rate-card-2025-07-01-usd.csv");
const card = (() => {
  const p = parseRateCardCsv(fs.readFileSync(SHIPPED, "utf8"));
  if (!p.ok) throw new Error("the shipped rate card does not parse");
  return new Map(p.rows.map((r) => [r.market, r]));
})();
const rate = (market: string, category: "marketing" | "utility" | "authentication") => Number(card.get(market)![category]);

const TZ = "UTC";
const { e, wa } = await engineSuite({
  poolMax: 20,
  reset: (e) => e.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status IN ('active', 'paused')`,
});

const config = (over: Partial<EngineConfig> = {}): EngineConfig => ({ timezone: TZ, messagingLimit: null, timeBudgetMs: 50_000, staleClaimMs: 10 * 60_000, ...over });
const quiet = { warn: () => {} };
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);

describe("rate card", () => {
  it("the migration loads the shipped file (Meta's card, USD, effective 2025-07-01) exactly", async () => {
    const cards = await loadRateCards(e.db);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ currency: "USD", effectiveFrom: "2025-07-01" });
    for (const [market, row] of card) {
      expect(cards[0].rates.get(`${market}|marketing`)).toBe(Number(row.marketing).toFixed(6));
      expect(cards[0].rates.get(`${market}|utility`)).toBe(Number(row.utility).toFixed(6));
      expect(cards[0].rates.get(`${market}|authentication`)).toBe(Number(row.authentication).toFixed(6));
    }
  });

  it("a bad row is refused with its line number, and nothing of the card is stored", async () => {
    const before = await e.db.rateCard.count();
    const csv = [
      "Market,Currency,Marketing,Utility,Authentication",
      "India,USD,0.0118,0.0014,0.0014",
      "Brazil,USD,-0.06,0.0068,0.0068",
      "Brazil,USD,0.0625,0.0068",
      "Other,USD,0.0604,0.0077,0.0077",
    ].join("\n");
    const now = new Date("2026-03-01T10:00:00Z");
    const err = await importRateCard({ db: e.db, now, input: { csv, effective_from: "2026-01-01" } }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("Line 3 (marketing)") });
    const details = (err as { details: Array<{ row: number; path: string }> }).details;
    expect(details.map((d) => d.row)).toEqual([3, 4]);
    expect(details[0].path).toBe("row 3.marketing");
    expect(await e.db.rateCard.count()).toBe(before);
    expect(await e.db.rateCardRate.count({ where: { market: "India", rate: new Prisma.Decimal("0.0118") } })).toBe(0);
    // unknown columns and a missing "Other" are refused too
    expect(parseRateCardCsv("Market,Currency,Marketing,Utility,Authentication,Price\nIndia,USD,1,1,1,1")).toMatchObject({ ok: false, errors: [{ row: 1, field: "price" }] });
    expect(parseRateCardCsv("Market,Currency,Marketing,Utility,Authentication\nIndia,USD,1,1,1")).toMatchObject({ ok: false, errors: [{ row: 2, message: expect.stringContaining("Other") }] });    // a value that is no number is told so once, not also that it is too large; details name the column
    expect(parseRateCardCsv("Market,Currency,Marketing,Utility,Authentication\nIndia,USD,abc,1,1\nOther,USD,1,1,1")).toEqual({
      ok: false, errors: [{ row: 2, field: "marketing", message: "must be a non-negative number with at most 6 decimals (e.g. 0.0625)" }],
    });
    expect(details[0]).toMatchObject({ row: 3, field: "marketing" });
  });

  it("a card that leaves out markets numbers map to says which: their messages are not covered, not priced at Other", async () => {
    const csv = ["Market,Currency,Marketing,Utility,Authentication", "India,USD,0.0118,0.0014,0.0014", "United States,USD,0.025,0.004,0.004", "Other,USD,0.0604,0.0077,0.0077"].join("\n");
    const card = await importRateCard({ db: e.db, now: new Date("2026-03-01T10:00:00Z"), input: { csv, effective_from: "2099-01-01", source: "partial card" } });
    expect(card.unknown_markets).toEqual(["United States"]);
    expect(card.missing_markets).toContain("North America");
    expect(card.missing_markets).not.toContain("India");
    expect(card.missing_markets).not.toContain("Other");
    await e.db.rateCard.delete({ where: { id: card.id } });
  });
});

describe("estimate", () => {
  it("a mixed-market audience costs what the card says, per market; numbers the card does not cover are counted", async () => {
    const now = new Date("2026-03-01T10:00:00Z");
    const c = await createCampaign({ db: e.db, now, input: { name: "Mixed", template_name: "promo" } });
    const audience: Array<[string, string]> = [
      ["919876543210", "IN"], ["919876543211", "IN"], ["919876543212", "IN"],
      ["447700900123", "GB"], ["447700900124", "GB"],
      ["12025550123", "US"], ["14165550123", "CA"],
      ["17875550123", "PR"],
      ["4915112345678", "DE"],
      ["41791234567", "CH"],
    ];
    const added = await addRecipients({ db: e.db, now, timezone: TZ, campaignId: c.id, phoneNumbers: audience.map(([p]) => p) });
    expect(added.recipients_added).toBe(audience.length);
    // a number without a country (stored before validation existed, or erased): not priced, counted
    await e.db.$executeRaw`INSERT INTO campaign_recipients (id, campaign_id, phone_number, status, updated_at) VALUES (gen_random_uuid(), ${c.id}::uuid, 'erased:abc', 'pending', now())`;
    const expected = audience.reduce((s, [, country]) => s + rate(marketOfCountry(country), "marketing"), 0);
    expect(marketOfCountry("PR")).toBe("Rest of Latin America");
    expect(marketOfCountry("CH")).toBe("Rest of Western Europe");

    const activated = await activateCampaign({ db: e.db, now, timezone: TZ, campaignId: c.id, startDate: "2026-03-02" });
    close(activated.estimated_cost, expected);
    expect(activated).toMatchObject({ cost_currency: "USD", cost_uncovered_recipients: 1 });

    const stats = await getCampaignStats({ db: e.db, campaignId: c.id, now });
    close(stats.cost.estimated, expected);
    expect(stats.cost).toMatchObject({ currency: "USD", actual: 0, per_delivered: null, budget: null, remaining: null, uncovered: 1 });
    const india = stats.cost.markets.find((m) => m.market === "India")!;
    expect(india).toMatchObject({ recipients: 3, rate: rate("India", "marketing") });
    close(india.cost!, 3 * rate("India", "marketing"));
    expect(stats.cost.markets.find((m) => m.market === "North America")).toMatchObject({ recipients: 2 });
    expect(stats.cost.markets.find((m) => m.market === "unknown")).toMatchObject({ recipients: 1, rate: null, cost: null });
  });
});

describe("actual spend from pricing webhooks", () => {
  let wamidSeq = 0;
  async function sentMessages(phones: string[], sentAt: string) {
    const now = new Date(sentAt);
    const c = await createCampaign({ db: e.db, now, input: { name: `Spend ${wamidSeq}`, template_name: "promo" } });
    const day = sentAt.slice(0, 10);
    const ids: string[] = [];
    for (const phone of phones) {
      const wamid = `wamid.COST${++wamidSeq}`;
      const [r] = await e.db.$queryRaw<Array<{ id: string }>>`
        INSERT INTO campaign_recipients (id, campaign_id, phone_number, status, scheduled_send_date, sent_on, whatsapp_message_id, sent_at, updated_at)
        VALUES (gen_random_uuid(), ${c.id}::uuid, ${phone}, 'queued', ${day}::date, ${day}::date, ${wamid}, ${now}, now()) RETURNING id::text`;
      await e.db.whatsappMessage.create({ data: { direction: "outbound", campaignId: c.id, recipientId: r.id, phoneNumber: phone, whatsappMessageId: wamid, status: "queued", sentAt: now } });
      ids.push(wamid);
    }
    return { campaignId: c.id, wamids: ids };
  }
  // Meta's status webhook under per-message pricing (PMP): pricing on sent / delivered / read
  const statusWith = (wamid: string, status: string, at: string, pricing: Record<string, unknown>, phone: string) => ({
    id: wamid, status, timestamp: ts(at), recipient_id: phone, pricing: { pricing_model: "PMP", ...pricing },
  });
  const deliver = (statuses: Array<Record<string, unknown>>, at: string) =>
    handleWebhookPayload({ db: e.db, now: new Date(at), payload: envelope([{ field: "messages", value: { statuses } }]), log: quiet });
  const recount = async (campaignId: string) => {
    const rows = await e.db.$queryRaw<Array<{ day: Date; messages: string | null; daily: string | null }>>`
      WITH m AS (
        SELECT r.sent_on AS day, sum(w.cost_amount) AS cost FROM whatsapp_messages w JOIN campaign_recipients r ON r.id = w.recipient_id
        WHERE w.campaign_id = ${campaignId}::uuid AND w.cost_set_at IS NOT NULL GROUP BY 1)
      SELECT coalesce(m.day, d.date) AS day, m.cost::text AS messages, d.cost::text AS daily
      FROM m FULL JOIN (SELECT date, sum(cost) AS cost FROM campaign_cost_daily WHERE campaign_id = ${campaignId}::uuid GROUP BY 1) d ON d.date = m.day`;
    return rows.map((r) => ({ day: r.day.toISOString().slice(0, 10), messages: Number(r.messages ?? 0), daily: Number(r.daily ?? 0) }));
  };

  it("each type gets its cost once: regular at the rate, free types and non-billable 0, duplicates and later statuses once", async () => {
    const phones = ["15550100001", "15550100002", "15550100003", "15550100004", "919876500001"];
    const { campaignId, wamids } = await sentMessages(phones, "2026-03-02T10:00:00Z");
    const [regular, service, entry, utility, india] = wamids;
    const billable = { billable: true, category: "marketing", type: "regular" };
    await deliver([
      statusWith(regular, "sent", "2026-03-02T10:00:05Z", billable, phones[0]),
      statusWith(service, "sent", "2026-03-02T10:00:05Z", { billable: false, category: "service", type: "free_customer_service" }, phones[1]),
      statusWith(entry, "sent", "2026-03-02T10:00:05Z", { billable: false, category: "marketing", type: "free_entry_point" }, phones[2]),
      statusWith(utility, "sent", "2026-03-02T10:00:05Z", { billable: true, category: "utility", type: "regular" }, phones[3]),
      statusWith(india, "delivered", "2026-03-02T10:00:09Z", billable, phones[4]),
    ], "2026-03-02T10:00:10Z");
    // the same statuses again (Meta retries), then delivered and read with the same pricing
    await deliver([statusWith(regular, "sent", "2026-03-02T10:00:05Z", billable, phones[0])], "2026-03-02T10:01:00Z");
    await deliver([
      statusWith(regular, "delivered", "2026-03-02T10:00:07Z", billable, phones[0]),
      statusWith(regular, "read", "2026-03-02T10:02:00Z", billable, phones[0]),
      statusWith(india, "delivered", "2026-03-02T10:00:09Z", billable, phones[4]),
    ], "2026-03-02T10:03:00Z");
    const costs = await e.db.whatsappMessage.findMany({ where: { campaignId }, orderBy: { whatsappMessageId: "asc" }, select: { whatsappMessageId: true, costAmount: true, costMarket: true, costCurrency: true } });
    const of = (w: string) => costs.find((c) => c.whatsappMessageId === w)!;
    expect(Number(of(regular).costAmount)).toBe(rate("North America", "marketing"));
    expect(of(regular)).toMatchObject({ costMarket: "North America", costCurrency: "USD" });
    expect(Number(of(service).costAmount)).toBe(0);
    expect(Number(of(entry).costAmount)).toBe(0);
    expect(Number(of(utility).costAmount)).toBe(rate("North America", "utility"));
    expect(Number(of(india).costAmount)).toBe(rate("India", "marketing"));
    const total = rate("North America", "marketing") + rate("North America", "utility") + rate("India", "marketing");
    const stats = await getCampaignStats({ db: e.db, campaignId, now: new Date("2026-03-02T11:00:00Z") });
    close(stats.cost.actual, total);
    close(stats.cost.per_delivered!, total / stats.delivered);
    expect(stats.delivered).toBe(2);
    const r = await recount(campaignId);
    expect(r).toEqual([{ day: "2026-03-02", messages: expect.any(Number), daily: expect.any(Number) }]);
    close(r[0].daily, r[0].messages);
    close(r[0].daily, total);
  });

  it("pricing on a late status that moves nothing (sent after delivered) still prices the message once", async () => {
    const { campaignId, wamids: [w] } = await sentMessages(["15550400001"], "2026-03-04T10:00:00Z");
    await deliver([{ id: w, status: "delivered", timestamp: ts("2026-03-04T10:00:08Z"), recipient_id: "15550400001" }], "2026-03-04T10:00:09Z");
    expect((await e.db.whatsappMessage.findFirstOrThrow({ where: { whatsappMessageId: w } })).costSetAt).toBeNull();
    const billable = { billable: true, category: "marketing", type: "regular" };
    await deliver([statusWith(w, "sent", "2026-03-04T10:00:05Z", billable, "15550400001")], "2026-03-04T10:00:20Z");
    await deliver([statusWith(w, "sent", "2026-03-04T10:00:05Z", billable, "15550400001")], "2026-03-04T10:00:30Z");
    const m = await e.db.whatsappMessage.findFirstOrThrow({ where: { whatsappMessageId: w } });
    expect(m.status).toBe("delivered");
    expect(Number(m.costAmount)).toBe(rate("North America", "marketing"));
    const r = await recount(campaignId);
    expect(r).toHaveLength(1);
    close(r[0].daily, rate("North America", "marketing"));
  });

  it("concurrent appliers append a campaign day's spend without sharing a row; merged afterwards it is still the messages' sum", async () => {
    const phones = Array.from({ length: 40 }, (_, i) => `155503000${String(i).padStart(2, "0")}`);
    const { campaignId, wamids } = await sentMessages(phones, "2026-03-03T10:00:00Z");
    const billable = { billable: true, category: "marketing", type: "regular" };
    await storeWebhookDelivery({ db: e.db, now: new Date("2026-03-03T10:01:00Z"), payload: envelope([{ field: "messages", value: {
      statuses: wamids.map((w, i) => statusWith(w, "delivered", "2026-03-03T10:00:30Z", billable, phones[i])) } }]) });
    // two drains at once in small chunks (two lanes each), nothing merged yet: several rows for the one day
    await Promise.all([1, 2].map(() => applyInbox({ db: e.db, now: new Date("2026-03-03T10:02:00Z"), chunk: 5, fold: false, log: quiet })));
    const rows = () => e.db.campaignCostDaily.findMany({ where: { campaignId } });
    expect((await rows()).length).toBeGreaterThan(1);
    const expected = 40 * rate("North America", "marketing");
    const [before] = await recount(campaignId);
    close(before.daily, before.messages);
    close(before.daily, expected);
    // two merges at once: one row for the day, the same sum and counts
    await Promise.all([compactDailyCosts(e.db), compactDailyCosts(e.db)]);
    const after = await rows();
    expect(after).toHaveLength(1);
    close(Number(after[0].cost), expected);
    expect(after[0]).toMatchObject({ priced: 40, unpriced: 0, currency: "USD" });
    expect(await compactDailyCosts(e.db)).toBe(0);
  });

  it("the rate is the one in force on the day the message was sent", async () => {
    const csv = fs.readFileSync(SHIPPED, "utf8").replace("North America,USD,0.0250,", "North America,USD,0.0300,");
    await importRateCard({ db: e.db, now: new Date("2026-03-05T09:00:00Z"), input: { csv, effective_from: "2026-03-10", source: "test card" } });
    const before = await sentMessages(["15550200001"], "2026-03-09T23:59:00Z");
    const after = await sentMessages(["15550200002"], "2026-03-10T00:01:00Z");
    // both priced after the new card took effect
    const billable = { billable: true, category: "marketing", type: "regular" };
    await deliver([
      statusWith(before.wamids[0], "delivered", "2026-03-10T00:05:00Z", billable, "15550200001"),
      statusWith(after.wamids[0], "delivered", "2026-03-10T00:05:00Z", billable, "15550200002"),
    ], "2026-03-10T00:06:00Z");
    const cost = async (w: string) => Number((await e.db.whatsappMessage.findFirstOrThrow({ where: { whatsappMessageId: w } })).costAmount);
    expect(await cost(before.wamids[0])).toBe(0.025);
    expect(await cost(after.wamids[0])).toBe(0.03);
    for (const c of [before, after]) {
      const r = await recount(c.campaignId);
      expect(r).toHaveLength(1);
      close(r[0].daily, r[0].messages);
    }
    await e.db.rateCard.deleteMany({ where: { source: "test card" } });
  });
});

describe("budget", () => {
  const unpricedOf = async (campaignId: string) =>
    Number((await e.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM unpriced_sends WHERE campaign_id = ${campaignId}::uuid`)[0].n);

  it("unpriced_sends holds exactly the campaign sends without a cost, whoever records them; no index of whatsapp_messages reads a column the status update changes", async () => {
    const now = new Date("2026-04-02T09:00:00Z");
    const c = await createCampaign({ db: e.db, now, input: { name: "Unpriced", template_name: "promo" } });
    const phones = ["15550600001", "15550600002", "15550600003"];
    const recipients: string[] = [];
    for (const [i, phone] of phones.entries()) {
      const [r] = await e.db.$queryRaw<Array<{ id: string }>>`
        INSERT INTO campaign_recipients (id, campaign_id, phone_number, status, scheduled_send_date, sent_on, whatsapp_message_id, sent_at, updated_at)
        VALUES (gen_random_uuid(), ${c.id}::uuid, ${phone}, 'queued', '2026-04-02', '2026-04-02', ${`wamid.UNPRICED${i}`}, ${now}, now()) RETURNING id::text`;
      recipients.push(r.id);
    }
    // two sends recorded in one statement, one already priced, one inbound message and one test send: only the two
    await e.db.$executeRaw`
      INSERT INTO whatsapp_messages (id, direction, campaign_id, recipient_id, phone_number, whatsapp_message_id, status, sent_at, cost_set_at, updated_at)
      VALUES (uuidv7(), 'outbound', ${c.id}::uuid, ${recipients[0]}::uuid, ${phones[0]}, 'wamid.UNPRICED0', 'queued', ${now}, NULL, now()),
             (uuidv7(), 'outbound', ${c.id}::uuid, ${recipients[1]}::uuid, ${phones[1]}, 'wamid.UNPRICED1', 'queued', ${now}, NULL, now()),
             (uuidv7(), 'outbound', ${c.id}::uuid, ${recipients[2]}::uuid, ${phones[2]}, 'wamid.UNPRICED2', 'queued', ${now}, ${now}, now()),
             (uuidv7(), 'inbound', ${c.id}::uuid, NULL, ${phones[0]}, 'wamid.UNPRICED-IN', 'received', NULL, NULL, now()),
             (uuidv7(), 'outbound', NULL, NULL, ${phones[0]}, 'wamid.UNPRICED-TEST', 'queued', ${now}, NULL, now())`;
    const ids = async () => (await e.db.unpricedSend.findMany({ where: { campaignId: c.id }, orderBy: { recipientId: "asc" } })).map((u) => u.recipientId);
    expect(await ids()).toEqual([recipients[0], recipients[1]].sort());
    // a status without pricing leaves it; the first with pricing removes it, in the statement that sets the cost
    await handleWebhookPayload({ db: e.db, now, log: quiet, payload: envelope([{ field: "messages", value: { statuses: [
      { id: "wamid.UNPRICED0", status: "delivered", timestamp: ts("2026-04-02T09:00:05Z"), recipient_id: phones[0] },
      { id: "wamid.UNPRICED1", status: "delivered", timestamp: ts("2026-04-02T09:00:05Z"), recipient_id: phones[1],
        pricing: { billable: true, pricing_model: "PMP", category: "marketing", type: "regular" } },
    ] } }]) });
    expect(await ids()).toEqual([recipients[0]]);
    // deleting the campaign's recipients takes their rows with them
    await e.db.campaignRecipient.deleteMany({ where: { campaignId: c.id } });
    expect(await ids()).toEqual([]);

    // HOT: the applier's update of a message sets these columns; an index that read one of them (key,
    // expression or predicate) would give every status update an entry in every index of the table
    const changed = ["status", "delivered_at", "read_at", "failed_at", "error_code", "error_title", "pricing", "pricing_billable",
      "pricing_model", "pricing_category", "pricing_type", "cost_amount", "cost_currency", "cost_market", "cost_rate_card_id", "cost_set_at", "updated_at"];
    const defs = await e.db.$queryRaw<Array<{ def: string }>>`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'whatsapp_messages'::regclass`;
    expect(defs.length).toBeGreaterThan(3);
    const offending = defs.filter((d) => changed.some((col) => new RegExp(`\\b${col}\\b`).test(d.def.replace(/^.*? USING /, ""))));
    expect(offending).toEqual([]);
  });

  it("a stats read gives recipients their markets without waiting for one another transaction holds (SKIP LOCKED); a later read gives it its market", async () => {
    const now = new Date("2026-04-02T09:00:00Z");
    const c = await createCampaign({ db: e.db, now, input: { name: "Markets while locked", template_name: "promo" } });
    const phones = ["15550700001", "15550700002", "15550700003"];
    const ids: string[] = [];
    for (const phone of phones) {
      const [r] = await e.db.$queryRaw<Array<{ id: string }>>`
        INSERT INTO campaign_recipients (id, campaign_id, phone_number, status, updated_at)
        VALUES (uuidv7(), ${c.id}::uuid, ${phone}, 'pending', now()) RETURNING id::text`;
      ids.push(r.id);
    }
    const marketOf = async (id: string) => (await e.db.campaignRecipient.findUniqueOrThrow({ where: { id }, select: { market: true } })).market;
    const holder = await pgPoolOf(e.db)!.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM campaign_recipients WHERE id = $1 FOR UPDATE", [ids[1]]);
      // the read returns while the row is held (a wait would outlast the timer)
      const read = getCampaignStats({ db: e.db, campaignId: c.id, now });
      const outcome = await Promise.race([read.then(() => "read"), new Promise((r) => setTimeout(() => r("waited"), 5000))]);
      expect(outcome).toBe("read");
      expect([await marketOf(ids[0]), await marketOf(ids[1]), await marketOf(ids[2])]).toEqual(["North America", null, "North America"]);
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      holder.release();
    }
    await getCampaignStats({ db: e.db, campaignId: c.id, now });
    expect(await marketOf(ids[1])).toBe("North America");
  });

  it("recording a send takes no lock on its recipient: a message insert does not wait for a recipient another transaction holds FOR UPDATE", async () => {
    const now = new Date("2026-04-02T09:00:00Z");
    const c = await createCampaign({ db: e.db, now, input: { name: "Unpriced locks", template_name: "promo" } });
    const [r] = await e.db.$queryRaw<Array<{ id: string }>>`
      INSERT INTO campaign_recipients (id, campaign_id, phone_number, status, scheduled_send_date, sent_on, whatsapp_message_id, sent_at, updated_at)
      VALUES (gen_random_uuid(), ${c.id}::uuid, '15550600009', 'queued', '2026-04-02', '2026-04-02', 'wamid.UNPRICED-LOCK', ${now}, now()) RETURNING id::text`;
    const pool = pgPoolOf(e.db)!;
    const holder = await pool.connect();
    const writer = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM campaign_recipients WHERE id = $1 FOR UPDATE", [r.id]);
      await writer.query("BEGIN");
      await writer.query("SET LOCAL lock_timeout = '2s'");
      // a foreign key from unpriced_sends to the recipient would take FOR KEY SHARE here and time out
      await writer.query(`INSERT INTO whatsapp_messages (id, direction, campaign_id, recipient_id, phone_number, whatsapp_message_id, status, sent_at, updated_at)
        VALUES (uuidv7(), 'outbound', $1, $2, '15550600009', 'wamid.UNPRICED-LOCK', 'queued', now(), now())`, [c.id, r.id]);
      await writer.query("COMMIT");
    } finally {
      await writer.query("ROLLBACK").catch(() => undefined);
      await holder.query("ROLLBACK").catch(() => undefined);
      writer.release();
      holder.release();
    }
    expect(await unpricedOf(c.id)).toBe(1);
    // the recipient's delete still takes its row (a trigger instead of the cascade)
    await e.db.campaignRecipient.delete({ where: { id: r.id } });
    expect(await unpricedOf(c.id)).toBe(0);
  });

  it("4 processors at once stop claiming at the message the budget pays for, pause with an alert; resuming needs more budget or a confirmation", async () => {
    const now = new Date("2026-04-01T09:00:00Z");
    const unit = rate("North America", "marketing"); // 0.025
    const c = await createCampaign({ db: e.db, now, input: { name: "Capped", template_name: "promo", budget: 10 * unit } });
    expect(c.budget).toBe(0.25);
    await seedCustomers(e.db, 40, { base: 12020000000 });
    await addRecipients({ db: e.db, now, timezone: TZ, campaignId: c.id, phoneNumbers: Array.from({ length: 40 }, (_, i) => String(12020000000 + i + 1)) });
    const activated = await activateCampaign({ db: e.db, now, timezone: TZ, campaignId: c.id, startDate: "2026-04-01" });
    close(activated.estimated_cost, 40 * unit);
    e.graph.setLatency(15);
    const runAt = new Date("2026-04-01T10:00:00Z");
    const rs = await Promise.all([0, 1, 2, 3].map(() => runDailyProcessing({ db: e.db, now: runAt, whatsapp: wa, config: config({ batchSize: 3, concurrency: 3 }) })));
    expect(rs.reduce((s, r) => s + r.messages_sent, 0)).toBe(10);
    const sent = await e.db.whatsappMessage.count({ where: { campaignId: c.id, direction: "outbound" } });
    expect(sent).toBe(10);
    const campaign = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } });
    expect(campaign).toMatchObject({ status: "paused", pausedBy: "budget" });
    expect(campaign.pauseReason).toContain("budget of 0.25 USD is reached");
    const alert = await e.db.alert.findFirstOrThrow({ where: { campaignId: c.id, kind: "campaign_paused_budget" } });
    expect(alert.text).toContain("'Capped' was paused: the budget of 0.25 USD is reached");
    expect(rs.flatMap((r) => r.paused_campaigns).filter((p) => p.campaign_id === c.id).length).toBeGreaterThanOrEqual(1);
    const stats = await getCampaignStats({ db: e.db, campaignId: c.id, now: runAt });
    expect(stats.cost).toMatchObject({ budget: 0.25, remaining: 0, actual: 0 });
    close(stats.cost.in_flight, 10 * unit);
    // the in-flight part is read from unpriced_sends: one row per send recorded by the processors
    expect(await unpricedOf(c.id)).toBe(10);

    // Meta's pricing arrives: the actual spend replaces the in-flight estimate, and the budget is still full
    const wamids = await e.db.whatsappMessage.findMany({ where: { campaignId: c.id }, select: { whatsappMessageId: true, phoneNumber: true } });
    await handleWebhookPayload({
      db: e.db, now: new Date("2026-04-01T10:05:00Z"), log: quiet,
      payload: envelope([{ field: "messages", value: { statuses: wamids.map((w) => ({ id: w.whatsappMessageId, status: "delivered", timestamp: ts("2026-04-01T10:01:00Z"), recipient_id: w.phoneNumber, pricing: { billable: true, pricing_model: "PMP", category: "marketing", type: "regular" } })) } }]),
    });
    const priced = await getCampaignStats({ db: e.db, campaignId: c.id, now: runAt });
    close(priced.cost.actual, 10 * unit);
    expect(priced.cost).toMatchObject({ in_flight: 0, remaining: 0 });
    expect(await unpricedOf(c.id)).toBe(0);
    // the route's plain pg reads (named statements on the client's pool) give the same answer as the ORM's
    const pool = pgPoolOf(e.db)!;
    for (let i = 0; i < 7; i++) { // a named statement switches to a generic plan after five runs
      expect(await getCampaignStats({ db: e.db, campaignId: c.id, now: runAt, read: (q) => pool.query(q) })).toEqual(priced);
    }

    // resuming without room is refused; a higher budget lets 2 more go, then it pauses again
    await expect(resumeCampaign({ db: e.db, now: runAt, timezone: TZ, campaignId: c.id })).rejects.toMatchObject({ code: "BUDGET_CONFIRMATION_REQUIRED" });
    await updateCampaign({ db: e.db, now: runAt, campaignId: c.id, input: { budget: 12 * unit }, timezone: TZ });
    await resumeCampaign({ db: e.db, now: runAt, timezone: TZ, campaignId: c.id });
    const more = await Promise.all([0, 1, 2, 3].map(() => runDailyProcessing({ db: e.db, now: new Date("2026-04-01T11:00:00Z"), whatsapp: wa, config: config({ batchSize: 3, concurrency: 3 }) })));
    expect(more.reduce((s, r) => s + r.messages_sent, 0)).toBe(2);
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } })).pausedBy).toBe("budget");
    // an explicit confirmation resumes it; the budget still holds (nothing more fits, so it pauses again)
    await resumeCampaign({ db: e.db, now: runAt, timezone: TZ, campaignId: c.id, confirm: true });
    const confirmed = await runDailyProcessing({ db: e.db, now: new Date("2026-04-01T12:00:00Z"), whatsapp: wa, config: config({ batchSize: 3 }) });
    expect(confirmed.messages_sent).toBe(0);
    expect(await e.db.whatsappMessage.count({ where: { campaignId: c.id } })).toBe(12);
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("paused");
  });

  it("a budget is validated (zod): negative, more than 4 decimals or not a number is refused", async () => {
    const now = new Date("2026-04-01T09:00:00Z");
    for (const budget of [-1, 0.00001, "10"]) {
      await expect(createCampaign({ db: e.db, now, input: { name: "Bad", template_name: "promo", budget: budget as number } })).rejects.toMatchObject({ name: "ZodError" });
    }
  });
});

describe("pricing context", () => {
  it("the card in force on a day is the latest effective by then, else the earliest, the same as cardInForce over every card", async () => {
    const now = new Date("2026-04-01T09:00:00Z");
    const csv = fs.readFileSync(SHIPPED, "utf8");
    await importRateCard({ db: e.db, now, input: { csv, effective_from: "2026-06-01", source: "june card" } });
    await importRateCard({ db: e.db, now: new Date(now.getTime() + 1000), input: { csv, effective_from: "2026-06-01", source: "june card, again" } });
    const cards = await loadRateCards(e.db);
    expect(cards.length).toBeGreaterThanOrEqual(3);
    for (const day of ["2024-01-01", "2025-07-01", "2026-03-09", "2026-05-31", "2026-06-01", "2030-01-01"]) {
      const pricing = await campaignPricing(e.db, { templateName: "promo", languageCode: "en_US", day });
      const expected = cardInForce(cards, day);
      expect({ day, card: pricing.card?.id }).toEqual({ day, card: expected?.id });
      expect(pricing.card).toEqual({ id: expected!.id, currency: expected!.currency, effectiveFrom: expected!.effectiveFrom });
    }
    // the template's category decides the rates read (a template missing from the library: marketing)
    expect((await campaignPricing(e.db, { templateName: "no_such_template", languageCode: "en_US", day: "2026-06-01" })).category).toBe("marketing");
  });

  it("read by the campaign's id (as GET …/stats does, beside the campaign row) it is the pricing of the campaign's template", async () => {
    const now = new Date("2026-04-02T09:00:00Z");
    await e.db.whatsappTemplate.create({ data: { name: "order_update", language: "es", category: "UTILITY", status: "APPROVED" } });
    const utility = await createCampaign({ db: e.db, now, input: { name: "Utility pricing", template_name: "order_update", language_code: "es" } });
    const marketing = await createCampaign({ db: e.db, now, input: { name: "Marketing pricing", template_name: "no_such_template" } });
    for (const [c, category] of [[utility, "utility"], [marketing, "marketing"]] as const) {
      const byId = await campaignPricing(e.db, { campaignId: c.id, day: "2026-06-01" });
      const byTemplate = await campaignPricing(e.db, { templateName: c.template_name, languageCode: c.language_code, day: "2026-06-01", campaignId: c.id });
      expect(byId).toEqual(byTemplate);
      expect(byId.category).toBe(category);
    }
  });
});

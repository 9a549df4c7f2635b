/**
 * Privacy: erasure also covers a send in flight, audit entries and the team's test numbers; inbound
 * message bodies are deleted after the retention period by a bounded step of the processor run; exports of
 * recipients are audited, and a viewer's export (like the dashboard) shows phone numbers masked.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { NextRequest } from "next/server";
import { cloudClient, setupEngineTest, TOKEN, type EngineTest } from "../engine/support";
import * as exportRoute from "@/app/api/dashboard/campaigns/[campaignId]/export/route";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { eraseCustomer } from "@/lib/marketing/customers/erase-customer";
import { recipientsCsv, startRecipientsExport } from "@/lib/marketing/recipients/export-recipients";
import { pruneInboundBodies } from "@/lib/marketing/messages/prune-inbound-bodies";
import { pruneOutboundEvents } from "@/lib/marketing/events/prune-events";
import { maskPhone } from "@/lib/marketing/phone";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { updateSendingSettings } from "@/lib/marketing/sending/sending-settings";
import { displayPhone } from "@/lib/marketing/users/permissions";

let e: EngineTest;
const admin: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000a1", role: "admin", actor: "user:admin", email: "a@example.com" };
const viewer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000c1", role: "viewer", actor: "user:viewer", email: "v@example.com" };

beforeAll(async () => {
  e = await setupEngineTest();
});
afterAll(async () => e?.stop());
beforeEach(() => e.graph.reset());

async function rowsMentioning(text: string) {
  const tables = await e.db.$queryRaw<Array<{ t: string }>>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  const hits: string[] = [];
  for (const { t } of tables) {
    const [row] = await e.db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "${t}" x WHERE row_to_json(x)::text LIKE '%' || $1 || '%'`, text);
    if (Number(row.n) > 0) hits.push(`${t}: ${row.n}`);
  }
  return hits;
}

async function activeCampaign(phones: string[], now: Date) {
  const c = await createCampaign({ db: e.db, now, input: { name: `P ${Math.random()}`, template_name: "promo", daily_send_limit: 100 } });
  await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: phones });
  await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: now.toISOString().slice(0, 10) });
  return c.id;
}

describe("erasure", () => {
  it("covers a send in flight, the audit log and the team's test numbers", async () => {
    const PHONE = "15557001234";
    const now = new Date("2026-04-01T09:00:00Z");
    await e.db.userProfile.create({ data: { whatsappPhone: PHONE, name: "In Flight" } });
    const customer = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: PHONE } });
    const campaignId = await activeCampaign([PHONE], now);
    await e.db.setting.upsert({ where: { id: 1 }, update: { testPhoneNumbers: [PHONE, "15557009999"] }, create: { id: 1, testPhoneNumbers: [PHONE, "15557009999"] } });
    // an old-style audit entry naming the number, and one naming a longer number that contains it
    await e.db.auditLog.createMany({ data: [
      { actor: "user:admin", action: "campaign.test_send", entityType: "campaign", details: { results: [{ phone_number: PHONE, status: "sent" }] } },
      { actor: "user:admin", action: "note", entityType: "campaign", details: { phone: `${PHONE}7` } },
    ] });

    // the send is in flight (WhatsApp has the request, the answer is slow) when the customer is erased
    e.graph.setLatency(1_500);
    const run = runDailyProcessing({ db: e.db, now: new Date("2026-04-01T10:00:00Z"), whatsapp: cloudClient(e.graph, { timeoutMs: 5_000 }),
      config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 30_000, staleClaimMs: 600_000 } });
    for (let i = 0; i < 200 && e.graph.sends.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(e.graph.sends.map((s) => s.to)).toEqual([PHONE]);
    await eraseCustomer({ db: e.db, now: new Date("2026-04-01T10:00:01Z"), principal: admin, customerId: customer.id });
    const result = await run;
    expect(result.messages_sent).toBe(1);

    // the outcome is recorded (the campaign's totals are true) but nothing names the person
    const recipient = await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId } });
    expect(recipient).toMatchObject({ status: "queued", phoneNumber: `erased:${customer.id}`, waId: null });
    const message = await e.db.whatsappMessage.findFirstOrThrow({ where: { recipientId: recipient.id } });
    expect(message).toMatchObject({ phoneNumber: `erased:${customer.id}`, waId: null });
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: campaignId } })).messagesSent).toBe(1);
    const hits = await rowsMentioning(PHONE);
    // only the other number that merely contains this one is left
    expect(hits).toEqual(["audit_log: 1"]);
    expect(await e.db.auditLog.count({ where: { action: "note" } })).toBe(1);
    expect((await e.db.setting.findUniqueOrThrow({ where: { id: 1 } })).testPhoneNumbers).toEqual(["15557009999"]);
  });
});

describe("who may erase", () => {
  it("admins and marketers; a viewer is refused and nothing changes", async () => {
    const customer = await e.db.userProfile.create({ data: { whatsappPhone: "15557004321", name: "Stays" } });
    const refused = await eraseCustomer({ db: e.db, now: new Date(), principal: viewer, customerId: customer.id }).catch((x: unknown) => x);
    expect(refused).toMatchObject({ code: "FORBIDDEN" });
    expect(await e.db.userProfile.count({ where: { id: customer.id } })).toBe(1);
    const marketer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000b1", role: "marketer", actor: "user:marketer", email: "m@example.com" };
    expect(await eraseCustomer({ db: e.db, now: new Date(), principal: marketer, customerId: customer.id })).toMatchObject({ id: customer.id, erased: true });
    expect(await e.db.userProfile.count({ where: { id: customer.id } })).toBe(0);
  });
});

describe("erasure and the team's integrations", () => {
  it("outbound events that name the customer keep no number, WhatsApp id or message text, queued or delivered", async () => {
    const PHONE = "15557005678";
    await e.db.webhookEndpoint.create({ data: { url: "http://127.0.0.1:9/events", secret: "whsec_erase", eventTypes: ["customer.unsubscribed", "customer.subscribed", "reply.received"], allowPrivateNetwork: true } });
    const customer = await e.db.userProfile.create({ data: { whatsappPhone: PHONE, name: "Leaving" } });
    await e.db.userProfile.update({ where: { id: customer.id }, data: { subscription: "unsubscribed", subscriptionSource: "reply_stop", subscriptionChangedAt: new Date() } });
    await e.db.whatsappMessage.create({ data: { direction: "inbound", phoneNumber: PHONE, waId: PHONE, whatsappMessageId: "wamid.erase-me", status: "received", messageType: "text", body: "please forget me", receivedAt: new Date() } });
    // another customer's event stays as it was
    const other = await e.db.userProfile.create({ data: { whatsappPhone: `${PHONE}9` } });
    await e.db.userProfile.update({ where: { id: other.id }, data: { subscription: "unsubscribed", subscriptionSource: "api", subscriptionChangedAt: new Date() } });
    expect(await e.db.outboundEvent.count()).toBe(3);
    expect(await rowsMentioning(PHONE)).toEqual(expect.arrayContaining(["outbound_events: 3"]));

    await eraseCustomer({ db: e.db, now: new Date(), principal: admin, customerId: customer.id });
    expect(await rowsMentioning("please forget me")).toEqual([]);
    // what still names the number is the other customer's (whose number contains it) only
    expect((await rowsMentioning(PHONE)).sort()).toEqual(["outbound_events: 1", "user_profiles: 1"]);
    const events = await e.db.outboundEvent.findMany({ orderBy: { id: "asc" } });
    expect(events.map((ev) => [ev.type, ev.data])).toEqual([
      ["customer.unsubscribed", expect.objectContaining({ customer_id: customer.id, erased: true, subscription: "unsubscribed" })],
      ["reply.received", expect.objectContaining({ erased: true, message_type: "text" })],
      ["customer.unsubscribed", expect.objectContaining({ customer_id: other.id, phone: `${PHONE}9` })],
    ]);
    for (const ev of events.slice(0, 2)) expect(Object.keys(ev.data as object)).not.toEqual(expect.arrayContaining(["phone"]));
  });
});

describe("inbound message retention", () => {
  it("deletes bodies older than the retention period (default 90 days, a setting), in bounded steps, from the processor run", async () => {
    const now = new Date("2026-06-01T12:00:00Z");
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const inbound = (id: string, at: Date) => ({ direction: "inbound", phoneNumber: "15557002000", whatsappMessageId: id, status: "received", messageType: "text", body: `hello ${id}`, payload: { text: { body: `hello ${id}` } }, receivedAt: at, createdAt: at });
    await e.db.whatsappMessage.createMany({ data: [
      inbound("wamid.old1", daysAgo(120)), inbound("wamid.old2", daysAgo(100)), inbound("wamid.old3", daysAgo(91)),
      inbound("wamid.mid", daysAgo(40)), inbound("wamid.new", daysAgo(1)),
    ] });
    const bodies = async () => Object.fromEntries((await e.db.whatsappMessage.findMany({ where: { direction: "inbound", phoneNumber: "15557002000" } })).map((m) => [m.whatsappMessageId, m.body !== null || m.payload !== null]));

    expect(await pruneInboundBodies({ db: e.db, now, limit: 2 })).toEqual({ pruned: 2, retentionDays: 90 });
    expect(await bodies()).toEqual({ "wamid.old1": false, "wamid.old2": false, "wamid.old3": true, "wamid.mid": true, "wamid.new": true });
    // the processor run takes the next step
    await runDailyProcessing({ db: e.db, now, whatsapp: cloudClient(e.graph), config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 30_000, staleClaimMs: 600_000 } });
    expect(await bodies()).toEqual({ "wamid.old1": false, "wamid.old2": false, "wamid.old3": false, "wamid.mid": true, "wamid.new": true });

    await updateSendingSettings({ db: e.db, now, input: { inbound_retention_days: 30 } });
    try {
      expect((await pruneInboundBodies({ db: e.db, now })).pruned).toBe(1);
      expect(await bodies()).toEqual({ "wamid.old1": false, "wamid.old2": false, "wamid.old3": false, "wamid.mid": false, "wamid.new": true });
      expect(await e.db.whatsappMessage.count({ where: { phoneNumber: "15557002000" } })).toBe(5);
    } finally {
      await updateSendingSettings({ db: e.db, now, input: { inbound_retention_days: 90 } });
    }
  });
});

describe("outbound event retention", () => {
  it("events and their delivery log go after 30 days, a reply's text with the inbound retention when it is sooner, in bounded steps, from the processor run", async () => {
    const now = new Date("2026-07-01T12:00:00Z");
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    await e.db.outboundEvent.deleteMany();
    const endpoint = await e.db.webhookEndpoint.create({ data: { url: "http://127.0.0.1:9/kept", secret: "whsec_kept", eventTypes: ["reply.received"], enabled: false, allowPrivateNetwork: true } });
    const reply = (d: number, text: string) => ({ type: "reply.received", data: { message_id: "00000000-0000-4000-8000-000000000001", phone_number: "15557003000", body: text, message_type: "text" }, createdAt: daysAgo(d) });
    await e.db.outboundEvent.createMany({ data: [reply(45, "oldest"), reply(31, "old"), reply(20, "mid"), reply(2, "new")] });
    const events = await e.db.outboundEvent.findMany({ orderBy: { createdAt: "asc" } });
    await e.db.webhookDelivery.createMany({ data: events.map((ev) => ({ endpointId: endpoint.id, eventId: ev.id, status: "delivered" })) });
    const left = async () => (await e.db.outboundEvent.findMany({ orderBy: { createdAt: "asc" } })).map((ev) => (ev.data as { body?: string }).body ?? "(no text)");

    expect(await pruneOutboundEvents({ db: e.db, now, limit: 1 })).toEqual({ deleted: 1, bodiesRemoved: 0 });
    expect(await left()).toEqual(["old", "mid", "new"]);
    // the processor run takes the next step; the deliveries of deleted events go with them
    await runDailyProcessing({ db: e.db, now, whatsapp: cloudClient(e.graph), config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 30_000, staleClaimMs: 600_000 } });
    expect(await left()).toEqual(["mid", "new"]);
    expect(await e.db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(2);

    // replies' texts are kept no longer than the inbound messages' own
    await updateSendingSettings({ db: e.db, now, input: { inbound_retention_days: 10 } });
    try {
      expect(await pruneOutboundEvents({ db: e.db, now })).toEqual({ deleted: 0, bodiesRemoved: 1 });
      expect(await left()).toEqual(["(no text)", "new"]);
    } finally {
      await updateSendingSettings({ db: e.db, now, input: { inbound_retention_days: 90 } });
      await e.db.webhookEndpoint.delete({ where: { id: endpoint.id } });
    }
  });
});

describe("exports and viewers", () => {
  it("every export is audited with who and how many rows; a viewer's has the numbers masked", async () => {
    const now = new Date("2026-05-01T09:00:00Z");
    const phones = ["15557003001", "15557003002", "15557003003"];
    const campaignId = await activeCampaign(phones, now);

    const res = await exportRoute.GET(new NextRequest(`http://localhost/api/dashboard/campaigns/${campaignId}/export`, { headers: { authorization: `Bearer ${TOKEN}` } }),
      { params: Promise.resolve({ campaignId }) });
    expect(res.status).toBe(200);
    // a byte-order mark first (spreadsheets read the file as UTF-8 then); text() drops it
    const bytes = new Uint8Array(await res.clone().arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const full = await res.text();
    expect(full.split("\n").filter(Boolean)).toHaveLength(4);
    for (const p of phones) expect(full).toContain(p);
    const entry = await e.db.auditLog.findFirstOrThrow({ where: { action: "campaign.export_recipients", entityId: campaignId } });
    expect(entry.details).toEqual({ rows: 3, masked: false });
    expect(entry.actor).toMatch(/\S/);

    const { mask } = await startRecipientsExport({ db: e.db, now, principal: viewer, campaignId });
    expect(mask).toBe(true);
    let csv = "";
    for await (const chunk of recipientsCsv({ db: e.db, campaignId, mask })) csv += chunk;
    for (const p of phones) expect(csv).not.toContain(p);
    // a masked number starts a line as itself: it is no formula, so no apostrophe before it
    expect(csv.split("\n")[1].startsWith(`${maskPhone(phones[0])},`)).toBe(true);
    expect(await e.db.auditLog.findFirstOrThrow({ where: { action: "campaign.export_recipients", entityId: campaignId, actor: "user:viewer" } }))
      .toMatchObject({ details: { rows: 3, masked: true } });
  });

  it("viewers see numbers masked; other roles whole", () => {
    expect(maskPhone("14155550101")).toBe("+14•••••••01");
    expect(displayPhone("viewer", "14155550101")).toBe("+14•••••••01");
    expect(displayPhone("marketer", "14155550101")).toBe("+14155550101");
    expect(displayPhone("admin", "442079460958")).toBe("+442079460958");
    // an erased customer's placeholder is shown as such, never as "+erased:<id>"
    for (const role of ["viewer", "marketer", "admin"] as const) expect(displayPhone(role, "erased:fff18640-577a-4226-ac86-fd316415ca08")).toBe("Erased customer");
    expect(maskPhone("erased:0000")).toBe("erased");
  });
});

/**
 * Status webhooks on Meta's documented payload shapes: forward-only moves, timestamps, error classes,
 * reconciliation by biz_opaque_callback_data, unknown wamids kept for later, duplicates, reordering,
 * batches of 1,000, and counters/analytics staying equal to the recipients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { INBOX_LANES, storeWebhookDelivery } from "@/lib/marketing/delivery/store-webhook-delivery";
import { reconcileStaleClaims } from "@/lib/marketing/processing/reconcile-stale-claims";
import { createTestDb, type TestDb } from "../../support/db";
import { consistency, createCampaignWithRecipients, envelope, recipientRows, statusesPayload } from "./fixtures";

let t: TestDb;
const now = new Date("2026-03-02T12:00:00Z");
const quiet = { warn: () => {} };
const handle = (payload: unknown, at = now) => handleWebhookPayload({ db: t.db, now: at, payload, log: quiet });

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe("statuses", () => {
  it("sent with conversation and pricing (Meta's example) → sent, sent_at stays the send's, pricing stored", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 1);
    const r = recipients[0];
    await t.db.whatsappMessage.create({ data: { direction: "outbound", campaignId: campaign.id, recipientId: r.id, phoneNumber: r.phoneNumber, whatsappMessageId: r.whatsappMessageId, status: "queued" } });
    const summary = await handle(statusesPayload([{ id: r.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:05Z", pricing: true, biz: r.id, recipient_id: r.phoneNumber }]));
    expect(summary.results.messages).toMatchObject({ statuses_received: 1, recipients_updated: 1, messages_updated: 1, statuses_pending: 0 });
    const after = await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: r.id } });
    expect(after.status).toBe("sent");
    // the send's own time (the processor's record, as the spec's sent_at = NOW() and the message row keep it):
    // a delivery status changes no indexed column, so its update is HOT (hot-statuses.test.ts)
    expect(after.sentAt).toEqual(r.sentAt);
    expect(after.sentAt).toEqual(new Date("2026-03-02T10:00:00Z"));
    expect(after.waId).toBe(r.phoneNumber);
    const msg = await t.db.whatsappMessage.findFirstOrThrow({ where: { whatsappMessageId: r.whatsappMessageId } });
    expect(msg.status).toBe("sent");
    expect(msg.pricing).toMatchObject({ billable: true, pricing_model: "PMP", category: "marketing", conversation: { origin: { type: "marketing" } } });
    const c = await consistency(t.db, campaign.id);
    expect(c.counters).toEqual(c.recount);
    expect(c.analyticsMismatches).toBe(0);
  });

  it("learns a customer's WhatsApp id from a status only where it differs from the number; a STOP from that id then finds them", async () => {
    const { recipients } = await createCampaignWithRecipients(t.db, 2);
    const [same, other] = recipients;
    const before = await t.db.userProfile.findUniqueOrThrow({ where: { id: same.customerId! } });
    // WhatsApp knows the second customer by another form of the number (as Argentina's 549… numbers are 54…)
    const otherWaId = `54${other.phoneNumber.slice(-9)}`;
    await handle(statusesPayload([
      { id: same.whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:05Z", recipient_id: same.phoneNumber },
      { id: other.whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:05Z", recipient_id: otherWaId },
    ]));
    const sameAfter = await t.db.userProfile.findUniqueOrThrow({ where: { id: same.customerId! } });
    expect(sameAfter.waId).toBeNull();
    expect(sameAfter.updatedAt).toEqual(before.updatedAt); // nothing written: the number already matches
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { id: other.customerId! } })).waId).toBe(otherWaId);
    expect((await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: other.id } })).waId).toBe(otherWaId);
    // a reply from that id (Meta's inbound shape: from = the wa_id) unsubscribes the customer, not a new profile
    await handle(envelope([{ field: "messages", value: {
      messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
      contacts: [{ profile: { name: "Customer" }, wa_id: otherWaId }],
      messages: [{ from: otherWaId, id: "wamid.LEARNT.STOP", timestamp: "1772445600", type: "text", text: { body: "STOP" } }],
    } }]));
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { id: other.customerId! } })).subscription).toBe("unsubscribed");
    expect(await t.db.userProfile.findUnique({ where: { whatsappPhone: otherWaId } })).toBeNull();
  });

  it("moves forward only; read without delivered sets both; late delivered after read changes nothing; duplicates change nothing", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 3);
    const [a, b, c] = recipients;
    await handle(statusesPayload([
      { id: a.whatsappMessageId!, status: "read", at: "2026-03-02T10:05:00Z" },
      { id: b.whatsappMessageId!, status: "delivered", at: "2026-03-02T10:01:00Z" },
      { id: c.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:30Z" },
    ]));
    let rows = await recipientRows(t.db, campaign.id);
    expect(rows.map((r) => r.status)).toEqual(["read", "delivered", "sent"]);
    expect(rows[0].delivered_at).toEqual(new Date("2026-03-02T10:05:00Z"));
    expect(rows[0].read_at).toEqual(new Date("2026-03-02T10:05:00Z"));

    // late and repeated events: nothing moves back, no row is rewritten
    const late = statusesPayload([
      { id: a.whatsappMessageId!, status: "delivered", at: "2026-03-02T10:04:00Z" },
      { id: a.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:01Z" },
      { id: b.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:01Z" },
      { id: b.whatsappMessageId!, status: "failed", at: "2026-03-02T10:09:00Z", error: { code: 131026, title: "Message undeliverable" } },
    ]);
    const before = await recipientRows(t.db, campaign.id);
    const s = await handle(late);
    expect(s.results.messages?.recipients_updated ?? 0).toBe(0);
    rows = await recipientRows(t.db, campaign.id);
    expect(rows).toEqual(before);

    const again = await handle(statusesPayload([{ id: c.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:30Z" }]));
    expect(again.results.messages?.recipients_updated ?? 0).toBe(0);
    expect(await recipientRows(t.db, campaign.id)).toEqual(before);
    const k = await consistency(t.db, campaign.id);
    expect(k.counters).toEqual(k.recount);
    expect(k.analyticsMismatches).toBe(0);
  });

  it("reordered within one payload and across payloads ends in the most advanced state", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2);
    const [a, b] = recipients;
    await handle(statusesPayload([
      { id: a.whatsappMessageId!, status: "read", at: "2026-03-02T10:09:00Z" },
      { id: a.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:02Z" },
      { id: a.whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:09Z" },
    ]));
    await handle(statusesPayload([{ id: b.whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:09Z" }]));
    await handle(statusesPayload([{ id: b.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:02Z" }]));
    const rows = await recipientRows(t.db, campaign.id);
    expect(rows[0]).toMatchObject({ status: "read", sent_at: new Date("2026-03-02T10:00:00Z"), delivered_at: new Date("2026-03-02T10:00:09Z"), read_at: new Date("2026-03-02T10:09:00Z") });
    expect(rows[1]).toMatchObject({ status: "delivered", delivered_at: new Date("2026-03-02T10:00:09Z") });
  });

  it("failed keeps the code and title; 131050 unsubscribes; 131049 retries no sooner than 24 h and defers the customer", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 3);
    const [a, b, c] = recipients;
    await t.db.whatsappMessage.create({ data: { direction: "outbound", campaignId: campaign.id, recipientId: c.id, phoneNumber: c.phoneNumber, whatsappMessageId: c.whatsappMessageId, status: "queued" } });
    await handle(statusesPayload([
      { id: a.whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:09Z", error: { code: 131026, title: "Message undeliverable" } },
      { id: b.whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:09Z", error: { code: 131050, title: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business." } },
      { id: c.whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:09Z", error: { code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement." } },
    ]));
    const rows = await recipientRows(t.db, campaign.id);
    expect(rows[0]).toMatchObject({ status: "failed", error_code: 131026, failure_reason: "131026 Message undeliverable", failed_at: new Date("2026-03-02T10:00:09Z") });
    expect(rows[1]).toMatchObject({ status: "failed", error_code: 131050 });
    expect(rows[2]).toMatchObject({ status: "pending", error_code: 131049, deferred_reason: "meta_cap", retry_count: 1, sent_on: null });
    expect((rows[2].next_attempt_at as Date).getTime()).toBeGreaterThanOrEqual(now.getTime() + 24 * 3600_000);
    expect(rows[2].scheduled_send_date).toEqual(new Date("2026-03-03T00:00:00Z"));
    const profiles = await t.db.userProfile.findMany({ where: { whatsappPhone: { in: [a.phoneNumber, b.phoneNumber, c.phoneNumber] } }, orderBy: { whatsappPhone: "asc" } });
    expect(profiles.map((p) => p.subscription)).toEqual(["subscribed", "unsubscribed", "subscribed"]);
    expect(profiles[1].subscriptionSource).toBe("whatsapp_error_131050");
    expect(profiles[2].marketingDeferredUntil!.getTime()).toBeGreaterThanOrEqual(now.getTime() + 24 * 3600_000);
    const msg = await t.db.whatsappMessage.findFirstOrThrow({ where: { whatsappMessageId: c.whatsappMessageId } });
    expect(msg).toMatchObject({ status: "failed", errorCode: 131049 });
    // the same failure delivered again changes nothing (the recipient is pending now)
    const again = await handle(statusesPayload([{ id: c.whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:09Z", error: { code: 131049, title: "x" } }]));
    expect(again.results.messages?.recipients_updated ?? 0).toBe(0);
    const k = await consistency(t.db, campaign.id);
    expect(k.counters).toEqual(k.recount);
    expect(k.analyticsMismatches).toBe(0);
  });

  it("reconciles a recipient whose outcome is unknown (or 'sending' once its claim is stale) by biz_opaque_callback_data", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2, { status: "sending" });
    await t.db.campaignRecipient.update({ where: { id: recipients[1].id }, data: { status: "unknown", claimId: null, claimedAt: null } });
    await t.db.campaignRecipient.update({ where: { id: recipients[0].id }, data: { claimedAt: new Date("2026-03-02T10:00:00Z") } });
    await handle(statusesPayload([
      { id: "wamid.RECONCILE1", status: "sent", at: "2026-03-02T10:00:02Z", biz: recipients[0].id },
      { id: "wamid.RECONCILE2", status: "delivered", at: "2026-03-02T10:00:05Z", biz: recipients[1].id },
    ]));
    // a claim in flight is the processor's to record: its status waits in the inbox
    expect((await recipientRows(t.db, campaign.id))[0]).toMatchObject({ status: "sending", whatsapp_message_id: null });
    expect(await t.db.webhookInboxPending.count({ where: { whatsappMessageId: "wamid.RECONCILE1" } })).toBe(1);
    // the claim goes stale (its run died): reconciliation applies the echoed status
    expect(await reconcileStaleClaims({ db: t.db, now, staleClaimMs: 600_000 })).toEqual({ recovered: 1, unknown: 0 });
    const rows = await recipientRows(t.db, campaign.id);
    expect(rows[0]).toMatchObject({ status: "sent", whatsapp_message_id: "wamid.RECONCILE1", claim_id: null, sent_at: new Date("2026-03-02T10:00:02Z") });
    expect(rows[1]).toMatchObject({ status: "delivered", whatsapp_message_id: "wamid.RECONCILE2" });
    // the send is recorded in whatsapp_messages (it counts towards the messaging limit)
    const msgs = await t.db.whatsappMessage.findMany({ where: { whatsappMessageId: { in: ["wamid.RECONCILE1", "wamid.RECONCILE2"] } }, orderBy: { whatsappMessageId: "asc" } });
    expect(msgs.map((m) => [m.status, m.templateName, m.sentAt !== null])).toEqual([["sent", "promo", true], ["delivered", "promo", true]]);
    const k = await consistency(t.db, campaign.id);
    expect(k.counters).toEqual(k.recount);
    expect(k.analyticsMismatches).toBe(0);
  });

  it("keeps statuses of unknown messages and applies them when the send is recorded", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2, { status: "pending" });
    const [a, b] = recipients;
    const s = await handle(statusesPayload([
      { id: "wamid.EARLY1", status: "sent", at: "2026-03-02T10:00:02Z" },
      { id: "wamid.EARLY1", status: "delivered", at: "2026-03-02T10:00:04Z" },
      { id: "wamid.EARLY2", status: "read", at: "2026-03-02T10:00:09Z", biz: "00000000-0000-4000-8000-000000000000" },
    ]));
    expect(s.results.messages.statuses_pending).toBe(3);
    // stored once, however often it is delivered
    await handle(statusesPayload([{ id: "wamid.EARLY1", status: "sent", at: "2026-03-02T10:00:02Z" }]));
    const waiting = () => t.db.webhookInboxPending.count({ where: { whatsappMessageId: { in: ["wamid.EARLY1", "wamid.EARLY2"] } } });
    expect(await waiting()).toBe(3);
    expect(await t.db.webhookInboxEvent.count({ where: { whatsappMessageId: { in: ["wamid.EARLY1", "wamid.EARLY2"] } } })).toBe(3);

    // the engine records its send of a, then applies what was waiting for it
    await t.db.campaignRecipient.update({ where: { id: a.id }, data: { status: "queued", whatsappMessageId: "wamid.EARLY1", sentOn: new Date("2026-03-02"), sentAt: now } });
    const applied = await applyInbox({ db: t.db, now, wamids: ["wamid.EARLY1"], recipientIds: [a.id, b.id] });
    expect(applied).toMatchObject({ rows: 2, applied: 2, waiting: 0 });
    expect(applied.results.messages).toMatchObject({ recipients_updated: 1 });
    const rows = await recipientRows(t.db, campaign.id);
    expect(rows[0]).toMatchObject({ status: "delivered", delivered_at: new Date("2026-03-02T10:00:04Z") });
    expect(await t.db.webhookInboxPending.count({ where: { whatsappMessageId: "wamid.EARLY1" } })).toBe(0);
    expect(await t.db.webhookInboxPending.count({ where: { whatsappMessageId: "wamid.EARLY2" } })).toBe(1);
    expect(await applyInbox({ db: t.db, now })).toMatchObject({ applied: 0, waiting: 1 });
    const k = await consistency(t.db, campaign.id);
    expect(k.counters).toEqual(k.recount);
  });

  it("applies a batch of 1,000 statuses over many entries and changes in a few statements", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 450);
    const statuses = recipients.flatMap((r, i) => {
      const list = [{ id: r.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:02Z", pricing: true }];
      if (i % 4 !== 3) list.push({ id: r.whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:04Z", pricing: true });
      if (i % 2 === 0) list.push({ id: r.whatsappMessageId!, status: "read", at: "2026-03-02T10:10:00Z", pricing: false });
      return list;
    }).slice(0, 1000);
    expect(statuses).toHaveLength(1000);
    // shuffled deterministically
    const shuffled = statuses.map((s, i) => ({ s, k: (i * 7919) % 1000 })).sort((x, y) => x.k - y.k).map((x) => x.s);
    const summary = await handle(statusesPayload(shuffled, { changes: 10, entries: 5 }));
    expect(summary.stored).toMatchObject({ events: 1000, stored: 1000 });
    const k = await consistency(t.db, campaign.id);
    expect(k.counters).toEqual(k.recount);
    expect(k.analyticsMismatches).toBe(0);
    expect(k.recount.delivered).toBe(new Set(statuses.filter((x) => x.status !== "sent").map((x) => x.id)).size);
    expect(k.recount.read).toBeGreaterThan(150);
    // the same batch again: nothing changes
    const again = await handle(statusesPayload(shuffled, { changes: 3 }));
    expect(again.stored).toMatchObject({ events: 1000, stored: 0, duplicates: 1000 });
    expect(again.results.messages?.recipients_updated ?? 0).toBe(0);
  });

  it("a drain in INBOX_LANES lanes, beside a second drain, applies every stored status once, the same message's statuses split across chunks", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 300);
    // sent, delivered and read of each message far apart in arrival order: in different chunks and lanes
    const kinds = ["sent", "delivered", "read"] as const;
    const statuses = kinds.flatMap((status, k) => recipients.map((r) => ({ id: r.whatsappMessageId!, status, at: `2026-03-02T10:0${k}:00Z`, pricing: status !== "read" })));
    for (let i = 0; i < statuses.length; i += 100) await storeWebhookDelivery({ db: t.db, now, payload: statusesPayload(statuses.slice(i, i + 100)) });
    const [a, b] = await Promise.all([
      applyInbox({ db: t.db, now, log: quiet, chunk: 40 }),
      applyInbox({ db: t.db, now, log: quiet, chunk: 40 }),
    ]);
    // (other tests' rows may be pending in the same inbox)
    expect(a.applied + b.applied).toBeGreaterThanOrEqual(900);
    const k = await consistency(t.db, campaign.id);
    expect(k.recount.read).toBe(300);
    expect(k.counters).toEqual(k.recount);
    expect(k.analyticsMismatches).toBe(0);
    const states = await t.db.$queryRaw<Array<{ state: string; n: bigint }>>`
      SELECT state, count(*) AS n FROM webhook_inbox WHERE whatsapp_message_id = ANY(${recipients.map((r) => r.whatsappMessageId!)}::text[]) GROUP BY state`;
    expect(states.map((x) => [x.state, Number(x.n)])).toEqual([["accepted", 900]]);
    // every lane had work, and nothing is left in the queue
    const lanes = await t.db.$queryRaw<Array<{ lane: number }>>`
      SELECT DISTINCT webhook_inbox_lane('status', w, ${INBOX_LANES}::int) AS lane FROM unnest(${recipients.map((r) => r.whatsappMessageId!)}::text[]) AS w ORDER BY 1`;
    expect(lanes.map((x) => x.lane)).toEqual(Array.from({ length: INBOX_LANES }, (_, i) => i));
    expect(await t.db.webhookInboxPending.count({ where: { whatsappMessageId: { in: recipients.map((r) => r.whatsappMessageId!) } } })).toBe(0);
  });

  it("concurrent webhooks for the same rows do not deadlock or lose updates", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 100);
    const forward = recipients.map((r) => ({ id: r.whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:04Z" }));
    const reads = [...recipients].reverse().map((r) => ({ id: r.whatsappMessageId!, status: "read", at: "2026-03-02T10:05:00Z" }));
    await Promise.all([handle(statusesPayload(forward)), handle(statusesPayload(reads)), handle(statusesPayload(forward))]);
    const k = await consistency(t.db, campaign.id);
    expect(k.recount.read).toBe(100);
    expect(k.counters).toEqual(k.recount);
  });
});

describe("malformed payloads", () => {
  it("a malformed change next to good ones: the good ones are applied, the bad one quarantined with the reason", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2);
    const good = statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:04Z" }]);
    const alsoGood = statusesPayload([{ id: recipients[1].whatsappMessageId!, status: "read", at: "2026-03-02T10:00:06Z" }]);
    const bad = { ...good, entry: [...good.entry, { id: "1", changes: [{ field: "messages", value: { statuses: [{ id: 5, status: [] }] } }] }, ...alsoGood.entry] };
    const s = await handle(bad);
    expect(s.stored).toMatchObject({ events: 3, stored: 3, quarantined: 1 });
    expect(s.quarantined).toBe(1);
    const rows = await recipientRows(t.db, campaign.id);
    expect(rows.map((r) => r.status).sort()).toEqual(["delivered", "read"]);
    const q = await t.db.webhookInboxEvent.findMany({ where: { state: "quarantined", kind: "status" } });
    expect(q).toHaveLength(1);
    expect(q[0].reason).toMatch(/statuses\.0\.(id|status)/);
    // a re-delivery adds nothing
    expect((await handle(bad)).stored).toMatchObject({ stored: 0, duplicates: 3 });
  });

  it("stores a payload that is not a WhatsApp webhook as quarantined, never throws", async () => {
    for (const junk of [null, 42, "x", [], {}, { object: "whatsapp_business_account" }, { object: 1, entry: [] }, { object: "whatsapp_business_account", entry: [{ changes: "no" }] }]) {
      const s = await handle(junk);
      expect(s.stored.quarantined + s.stored.duplicates).toBe(1);
    }
  });

  it("ignores other objects, unknown fields and unknown status kinds", async () => {
    expect((await handle({ object: "page", entry: [] })).stored).toMatchObject({ events: 0 });
    const s = await handle(envelope([{ field: "flows", value: { event: "FLOW_STATUS_CHANGE", flow_id: "6627390910605886", old_status: "DRAFT", new_status: "PUBLISHED" } }]));
    expect(s).toMatchObject({ ignored: 1, applied: 0 });
    const d = await handle(statusesPayload([{ id: "wamid.X", status: "deleted", at: "2026-03-02T10:00:04Z" }]));
    expect(d.stored).toMatchObject({ ignored: 1 });
  });
});

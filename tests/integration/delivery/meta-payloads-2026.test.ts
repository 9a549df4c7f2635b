/**
 * Meta's payloads as they are today, on their documented shapes: customers with a username (no phone,
 * a business-scoped user id), failed statuses classified like send errors (the recipient treated as the
 * send's answer would have it), the system messages
 * user_changed_number and user_changed_user_id (business-scoped user id changes reported on the messages
 * field; the user_id_update field, held opt-outs and replies by user id are in username-customers.test.ts),
 * changes for another phone number, statuses[].pricing kept per message, and a customer's own STOP in
 * the same second as our import.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";
import { reopenCompletedCampaigns } from "@/lib/marketing/campaigns/complete-campaign-if-done";
import { createTestDb, type TestDb } from "../../support/db";
import { consistency, createCampaignWithRecipients, envelope, statusesPayload, ts } from "../whatsapp/fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const now = new Date("2026-03-02T12:00:00Z");
const quiet = { warn: () => {} };
const OWN = { wabaId: "102290129340398", phoneNumberId: "106540352242922" };
const handle = (payload: unknown, at = now) => handleWebhookPayload({ db: t.db, now: at, payload, log: quiet, own: OWN });

/** the whatsapp_messages rows the processor writes for accepted sends */
async function recordSends(campaignId: string, recipients: Array<{ id: string; phoneNumber: string; whatsappMessageId: string | null }>) {
  await t.db.whatsappMessage.createMany({ data: recipients.map((r) => ({
    direction: "outbound", campaignId, recipientId: r.id, phoneNumber: r.phoneNumber, whatsappMessageId: r.whatsappMessageId, status: "queued",
  })) });
}

describe("customers with a username", () => {
  it("an inbound STOP without a phone (contacts[].user_id only) unsubscribes the customer matched by user id; the delivery is not rejected", async () => {
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505550101", userId: "US.13491208655302741918" } });
    const s = await handle(envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "Sheena Nelson" }, user_id: "US.13491208655302741918" }],
      messages: [{ from_user_id: "US.13491208655302741918", id: "wamid.USERNAME1", timestamp: ts("2026-03-02T10:00:00Z"), type: "text", text: { body: "STOP" } }],
    } }]));
    expect(s.quarantined).toBe(0);
    expect(s.results.messages).toMatchObject({ inbound_stored: 1, unsubscribed: 1 });
    expect(await t.db.userProfile.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ subscription: "unsubscribed", subscriptionSource: "whatsapp_keyword" });
    const m = await t.db.whatsappMessage.findUniqueOrThrow({ where: { whatsappMessageId: "wamid.USERNAME1" } });
    expect(m).toMatchObject({ phoneNumber: null, userId: "US.13491208655302741918" });
  });

  it("user_preferences without wa_id (user id only) resumes the customer; a status's recipient_user_id is stored on the customer", async () => {
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505550102", userId: "US.222", subscription: "unsubscribed" } });
    await handle(envelope([{ field: "user_preferences", value: {
      contacts: [{ profile: { name: "Pablo" }, user_id: "US.222" }],
      user_preferences: [{ user_id: "US.222", detail: "User requested to resume marketing messages", category: "marketing_messages", value: "resume", timestamp: ts("2026-03-02T10:00:00Z") }],
    } }]));
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { id: c.id } })).subscription).toBe("subscribed");

    const { recipients } = await createCampaignWithRecipients(t.db, 1);
    await handle(envelope([{ field: "messages", value: { statuses: [{
      id: recipients[0].whatsappMessageId, status: "delivered", timestamp: ts("2026-03-02T10:00:04Z"), recipient_user_id: "US.333",
    }] } }]));
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { id: recipients[0].customerId! } })).userId).toBe("US.333");
  });
});

describe("failed statuses are classified like send errors", () => {
  it("a template-class code (132015) pauses the campaign with the reason; an account-class code (131048) holds sending with an alert", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2);
    await handle(statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:05Z", error: { code: 132015, title: "Template is paused" } }]));
    const c = await t.db.marketingCampaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(c).toMatchObject({ status: "paused", pausedBy: "template" });
    expect(c.pauseReason).toContain("132015");
    expect(await t.db.alert.count({ where: { kind: "campaign_paused_template", campaignId: campaign.id } })).toBe(1);

    await handle(statusesPayload([{ id: recipients[1].whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:06Z", error: { code: 131048, title: "Spam rate limit hit" } }]));
    const settings = await t.db.setting.findUniqueOrThrow({ where: { id: 1 } });
    expect(settings.sendHold).toBe(true);
    expect(await t.db.alert.count({ where: { kind: "send_hold" } })).toBeGreaterThan(0);
    // neither customer got the message, and neither failure is theirs: both are pending again, untouched
    // (no attempt spent, no deferral), sent once the campaign resumes and the hold is released
    const rows = await t.db.campaignRecipient.findMany({ where: { campaignId: campaign.id }, orderBy: { phoneNumber: "asc" } });
    expect(rows.map((r) => [r.status, r.errorCode, r.retryCount, r.deferredReason, r.nextAttemptAt])).toEqual([
      ["pending", 132015, 0, null, null], ["pending", 131048, 0, null, null],
    ]);
    const k = await consistency(t.db, campaign.id);
    expect(k.counters).toEqual(k.recount);
    await t.db.setting.update({ where: { id: 1 }, data: { sendHold: false, sendHoldReason: null, sendHoldSince: null } });
  });

  it("a retry-class code (131000) puts the recipient back with the engine's backoff and costs an attempt; the last attempt fails it; a late 'sent' of the failed message changes nothing", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2);
    await recordSends(campaign.id, recipients);
    await t.db.campaignRecipient.update({ where: { id: recipients[1].id }, data: { retryCount: 4 } });
    await handle(statusesPayload([
      { id: recipients[0].whatsappMessageId!, status: "failed", at: "2026-03-02T11:59:00Z", error: { code: 131000, title: "Something went wrong" } },
      { id: recipients[1].whatsappMessageId!, status: "failed", at: "2026-03-02T11:59:00Z", error: { code: 131000, title: "Something went wrong" } },
    ]));
    const [a, b] = await Promise.all(recipients.map((r) => t.db.campaignRecipient.findUniqueOrThrow({ where: { id: r.id } })));
    expect(a).toMatchObject({ status: "pending", retryCount: 1, errorCode: 131000, deferredReason: null, sentOn: null, whatsappMessageId: null });
    expect(a.nextAttemptAt).toEqual(new Date(now.getTime() + 60_000));
    expect(b).toMatchObject({ status: "failed", retryCount: 5, errorCode: 131000 });
    // Meta's "sent" of the failed message, delivered late (it echoes our recipient id): no proof of anything
    await handle(statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "sent", at: "2026-03-02T11:58:59Z", biz: recipients[0].id }]));
    expect((await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).status).toBe("pending");
    // the next attempt went out but its answer was lost (the recipient's outcome is unknown): its own status,
    // echoing our recipient id, proves it, so the customer is never sent a third time
    await t.db.campaignRecipient.update({ where: { id: recipients[0].id }, data: { status: "unknown", outcomeUnknownAt: now } });
    await handle(statusesPayload([{ id: "wamid.SECOND.ATTEMPT", status: "delivered", at: "2026-03-02T12:01:00Z", biz: recipients[0].id }]));
    expect(await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).toMatchObject({ status: "delivered", whatsappMessageId: "wamid.SECOND.ATTEMPT" });
    // and the first message's late statuses still touch only its own message row
    await handle(statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "sent", at: "2026-03-02T11:58:59Z", biz: recipients[0].id }]));
    expect((await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).whatsappMessageId).toBe("wamid.SECOND.ATTEMPT");
    const k = await consistency(t.db, campaign.id);
    expect(k.counters).toEqual(k.recount);
  });

  it("an account-class code that does not hold sending (131037) is retried with the backoff and an attempt; 132018 in a status fails only its recipient", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2);
    await recordSends(campaign.id, recipients);
    await handle(statusesPayload([
      { id: recipients[0].whatsappMessageId!, status: "failed", at: "2026-03-02T11:59:00Z", error: { code: 131037, title: "WhatsApp display name needs approval" } },
      { id: recipients[1].whatsappMessageId!, status: "failed", at: "2026-03-02T11:59:00Z", error: { code: 132018, title: "Template parameter value not allowed" } },
    ]));
    const [a, b] = await Promise.all(recipients.map((r) => t.db.campaignRecipient.findUniqueOrThrow({ where: { id: r.id } })));
    expect(a).toMatchObject({ status: "pending", retryCount: 1, errorCode: 131037 });
    expect(a.nextAttemptAt).toEqual(new Date(now.getTime() + 60_000));
    expect(b).toMatchObject({ status: "failed", errorCode: 132018 });
    expect((await t.db.marketingCampaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("active");
    expect((await t.db.setting.findUniqueOrThrow({ where: { id: 1 } })).sendHold).toBe(false);
  });

  it("a failure that puts a recipient back to pending after its campaign completed (131049 here) makes the campaign active again as it is applied, with an audit entry", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2);
    const done = await createCampaignWithRecipients(t.db, 1);
    await t.db.marketingCampaign.updateMany({ where: { id: { in: [campaign.id, done.campaign.id] } }, data: { status: "completed", completedAt: now } });
    await handle(statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "failed", at: "2026-03-02T11:59:00Z", error: { code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement." } }]));
    expect(await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).toMatchObject({ status: "pending", deferredReason: "meta_cap" });
    // active again at once (stats no longer say completed with a recipient pending until the next run)
    expect(await t.db.marketingCampaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ status: "active", completedAt: null });
    // a permanent failure (131026) leaves its completed campaign completed
    await handle(statusesPayload([{ id: done.recipients[0].whatsappMessageId!, status: "failed", at: "2026-03-02T11:59:00Z", error: { code: 131026, title: "Message undeliverable" } }]));
    expect((await t.db.marketingCampaign.findUniqueOrThrow({ where: { id: done.campaign.id } })).status).toBe("completed");
    expect(await t.db.auditLog.count({ where: { action: "campaign.reopen", entityId: campaign.id } })).toBe(1);
    // the processor's sweep (every run's start) finds nothing left to reopen; it reopens what it finds
    expect(await reopenCompletedCampaigns(t.db, { now })).not.toContain(campaign.id);
    await t.db.marketingCampaign.update({ where: { id: campaign.id }, data: { status: "completed", completedAt: now } });
    expect(await reopenCompletedCampaigns(t.db, { now })).toContain(campaign.id);
  });
});

describe("a payment problem holds sending", () => {
  it("a failed status with 131042 (business eligibility payment issue) puts all sending on hold with an alert, not only an alert", async () => {
    const { recipients } = await createCampaignWithRecipients(t.db, 1);
    await handle(statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:07Z", error: { code: 131042, title: "Business eligibility payment issue" } }]));
    const settings = await t.db.setting.findUniqueOrThrow({ where: { id: 1 } });
    expect(settings).toMatchObject({ sendHold: true });
    expect(settings.sendHoldReason).toContain("payment");
    await t.db.setting.update({ where: { id: 1 }, data: { sendHold: false, sendHoldReason: null, sendHoldSince: null } });
  });
});

describe("system messages", () => {
  it("user_changed_number moves the customer and their pending recipients to the new number", async () => {
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505557777" } });
    const { campaign } = await createCampaignWithRecipients(t.db, 0, { customers: false });
    await t.db.campaignRecipient.create({ data: { campaignId: campaign.id, phoneNumber: "16505557777", customerId: c.id, status: "pending" } });
    // Meta's documented shape: no contacts array; system.wa_id is the new number
    const s = await handle(envelope([{ field: "messages", value: { messages: [{
      from: "16505557777", id: "wamid.SYSTEM1", timestamp: ts("2026-03-02T10:00:00Z"), type: "system",
      system: { body: "User Sheena Nelson changed from 16505557777 to 12195557777", wa_id: "12195557777", type: "user_changed_number" },
    }] } }]));
    expect(s.results.messages).toMatchObject({ numbers_changed: 1 });
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { id: c.id } })).whatsappPhone).toBe("12195557777");
    expect((await t.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: campaign.id } })).phoneNumber).toBe("12195557777");
  });

  it("user_changed_number with Meta's BSUID fields also replaces the stored user id (previous_user_id → user_id)", async () => {
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505558888", userId: "US.13491208655302748888" } });
    // Meta's shape since Aug 2026: a number change regenerates the BSUID, reported with the previous one
    const s = await handle(envelope([{ field: "messages", value: { messages: [{
      from: "16505558888", id: "wamid.SYSTEM2", timestamp: ts("2026-03-02T10:00:00Z"), type: "system",
      system: {
        body: "User Sheena Nelson changed from 16505558888 to 12195558888", wa_id: "12195558888", type: "user_changed_number",
        user_id: "US.20491208655302741777", previous_user_id: "US.13491208655302748888",
        parent_user_id: "US.ENT.11815799212886844830", previous_parent_user_id: "US.ENT.11815799212886844830",
      },
    }] } }]));
    expect(s.results.messages).toMatchObject({ numbers_changed: 1, user_ids_updated: 1 });
    expect(await t.db.userProfile.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ whatsappPhone: "12195558888", userId: "US.20491208655302741777" });
  });

  it("user_changed_user_id (no phone: only the BSUID changed) updates the stored user id, matched by system.previous_user_id", async () => {
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505559999", userId: "BR.1502576394655843" } });
    const other = await t.db.userProfile.create({ data: { whatsappPhone: "16505559998", userId: "BR.9999576394655843" } });
    // Meta's documented shape: field "messages", type system, no contacts array and no phone number
    const s = await handle(envelope([{ field: "messages", value: { messages: [{
      id: "wamid.SYSTEM3", timestamp: ts("2026-03-02T10:05:00Z"), type: "system",
      system: { body: "User Sheena Nelson changed their user id", type: "user_changed_user_id", user_id: "BR.2602576394655999", previous_user_id: "BR.1502576394655843" },
    }] } }]));
    expect(s.quarantined).toBe(0);
    expect(s.results.messages).toMatchObject({ user_ids_updated: 1, numbers_changed: 0 });
    expect(await t.db.userProfile.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ whatsappPhone: "16505559999", userId: "BR.2602576394655999" });
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { id: other.id } })).userId).toBe("BR.9999576394655843");
    // a re-delivery changes nothing more
    const again = await handle(envelope([{ field: "messages", value: { messages: [{
      id: "wamid.SYSTEM3", timestamp: ts("2026-03-02T10:05:00Z"), type: "system",
      system: { body: "User Sheena Nelson changed their user id", type: "user_changed_user_id", user_id: "BR.2602576394655999", previous_user_id: "BR.1502576394655843" },
    }] } }]));
    expect(again.results.messages?.user_ids_updated ?? 0).toBe(0);
  });
});

describe("changes for another phone number or business account", () => {
  it("are ignored and counted, never applied", async () => {
    const { recipients } = await createCampaignWithRecipients(t.db, 1);
    const payload = statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "read", at: "2026-03-02T10:00:05Z" }]);
    payload.entry[0].changes[0].value.metadata.phone_number_id = "999999999999999";
    const s = await handle(payload);
    expect(s.stored).toMatchObject({ ignored: 1 });
    expect((await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).status).toBe("queued");
    const other = statusesPayload([{ id: recipients[0].whatsappMessageId!, status: "read", at: "2026-03-02T10:00:05Z" }]);
    other.entry[0].id = "555555555555555";
    expect((await handle(other)).stored).toMatchObject({ ignored: 1 });
    expect((await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: recipients[0].id } })).status).toBe("queued");
    expect(await t.db.webhookInboxEvent.count({ where: { state: "ignored", reason: { contains: "another" } } })).toBe(2);
  });
});

describe("pricing", () => {
  it("statuses[].pricing (billable, pricing_model, category, type) is kept per message", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 1);
    const r = recipients[0];
    await t.db.whatsappMessage.create({ data: { direction: "outbound", campaignId: campaign.id, recipientId: r.id, phoneNumber: r.phoneNumber, whatsappMessageId: r.whatsappMessageId, status: "queued" } });
    await handle(statusesPayload([{ id: r.whatsappMessageId!, status: "sent", at: "2026-03-02T10:00:05Z", pricing: true }]));
    expect(await t.db.whatsappMessage.findUniqueOrThrow({ where: { whatsappMessageId: r.whatsappMessageId! } }))
      .toMatchObject({ pricingBillable: true, pricingModel: "PMP", pricingCategory: "marketing", pricingType: "regular" });
  });
});

describe("a customer's own STOP is never lost to a clock comparison", () => {
  it("a STOP in the same second as our import, and a START in the same second as the STOP, both apply (ties by arrival)", async () => {
    const importedAt = new Date("2026-03-02T10:00:00.900Z");
    await upsertCustomers({ db: t.db, now: importedAt, rows: [{ phone: "+16505550199" }] });
    const stop = (id: string, body: string) => envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "A" }, wa_id: "16505550199" }],
      messages: [{ from: "16505550199", id, timestamp: ts("2026-03-02T10:00:00Z"), type: "text", text: { body } }],
    } }]);
    await handle(stop("wamid.SAME1", "STOP"));
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "16505550199" } })).subscription).toBe("unsubscribed");
    await handle(stop("wamid.SAME2", "START"));
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "16505550199" } })).subscription).toBe("subscribed");
  });
});

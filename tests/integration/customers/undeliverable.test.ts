/**
 * Customers WhatsApp cannot deliver to (lib/marketing/customers/undeliverable.ts): 131026 ("message
 * undeliverable") in settings.undeliverable_after campaigns in a row marks the customer not reachable; the
 * mark keeps them out of audiences and skips their pending recipients; a delivered message, a message from
 * them, a new number or a user's decision clears it. Statuses are Meta's documented failed-status shape
 * (statuses[].errors[] with code, title, message, error_data.details), through the webhook's own path.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, cloudClient, engineSuite, MISSING_ID } from "../engine/support";
import { createCampaignWithRecipients, envelope, statusesPayload, ts } from "../whatsapp/fixtures";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { claimBatch } from "@/lib/marketing/processing/claim-batch";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { NOT_REACHABLE_REASON } from "@/lib/marketing/customers/undeliverable";
import { findCustomers } from "@/lib/marketing/customers/find-customers";
import { audienceCountForView } from "@/lib/marketing/customers/audience-count";
import { followUpCounts } from "@/lib/marketing/engagement/follow-ups";
import { updateSendingSettings } from "@/lib/marketing/sending/sending-settings";
import * as undeliverableRoute from "@/app/api/marketing/customers/[customerId]/undeliverable/route";

const { e } = await engineSuite({
  noTemplateLibrary: true,
  reset: (e) => e.db.$executeRawUnsafe(`UPDATE settings SET undeliverable_after = 3, send_hold = false WHERE id = 1`),
});

const quiet = { warn: () => {} };
const OWN = { wabaId: "102290129340398", phoneNumberId: "106540352242922" };
const NOW = new Date("2026-03-02T12:00:00Z");
const handle = (payload: unknown, at = NOW) => handleWebhookPayload({ db: e.db, now: at, payload, log: quiet, own: OWN });
const UNDELIVERABLE = { code: 131026, title: "Message undeliverable" };

let prefix = 16505500000;
/** `n` campaigns with the same `count` customers, each sent (queued, with its whatsapp_messages row) */
async function sentCampaigns(n: number, count: number) {
  const phonePrefix = prefix;
  prefix += 1000;
  const campaigns = [];
  for (let i = 0; i < n; i++) {
    const c = await createCampaignWithRecipients(e.db, count, { phonePrefix });
    await e.db.whatsappMessage.createMany({ data: c.recipients.map((r) => ({
      direction: "outbound", campaignId: c.campaign.id, recipientId: r.id, phoneNumber: r.phoneNumber, whatsappMessageId: r.whatsappMessageId, status: "queued",
    })) });
    campaigns.push(c);
  }
  const customers = await e.db.userProfile.findMany({ where: { whatsappPhone: { in: campaigns[0].recipients.map((r) => r.phoneNumber) } }, orderBy: { whatsappPhone: "asc" } });
  return { campaigns, customers };
}
const profile = (id: string) => e.db.userProfile.findUniqueOrThrow({ where: { id } });
const failed = (wamid: string, at: string) => statusesPayload([{ id: wamid, status: "failed", at, error: UNDELIVERABLE }]);

describe("131026 in campaigns in a row marks the customer not reachable on WhatsApp", () => {
  it("counts each campaign's failed status once, marks at the third, and a delivered message in between starts over", async () => {
    const { campaigns: [c1, c2, c3], customers: [a, b] } = await sentCampaigns(3, 2);
    await handle(failed(c1.recipients[0].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    await handle(failed(c1.recipients[1].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    // Meta delivers the same status again, and a later failed status of an already failed message: no second count
    await handle(failed(c1.recipients[0].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    await handle(failed(c1.recipients[0].whatsappMessageId!, "2026-03-02T10:05:00Z"));
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 1, undeliverableSince: null });

    await handle(failed(c2.recipients[0].whatsappMessageId!, "2026-03-02T10:10:00Z"));
    // b's message of the second campaign is delivered: b is on WhatsApp after all
    await handle(statusesPayload([{ id: c2.recipients[1].whatsappMessageId!, status: "delivered", at: "2026-03-02T10:10:00Z" }]));
    expect(await profile(b.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null, undeliverableLastAt: null });
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 2, undeliverableSince: null });

    await handle(failed(c3.recipients[0].whatsappMessageId!, "2026-03-02T10:20:00Z"));
    await handle(failed(c3.recipients[1].whatsappMessageId!, "2026-03-02T10:20:00Z"));
    const marked = await profile(a.id);
    expect(marked).toMatchObject({ undeliverableCount: 3, subscription: "subscribed" });
    expect(marked.undeliverableSince?.toISOString()).toBe(NOW.toISOString());
    expect(marked.undeliverableLastAt?.toISOString()).toBe("2026-03-02T10:20:00.000Z");
    expect(await profile(b.id)).toMatchObject({ undeliverableCount: 1, undeliverableSince: null });
    // each recipient failed with Meta's reason, as before
    expect(await e.db.campaignRecipient.findUniqueOrThrow({ where: { id: c3.recipients[0].id } })).toMatchObject({ status: "failed", errorCode: 131026 });
  });

  it("a delivered status that arrives late, for a message delivered before the last failure, clears nothing", async () => {
    const { campaigns: [c1, c2], customers: [a] } = await sentCampaigns(2, 1);
    await handle(failed(c2.recipients[0].whatsappMessageId!, "2026-03-02T10:30:00Z"));
    // the first campaign's message was delivered at 10:00; Meta's status for it comes after the failure
    await handle(statusesPayload([{ id: c1.recipients[0].whatsappMessageId!, status: "delivered", at: "2026-03-02T10:00:00Z" }]));
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 1 });
    // one delivered after the failure clears it
    const { campaign: c3 } = await createCampaignWithRecipients(e.db, 1, { phonePrefix: Number(a.whatsappPhone) - 1, customers: false });
    await e.db.whatsappMessage.create({ data: { direction: "outbound", campaignId: c3.id, recipientId: (await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c3.id } })).id,
      phoneNumber: a.whatsappPhone, whatsappMessageId: `wamid.T${c3.id}.1`, status: "queued" } });
    await handle(statusesPayload([{ id: `wamid.T${c3.id}.1`, status: "read", at: "2026-03-02T10:40:00Z" }]));
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null });
  });

  it("counts the same whatever order Meta's statuses arrive in: a failure from before a delivery counts for nothing", async () => {
    const { campaigns: [c1, c2, c3], customers: [a, b, c] } = await sentCampaigns(3, 3);
    // each customer: the first campaign's message undeliverable at 10:00, the second's delivered at 10:10,
    // the third's undeliverable at 10:20; applied in a different order for each
    const f1 = (i: number) => failed(c1.recipients[i].whatsappMessageId!, "2026-03-02T10:00:00Z");
    const d2 = (i: number) => statusesPayload([{ id: c2.recipients[i].whatsappMessageId!, status: "delivered", at: "2026-03-02T10:10:00Z" }]);
    const f3 = (i: number) => failed(c3.recipients[i].whatsappMessageId!, "2026-03-02T10:20:00Z");
    for (const p of [f1(0), d2(0), f3(0)]) await handle(p);
    for (const p of [f3(1), d2(1), f1(1)]) await handle(p);
    for (const p of [d2(2), f1(2)]) await handle(p);
    // c's late failure from before the delivery counts for nothing, though c had no count when it came
    expect(await profile(c.id)).toMatchObject({ undeliverableCount: 0, undeliverableLastAt: null });
    await handle(f3(2));
    for (const x of [a, b, c]) {
      const p = await profile(x.id);
      expect({ count: p.undeliverableCount, last: p.undeliverableLastAt?.toISOString(), since: p.undeliverableSince })
        .toEqual({ count: 1, last: "2026-03-02T10:20:00.000Z", since: null });
    }
  });

  it("a new threshold (settings) marks and unmarks the customers with a count at once", async () => {
    const { campaigns: [c1, c2], customers: [a, b] } = await sentCampaigns(2, 2);
    for (const c of [c1, c2]) await handle(failed(c.recipients[0].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    await handle(failed(c1.recipients[1].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    expect([(await profile(a.id)).undeliverableCount, (await profile(b.id)).undeliverableCount]).toEqual([2, 1]);
    const later = new Date("2026-03-02T13:00:00Z");
    await updateSendingSettings({ db: e.db, now: later, input: { undeliverable_after: 2 } });
    expect((await profile(a.id)).undeliverableSince?.toISOString()).toBe(later.toISOString());
    expect((await profile(b.id)).undeliverableSince).toBeNull();
    await updateSendingSettings({ db: e.db, now: NOW, input: { undeliverable_after: 1 } });
    // a keeps the instant it was marked at; b is marked now
    expect((await profile(a.id)).undeliverableSince?.toISOString()).toBe(later.toISOString());
    expect((await profile(b.id)).undeliverableSince?.toISOString()).toBe(NOW.toISOString());
    await updateSendingSettings({ db: e.db, now: NOW, input: { undeliverable_after: 0 } });
    expect([(await profile(a.id)).undeliverableSince, (await profile(b.id)).undeliverableSince]).toEqual([null, null]);
    // the counts stay: back at 2, a is marked again
    await updateSendingSettings({ db: e.db, now: NOW, input: { undeliverable_after: 2 } });
    expect((await profile(a.id)).undeliverableSince).not.toBeNull();
    expect((await profile(b.id)).undeliverableSince).toBeNull();
  });

  it("a failure of a number the customer has since left (user_changed_number) counts for nobody", async () => {
    const { campaigns: [c1], customers: [a] } = await sentCampaigns(1, 1);
    const next = String(Number(a.whatsappPhone) + 700);
    await handle(envelope([{ field: "messages", value: {
      messages: [{ from: a.whatsappPhone, id: `wamid.SYS${a.id}`, timestamp: ts("2026-03-02T10:00:00Z"), type: "system",
        system: { body: `User A changed from ${a.whatsappPhone} to ${next}`, wa_id: next, type: "user_changed_number" } }],
    } }]));
    expect((await profile(a.id)).whatsappPhone).toBe(next);
    await handle(failed(c1.recipients[0].whatsappMessageId!, "2026-03-02T10:05:00Z"));
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null });
  });

  it("another failure class never counts; undeliverable_after 0 never marks, 1 marks at the first", async () => {
    const { campaigns: [c1, c2], customers: [a, b] } = await sentCampaigns(2, 2);
    await handle(statusesPayload([{ id: c1.recipients[0].whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:00Z", error: { code: 130472, title: "User's number is part of an experiment" } }]));
    expect((await profile(a.id)).undeliverableCount).toBe(0);

    await e.db.$executeRawUnsafe(`UPDATE settings SET undeliverable_after = 0 WHERE id = 1`);
    await handle(failed(c1.recipients[1].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    expect(await profile(b.id)).toMatchObject({ undeliverableCount: 1, undeliverableSince: null });
    await e.db.$executeRawUnsafe(`UPDATE settings SET undeliverable_after = 1 WHERE id = 1`);
    await handle(failed(c2.recipients[0].whatsappMessageId!, "2026-03-02T10:10:00Z"));
    expect((await profile(a.id)).undeliverableSince).not.toBeNull();
  });
});

describe("a customer marked not reachable", () => {
  async function markedCustomer() {
    await e.db.$executeRawUnsafe(`UPDATE settings SET undeliverable_after = 1 WHERE id = 1`);
    const { campaigns: [c1], customers: [a, b] } = await sentCampaigns(1, 2);
    await handle(failed(c1.recipients[0].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    expect((await profile(a.id)).undeliverableSince).not.toBeNull();
    return { a, b };
  }

  it("is in no target audience (adding and counting), and their pending recipients are skipped at sending, not sent", async () => {
    const { a, b } = await markedCustomer();
    const tag = `t${prefix}`;
    await e.db.userProfile.updateMany({ where: { id: { in: [a.id, b.id] } }, data: { tags: [tag] } });
    const c = await createCampaign({ db: e.db, now: NOW, input: { name: "Audience", template_name: "promo_hello", target_audience: { tags: [tag] } } });
    const added = await addRecipients({ db: e.db, now: NOW, timezone: "UTC", campaignId: c.id, useTargetAudience: true });
    expect(added.recipients_added).toBe(1);
    expect((await e.db.campaignRecipient.findMany({ where: { campaignId: c.id } })).map((r) => r.phoneNumber)).toEqual([b.whatsappPhone]);
    expect((await audienceCountForView({ db: e.db, audience: { tags: [tag] }, now: NOW })).value).toEqual({ kind: "exact", count: 1 });

    // the marketer adds both numbers explicitly to an active campaign: b is claimed, a is skipped with the reason
    const { campaign: d } = await createCampaignWithRecipients(e.db, 2, { status: "pending", phonePrefix: Number(a.whatsappPhone) - 1, customers: false });
    const r = await claimBatch({ db: e.db, campaignId: d.id, today: "2026-03-02", due: "2026-03-02", now: NOW, batchSize: 10, messagingLimit: null });
    expect(r).toMatchObject({ kind: "claimed", skipped: 1 });
    if (r.kind !== "claimed") throw new Error(r.kind);
    expect(r.recipients.map((x) => x.phone)).toEqual([b.whatsappPhone]);
    expect(await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: d.id, phoneNumber: a.whatsappPhone } }))
      .toMatchObject({ status: "skipped", failureReason: NOT_REACHABLE_REASON });
  });

  it("is listed by the API with reachable=false and the mark's fields", async () => {
    const { a } = await markedCustomer();
    const page = await findCustomers({ db: e.db, query: { reachable: "false", limit: 200 }, role: "admin" });
    const row = page.customers.find((c) => c.id === a.id);
    expect(row).toMatchObject({ undeliverable_count: 1 });
    expect(row?.undeliverable_since).toBe(NOW.toISOString());
    expect(page.customers.every((c) => c.undeliverable_since !== null)).toBe(true);
    const reachable = await findCustomers({ db: e.db, query: { reachable: "true", limit: 200 }, role: "admin" });
    expect(reachable.customers.some((c) => c.id === a.id)).toBe(false);
  });

  it("is cleared by a message from them (Meta's inbound text message)", async () => {
    const { a } = await markedCustomer();
    await handle(envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "Kerry Fisher" }, wa_id: a.whatsappPhone }],
      messages: [{ from: a.whatsappPhone, id: `wamid.HI${a.id}`, timestamp: ts("2026-03-02T11:00:00Z"), type: "text", text: { body: "Hi, is the sale still on?" } }],
    } }]));
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null });
  });

  it("is cleared by a message from them that names them by their WhatsApp id (not the stored number) or by user id only", async () => {
    const { a, b } = await markedCustomer();
    await e.db.$executeRawUnsafe(`UPDATE settings SET undeliverable_after = 1 WHERE id = 1`);
    // a's WhatsApp id differs from the number we imported (Brazil's ninth digit, Mexico's 521, …)
    const waId = String(Number(a.whatsappPhone) + 900);
    await e.db.userProfile.update({ where: { id: a.id }, data: { waId } });
    await handle(envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "Kerry Fisher" }, wa_id: waId }],
      messages: [{ from: waId, id: `wamid.WA${a.id}`, timestamp: ts("2026-03-02T11:00:00Z"), type: "text", text: { body: "Hello" } }],
    } }]));
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null });

    // b has a username: Meta sends their message with a user id and no number
    const { campaigns: [c2] } = { campaigns: [await createCampaignWithRecipients(e.db, 1, { phonePrefix: Number(b.whatsappPhone) - 1, customers: false })] };
    await e.db.whatsappMessage.create({ data: { direction: "outbound", campaignId: c2.campaign.id, recipientId: c2.recipients[0].id, phoneNumber: b.whatsappPhone,
      whatsappMessageId: c2.recipients[0].whatsappMessageId, status: "queued" } });
    await handle(failed(c2.recipients[0].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    await e.db.userProfile.update({ where: { id: b.id }, data: { userId: `US.${b.id.slice(0, 8)}` } });
    expect((await profile(b.id)).undeliverableSince).not.toBeNull();
    await handle(envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "Pablo" }, user_id: `US.${b.id.slice(0, 8)}` }],
      messages: [{ from_user_id: `US.${b.id.slice(0, 8)}`, id: `wamid.U${b.id}`, timestamp: ts("2026-03-02T11:00:00Z"), type: "text", text: { body: "Hi" } }],
    } }]));
    expect(await profile(b.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null });
  });

  it("is left out of follow-ups too (they are drafts of still-reachable recipients)", async () => {
    const { a, b } = await markedCustomer();
    const { campaign: parent } = await createCampaignWithRecipients(e.db, 2, { phonePrefix: Number(a.whatsappPhone) - 1, customers: false });
    await e.db.campaignRecipient.updateMany({ where: { campaignId: parent.id }, data: { status: "delivered", deliveredAt: NOW } });
    // of the two delivered and unread, only b (reachable) is offered
    expect((await followUpCounts(e.db, parent.id)).not_read).toBe(1);
    expect(b.undeliverableCount).toBe(0);
  });

  it("is cleared when their number changes (the mark belongs to the number)", async () => {
    const { a } = await markedCustomer();
    await e.db.userProfile.update({ where: { id: a.id }, data: { whatsappPhone: String(Number(a.whatsappPhone) + 500) } });
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null });
  });

  it("is cleared by a user through the API (audited); a second call changes nothing; a bad id is a 404, not a 500", async () => {
    const { a } = await markedCustomer();
    const r = await call(undeliverableRoute.DELETE, { method: "DELETE", params: { customerId: a.id } });
    expect(r).toMatchObject({ status: 200, body: { id: a.id, changed: true, undeliverable_count: 0, undeliverable_since: null } });
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null });
    expect(await e.db.auditLog.count({ where: { action: "customer.mark_reachable", entityId: a.id } })).toBe(1);
    expect((await call(undeliverableRoute.DELETE, { method: "DELETE", params: { customerId: a.id } })).body).toMatchObject({ changed: false });
    expect(await e.db.auditLog.count({ where: { action: "customer.mark_reachable", entityId: a.id } })).toBe(1);
    expect((await call(undeliverableRoute.DELETE, { method: "DELETE", params: { customerId: MISSING_ID } })).status).toBe(404);
    expect((await call(undeliverableRoute.DELETE, { method: "DELETE", params: { customerId: "not-a-uuid" } })).status).toBe(404);
  });
});

describe("what clears the count stays cleared, whatever arrives late", () => {
  it("a failure dated before a user marked the customer reachable counts for nothing when its status comes after", async () => {
    await e.db.$executeRawUnsafe(`UPDATE settings SET undeliverable_after = 1 WHERE id = 1`);
    const { campaigns: [c1, c2], customers: [a] } = await sentCampaigns(2, 1);
    await handle(failed(c1.recipients[0].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    expect((await profile(a.id)).undeliverableSince).not.toBeNull();
    // the user marks them reachable (now); the second campaign's failure from before that arrives afterwards
    expect((await call(undeliverableRoute.DELETE, { method: "DELETE", params: { customerId: a.id } })).status).toBe(200);
    await handle(failed(c2.recipients[0].whatsappMessageId!, "2026-03-02T11:00:00Z"));
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null });
  });

  it("a new number starts at nothing: failures of that number from before it was the customer's count for nobody", async () => {
    const { campaigns: [c1], customers: [a, b] } = await sentCampaigns(1, 2);
    // b's number failed before; then b leaves it and a takes it over
    await handle(failed(c1.recipients[1].whatsappMessageId!, "2026-03-02T10:00:00Z"));
    const taken = b.whatsappPhone;
    await e.db.userProfile.update({ where: { id: b.id }, data: { whatsappPhone: String(Number(b.whatsappPhone) + 800) } });
    await e.db.userProfile.update({ where: { id: a.id }, data: { whatsappPhone: taken } });
    // a's own first failure on that number (after the change, which the database dated now): one, not two
    const after = new Date(Date.now() + 60_000);
    const { campaign: c2, recipients: [r] } = await createCampaignWithRecipients(e.db, 1, { phonePrefix: Number(taken) - 1, customers: false });
    await e.db.whatsappMessage.create({ data: { direction: "outbound", campaignId: c2.id, recipientId: r.id, phoneNumber: taken, whatsappMessageId: r.whatsappMessageId, status: "queued" } });
    await handle(failed(r.whatsappMessageId!, after.toISOString()), after);
    expect((await profile(a.id)).undeliverableCount).toBe(1);
  });
});

describe("a send refused with 131026 (the Cloud API's answer)", () => {
  it("counts like a failed status, once per recipient", async () => {
    const now = new Date("2026-03-03T15:00:00Z");
    const phone = String(prefix + 1);
    prefix += 1000;
    await e.db.userProfile.create({ data: { whatsappPhone: phone, subscription: "subscribed" } });
    const c = await createCampaign({ db: e.db, now, input: { name: "Refused", template_name: "promo_hello", daily_send_limit: 10 } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: [phone] });
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: "2026-03-03" });
    e.graph.script({ to: phone, error: { code: 131026, title: "Message undeliverable", httpStatus: 400 } });
    await runDailyProcessing({ db: e.db, now, whatsapp: cloudClient(e.graph), config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 20_000, staleClaimMs: 600_000 } });
    expect(await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c.id } })).toMatchObject({ status: "failed", errorCode: 131026 });
    expect(await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: phone } })).toMatchObject({ undeliverableCount: 1, undeliverableSince: null });
  });

  it("a count too high, as a delivery applied at the same instant as a failure leaves it, is recounted by the next processor run before it sends", async () => {
    await e.db.$executeRawUnsafe(`UPDATE settings SET undeliverable_after = 1 WHERE id = 1`);
    const { campaigns: [c1, c2], customers: [a, b] } = await sentCampaigns(2, 2);
    // both customers' first message undeliverable at 10:00: each is marked
    for (const r of c1.recipients) await handle(failed(r.whatsappMessageId!, "2026-03-02T10:00:00Z"));
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 1, undeliverableSince: NOW });
    // a's second message was delivered at 10:10, and its transaction committed beside the failure's: it looked
    // for a count before the failure's committed one (none, so nothing to recount), and the failure's recount
    // could not see the delivery. The rows say a is reachable; the count still says 1, and marks a.
    await e.db.campaignRecipient.update({ where: { id: c2.recipients[0].id }, data: { status: "delivered", sentAt: new Date("2026-03-02T10:09:00Z"), deliveredAt: new Date("2026-03-02T10:10:00Z") } });
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 1, undeliverableSince: NOW });

    const later = new Date(NOW.getTime() + 60 * 60 * 1000);
    await runDailyProcessing({ db: e.db, now: later, whatsapp: cloudClient(e.graph), config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 20_000, staleClaimMs: 600_000 } });
    expect(await profile(a.id)).toMatchObject({ undeliverableCount: 0, undeliverableSince: null, undeliverableLastAt: null });
    // b's count agrees with its rows: unchanged, still marked from NOW
    expect(await profile(b.id)).toMatchObject({ undeliverableCount: 1, undeliverableSince: NOW, updatedAt: NOW });
  });
});

/**
 * Customers with a WhatsApp username, on Meta's documented shapes (business-scoped user ids, "BSUID"):
 *  - an opt-out (a STOP reply, user_preferences) that names only a user id no customer has yet is held,
 *    and applied in the transaction that gives a customer that user id (a status's recipient_user_id, an
 *    inbound message with both number and id, a user_id_update): never dropped;
 *  - the webhook field user_id_update (Meta's BSUID rotation) replaces the stored user id; a late, older
 *    change never overwrites a newer id;
 *  - user_changed_user_id without the previous id finds the customer by number;
 *  - a message without a number is a reply to the campaign message its customer (by user id) got; a
 *    reaction taken back is no reply.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { storeWebhookDelivery } from "@/lib/marketing/delivery/store-webhook-delivery";
import { createTestDb, type TestDb } from "../../support/db";
import { createCampaignWithRecipients, envelope, ts } from "../whatsapp/fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const now = new Date("2026-03-02T12:00:00Z");
const quiet = { warn: () => {} };
const handle = (payload: unknown) => handleWebhookPayload({ db: t.db, now, payload, log: quiet });
const profile = (id: string) => t.db.userProfile.findUniqueOrThrow({ where: { id } });
const held = (userId: string) => t.db.heldSubscriptionChange.findUnique({ where: { userId } });

/** Meta's inbound text from a customer with a username who does not share the number */
const usernameText = (userId: string, wamid: string, at: string, body: string) => envelope([{ field: "messages", value: {
  contacts: [{ profile: { name: "Sheena Nelson", username: "@sheena" }, user_id: userId }],
  messages: [{ from_user_id: userId, id: wamid, timestamp: ts(at), type: "text", text: { body } }],
} }]);

/** Meta's user_preferences change naming the user id only */
const preference = (userId: string, value: "stop" | "resume", at: string) => envelope([{ field: "user_preferences", value: {
  contacts: [{ profile: { name: "Pablo Morales", username: "@pablo" }, user_id: userId }],
  user_preferences: [{ user_id: userId, detail: `User requested to ${value} marketing messages`, category: "marketing_messages", value, timestamp: ts(at) }],
} }]);

describe("an opt-out from a user id no customer has yet", () => {
  it("a STOP reply is held, then applied when a delivered status gives that user id to the customer it was sent to", async () => {
    const uid = "US.40491208655302741001";
    const s = await handle(usernameText(uid, "wamid.HELD1", "2026-03-02T10:30:00Z", "STOP"));
    expect(s.quarantined).toBe(0);
    expect(s.results.messages).toMatchObject({ inbound_stored: 1, unsubscribed: 0 });
    expect(await held(uid)).toMatchObject({ action: "unsubscribe", source: "whatsapp_keyword", at: new Date("2026-03-02T10:30:00Z") });

    const { recipients } = await createCampaignWithRecipients(t.db, 1);
    const r = await handle(envelope([{ field: "messages", value: { statuses: [{
      id: recipients[0].whatsappMessageId, status: "delivered", timestamp: ts("2026-03-02T10:40:00Z"),
      recipient_id: recipients[0].phoneNumber, recipient_user_id: uid,
    }] } }]));
    expect(r.results.held_subscription_changes).toEqual({ applied: 1 });
    expect(await profile(recipients[0].customerId!)).toMatchObject({
      userId: uid, subscription: "unsubscribed", subscriptionSource: "whatsapp_keyword", subscriptionChangedAt: new Date("2026-03-02T10:30:00Z"),
    });
    expect(await held(uid)).toBeNull();
  });

  it("user_preferences 'stop' is held, then applied when an inbound message carries the number and the user id together", async () => {
    const uid = "US.40491208655302741002";
    await handle(preference(uid, "stop", "2026-03-02T10:00:00Z"));
    expect(await held(uid)).toMatchObject({ action: "unsubscribe", source: "user_preferences" });
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505550402" } });
    const r = await handle(envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "Pablo Morales", username: "@pablo" }, wa_id: "16505550402", user_id: uid }],
      messages: [{ from: "16505550402", from_user_id: uid, id: "wamid.HELD2", timestamp: ts("2026-03-02T10:05:00Z"), type: "text", text: { body: "Hi, where is my order?" } }],
    } }]));
    expect(r.results.held_subscription_changes).toEqual({ applied: 1 });
    expect(await profile(c.id)).toMatchObject({ userId: uid, subscription: "unsubscribed", subscriptionSource: "user_preferences" });
  });

  it("the latest change per user id is held, whatever order they arrive in; the same delivery twice holds nothing more", async () => {
    const uid = "US.40491208655302741003";
    await handle(preference(uid, "resume", "2026-03-02T10:05:00Z"));
    await handle(preference(uid, "stop", "2026-03-02T10:00:00Z")); // older, delivered late
    await handle(preference(uid, "resume", "2026-03-02T10:05:00Z")); // re-delivered
    expect(await held(uid)).toMatchObject({ action: "subscribe", at: new Date("2026-03-02T10:05:00Z") });
    expect(await t.db.heldSubscriptionChange.count({ where: { userId: uid } })).toBe(1);
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505550403", subscription: "unsubscribed" } });
    await handle(envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "A" }, wa_id: "16505550403", user_id: uid }],
      messages: [{ from: "16505550403", from_user_id: uid, id: "wamid.HELD3", timestamp: ts("2026-03-02T10:10:00Z"), type: "text", text: { body: "thanks" } }],
    } }]));
    expect(await profile(c.id)).toMatchObject({ subscription: "subscribed", subscriptionSource: "user_preferences" });
  });

  it("a held change older than the customer's own latest WhatsApp event changes nothing when it is applied", async () => {
    const uid = "US.40491208655302741004";
    await handle(preference(uid, "stop", "2026-03-02T09:00:00Z"));
    // the customer, known by number, said START later (10:00) before their user id was known
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505550404", subscription: "unsubscribed" } });
    await handle(envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "A" }, wa_id: "16505550404" }],
      messages: [{ from: "16505550404", id: "wamid.HELD4", timestamp: ts("2026-03-02T10:00:00Z"), type: "text", text: { body: "START" } }],
    } }]));
    expect((await profile(c.id)).subscription).toBe("subscribed");
    const { campaign } = await createCampaignWithRecipients(t.db, 0, { customers: false });
    const r = await t.db.campaignRecipient.create({ data: { campaignId: campaign.id, phoneNumber: "16505550404", customerId: c.id, status: "queued", whatsappMessageId: "wamid.HELD4.OUT", sentAt: new Date("2026-03-02T10:20:00Z") } });
    await handle(envelope([{ field: "messages", value: { statuses: [{ id: r.whatsappMessageId, status: "read", timestamp: ts("2026-03-02T10:30:00Z"), recipient_id: "16505550404", recipient_user_id: uid }] } }]));
    expect(await profile(c.id)).toMatchObject({ userId: uid, subscription: "subscribed" });
    expect(await held(uid)).toBeNull();
  });
});

describe("user_id_update (Meta's webhook field for a replaced user id)", () => {
  const update = (entries: Array<{ wa_id?: string; previous: string; current: string; at: string }>) => envelope([{ field: "user_id_update", value: {
    contacts: entries.filter((e) => e.wa_id).map((e) => ({ profile: { name: "Sheena Nelson", username: "@sheena" }, wa_id: e.wa_id })),
    user_id_update: entries.map((e) => ({
      ...(e.wa_id ? { wa_id: e.wa_id } : {}), detail: "User id for Sheena Nelson has been updated.",
      user_id: { previous: e.previous, current: e.current },
      parent_user_id: { previous: "US.ENT.11815799212886844830", current: "US.ENT.11815799212886849999" },
      timestamp: ts(e.at),
    })),
  } }]);

  it("replaces the previous id, gives an id to a customer found by number who has none, and never puts back an older id", async () => {
    const a = await t.db.userProfile.create({ data: { whatsappPhone: "16505550501", userId: "US.501.OLD" } });
    const b = await t.db.userProfile.create({ data: { whatsappPhone: "16505550502" } });
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505550503", userId: "US.503.NEWEST" } });
    // a STOP sent under the new id before the update reached us: held until the update names it
    await handle(usernameText("US.501.NEW", "wamid.UIDU1", "2026-03-02T10:00:00Z", "STOP"));
    expect(await held("US.501.NEW")).not.toBeNull();

    const r = await handle(update([
      { wa_id: "16505550501", previous: "US.501.OLD", current: "US.501.NEW", at: "2026-03-02T10:01:00Z" },
      { wa_id: "16505550502", previous: "US.502.UNKNOWN", current: "US.502.NEW", at: "2026-03-02T10:01:00Z" },
      { wa_id: "16505550503", previous: "US.503.OLDEST", current: "US.503.OLDER", at: "2026-03-02T09:00:00Z" },
    ]));
    expect(r.quarantined).toBe(0);
    expect(r.results.user_id_update).toEqual({ user_id_updates: 3, user_ids_updated: 2 });
    expect(r.results.held_subscription_changes).toEqual({ applied: 1 });
    expect(await profile(a.id)).toMatchObject({ userId: "US.501.NEW", subscription: "unsubscribed" });
    expect((await profile(b.id)).userId).toBe("US.502.NEW");
    expect((await profile(c.id)).userId).toBe("US.503.NEWEST");
  });

  it("a STOP held for an id that WhatsApp then replaces follows it: applied when a customer gets the new id", async () => {
    await handle(usernameText("US.521.OLD", "wamid.UIDU521", "2026-03-02T10:00:00Z", "STOP"));
    await handle(update([{ previous: "US.521.OLD", current: "US.521.NEW", at: "2026-03-02T10:01:00Z" }]));
    expect(await held("US.521.OLD")).toBeNull();
    expect(await held("US.521.NEW")).toMatchObject({ action: "unsubscribe" });
    const { recipients } = await createCampaignWithRecipients(t.db, 1);
    await handle(envelope([{ field: "messages", value: { statuses: [{
      id: recipients[0].whatsappMessageId, status: "delivered", timestamp: ts("2026-03-02T10:40:00Z"), recipient_id: recipients[0].phoneNumber, recipient_user_id: "US.521.NEW",
    }] } }]));
    expect(await profile(recipients[0].customerId!)).toMatchObject({ userId: "US.521.NEW", subscription: "unsubscribed" });
  });

  it("without wa_id (the number withheld) the previous id alone finds the customer", async () => {
    const a = await t.db.userProfile.create({ data: { whatsappPhone: "16505550511", userId: "US.511.OLD" } });
    await handle(update([{ previous: "US.511.OLD", current: "US.511.NEW", at: "2026-03-02T10:01:00Z" }]));
    expect((await profile(a.id)).userId).toBe("US.511.NEW");
  });
});

describe("user_changed_user_id without the previous id", () => {
  it("finds the customer by the sender's number", async () => {
    const c = await t.db.userProfile.create({ data: { whatsappPhone: "16505550601", userId: "US.601.OLD" } });
    const s = await handle(envelope([{ field: "messages", value: { messages: [{
      from: "16505550601", id: "wamid.SYSTEM601", timestamp: ts("2026-03-02T10:05:00Z"), type: "system",
      system: { body: "User Sheena Nelson changed their user id", type: "user_changed_user_id", user_id: "US.601.NEW" },
    }] } }]));
    expect(s.results.messages).toMatchObject({ user_ids_updated: 1 });
    expect((await profile(c.id)).userId).toBe("US.601.NEW");
  });
});

describe("replies from a customer with a username", () => {
  it("a message without a number is a reply to the campaign message its customer got; a reaction counts, a reaction taken back does not", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 1);
    const r = recipients[0];
    await t.db.userProfile.update({ where: { id: r.customerId! }, data: { userId: "US.701" } });
    await handle(usernameText("US.701", "wamid.REPLY701", "2026-03-02T10:10:00Z", "Is this still on?"));
    const reaction = (wamid: string, at: string, emoji: string | undefined) => envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "Sheena Nelson", username: "@sheena" }, user_id: "US.701" }],
      messages: [{ from_user_id: "US.701", id: wamid, timestamp: ts(at), type: "reaction", reaction: { message_id: r.whatsappMessageId, ...(emoji === undefined ? {} : { emoji }) } }],
    } }]);
    await handle(reaction("wamid.REACT701", "2026-03-02T10:11:00Z", "\u{1F44D}"));
    await handle(reaction("wamid.UNREACT701", "2026-03-02T10:12:00Z", ""));
    await handle(reaction("wamid.UNREACT702", "2026-03-02T10:13:00Z", undefined));
    expect(await t.db.campaignRecipient.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({
      replyCount: 2, repliedAt: new Date("2026-03-02T10:10:00Z"), lastRepliedAt: new Date("2026-03-02T10:11:00Z"),
    });
    expect(await t.db.whatsappMessage.findUniqueOrThrow({ where: { whatsappMessageId: "wamid.REPLY701" } })).toMatchObject({ campaignId: campaign.id, recipientId: r.id });
  });
});

describe("a held opt-out and the user id given to its customer at the same moment", () => {
  it("meet in every run: the STOP and the status naming the user id applied by two transactions at once, 40 times, leave every customer unsubscribed", async () => {
    let apart = 0;
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const uid = `US.RACE.${i}`;
      const { recipients } = await createCampaignWithRecipients(t.db, 1);
      const r = recipients[0];
      ids.push(r.customerId!);
      await storeWebhookDelivery({ db: t.db, now, payload: usernameText(uid, `wamid.RACE.${i}`, "2026-03-02T10:30:00Z", "STOP") });
      await storeWebhookDelivery({ db: t.db, now, payload: envelope([{ field: "messages", value: { statuses: [{
        id: r.whatsappMessageId, status: "delivered", timestamp: ts("2026-03-02T10:31:00Z"), recipient_id: r.phoneNumber, recipient_user_id: uid,
      }] } }]) });
      const [{ lanes }] = await t.db.$queryRaw<Array<{ lanes: bigint }>>`SELECT count(DISTINCT lane) AS lanes FROM webhook_inbox_pending`;
      if (Number(lanes) > 1) apart++;
      // the STOP and the status in two transactions at once (two appliers; each also runs its lanes at once)
      await Promise.all([applyInbox({ db: t.db, now, log: quiet, chunk: 1 }), applyInbox({ db: t.db, now, log: quiet, chunk: 1 })]);
    }
    expect(apart).toBeGreaterThan(0);
    const profiles = await t.db.userProfile.findMany({ where: { id: { in: ids } }, select: { subscription: true } });
    expect(profiles.map((p) => p.subscription)).toEqual(ids.map(() => "unsubscribed"));
    expect(await t.db.heldSubscriptionChange.count({ where: { userId: { startsWith: "US.RACE." } } })).toBe(0);
  });
});

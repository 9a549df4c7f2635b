/**
 * Messages from customers and user_preferences: STOP/START keywords, quick-reply buttons, stored inbound
 * messages, unknown customers, replays and reordering.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { createTestDb, type TestDb } from "../../support/db";
import { envelope, ts } from "./fixtures";

let t: TestDb;
const now = new Date("2026-03-02T12:00:00Z");
const handle = (payload: unknown) => handleWebhookPayload({ db: t.db, now, payload, log: { warn: () => {} } });

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

function textMessage(from: string, body: string, id: string, at: string) {
  return envelope([{
    field: "messages",
    value: {
      contacts: [{ profile: { name: "Kerry Fisher" }, wa_id: from }],
      messages: [{ from, id, timestamp: ts(at), type: "text", text: { body } }],
    },
  }]);
}

async function profile(phone: string) {
  return t.db.userProfile.findUnique({ where: { whatsappPhone: phone } });
}

describe("inbound messages", () => {
  it("STOP unsubscribes, START resubscribes; the message is stored once; a replayed STOP does not re-apply", async () => {
    await t.db.userProfile.create({ data: { whatsappPhone: "16315551181", name: "Kerry" } });
    const stop = textMessage("16315551181", "  Stop promotions ", "wamid.IN1", "2026-03-02T10:00:00Z");
    const s = await handle(stop);
    expect(s.results.messages).toMatchObject({ inbound_received: 1, inbound_stored: 1, unsubscribed: 1 });
    expect(await profile("16315551181")).toMatchObject({ subscription: "unsubscribed", subscriptionSource: "whatsapp_keyword", subscriptionChangedAt: new Date("2026-03-02T10:00:00Z") });
    const stored = await t.db.whatsappMessage.findUniqueOrThrow({ where: { whatsappMessageId: "wamid.IN1" } });
    expect(stored).toMatchObject({ direction: "inbound", status: "received", messageType: "text", body: "  Stop promotions ", phoneNumber: "16315551181", receivedAt: new Date("2026-03-02T10:00:00Z") });

    await handle(textMessage("16315551181", "START", "wamid.IN2", "2026-03-02T10:05:00Z"));
    expect((await profile("16315551181"))!.subscription).toBe("subscribed");
    // Meta redelivers the old STOP: it was already handled, nothing changes
    const replay = await handle(stop);
    expect(replay.stored).toMatchObject({ stored: 0, duplicates: 1 });
    expect(replay.results.messages?.unsubscribed ?? 0).toBe(0);
    expect((await profile("16315551181"))!.subscription).toBe("subscribed");
    // an older STOP seen for the first time after a newer START does not win either
    await handle(textMessage("16315551181", "stop", "wamid.IN0", "2026-03-02T09:59:00Z"));
    expect((await profile("16315551181"))!.subscription).toBe("subscribed");
    expect(await t.db.whatsappMessage.count({ where: { direction: "inbound", phoneNumber: "16315551181" } })).toBe(3);
  });

  it("ordinary text is stored and changes nothing", async () => {
    await t.db.userProfile.create({ data: { whatsappPhone: "16315551182" } });
    const s = await handle(textMessage("16315551182", "Please stop by the store tomorrow", "wamid.IN3", "2026-03-02T10:00:00Z"));
    expect(s.results.messages).toMatchObject({ inbound_stored: 1, unsubscribed: 0, subscribed: 0 });
    expect((await profile("16315551182"))!.subscription).toBe("subscribed");
  });

  it("a quick-reply button (Meta's button message) unsubscribes by its payload", async () => {
    await t.db.userProfile.create({ data: { whatsappPhone: "16315551183" } });
    await handle(envelope([{
      field: "messages",
      value: {
        contacts: [{ profile: { name: "Ana" }, wa_id: "16315551183" }],
        messages: [{
          context: { from: "15550783881", id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTJDNzk1QkM5QjlCMjA1NzUA" },
          from: "16315551183", id: "wamid.BTN1", timestamp: ts("2026-03-02T10:00:00Z"), type: "button",
          button: { payload: "STOP_PROMOTIONS", text: "Stop promotions" },
        }],
      },
    }]));
    expect(await profile("16315551183")).toMatchObject({ subscription: "unsubscribed", subscriptionSource: "whatsapp_button" });
    // an interactive button reply resubscribes
    await handle(envelope([{
      field: "messages",
      value: { messages: [{ from: "16315551183", id: "wamid.BTN2", timestamp: ts("2026-03-02T10:01:00Z"), type: "interactive", interactive: { type: "button_reply", button_reply: { id: "resume", title: "Resume" } } }] },
    }]));
    expect((await profile("16315551183"))!.subscription).toBe("subscribed");
  });

  it("a customer unknown to us who sends STOP gets an unsubscribed profile; one found by wa_id is updated", async () => {
    await handle(textMessage("447700900123", "STOP", "wamid.IN4", "2026-03-02T10:00:00Z"));
    expect(await profile("447700900123")).toMatchObject({ subscription: "unsubscribed" });
    await handle(textMessage("447700900124", "START", "wamid.IN5", "2026-03-02T10:00:00Z"));
    expect(await profile("447700900124")).toBeNull();
    // WhatsApp knows this customer by another form of the number
    await t.db.userProfile.create({ data: { whatsappPhone: "5491155550000", waId: "541155550000" } });
    await handle(textMessage("541155550000", "unsubscribe", "wamid.IN6", "2026-03-02T10:00:00Z"));
    expect((await profile("5491155550000"))!.subscription).toBe("unsubscribed");
    expect(await profile("541155550000")).toBeNull();
  });

  it("user_preferences stop / resume (Meta's shape)", async () => {
    await t.db.userProfile.create({ data: { whatsappPhone: "16505551234" } });
    const prefs = (value: string, at: string) => envelope([{
      field: "user_preferences",
      value: {
        contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: "16505551234" }],
        user_preferences: [{ wa_id: "16505551234", detail: "User requested to stop marketing messages", category: "marketing_messages", value, timestamp: ts(at) }],
      },
    }]);
    const s = await handle(prefs("stop", "2026-03-02T10:00:00Z"));
    expect(s.results.user_preferences).toMatchObject({ preferences_received: 1, unsubscribed: 1 });
    expect(await profile("16505551234")).toMatchObject({ subscription: "unsubscribed", subscriptionSource: "user_preferences" });
    await handle(prefs("resume", "2026-03-02T11:00:00Z"));
    expect((await profile("16505551234"))!.subscription).toBe("subscribed");
    // reordered: the older stop arriving late changes nothing
    await handle(prefs("stop", "2026-03-02T10:00:00Z"));
    expect((await profile("16505551234"))!.subscription).toBe("subscribed");
  });
});

/**
 * One definition per error class: a test send refused by WhatsApp has the same effects as a campaign
 * send's answer and a `failed` status — 131050 unsubscribes the number's customer (source
 * whatsapp_error_131050, the one vocabulary), 131049 defers the customer's marketing messages, a
 * template-class code pauses the (active) campaign with the same reason text, an account-class code
 * holds sending with an alert. A failed status for a test message (webhook) does the same.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { cloudClient, engineSuite } from "../engine/support";
import { templatePauseReason } from "@/lib/marketing/delivery/error-effects";
import { SUBSCRIPTION_SOURCES } from "@/lib/marketing/delivery/subscription-sources";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { sendTestMessages } from "@/lib/marketing/templates/send-test-messages";

const T0 = new Date("2026-02-01T10:00:00Z");

const { e } = await engineSuite({
  noTemplateLibrary: true,
  reset: (e) => e.db.$executeRawUnsafe(`UPDATE settings SET send_hold = false, send_hold_reason = NULL, send_hold_since = NULL WHERE id = 1`),
});

async function campaign(status = "active") {
  return e.db.marketingCampaign.create({ data: { name: `T ${Math.random()}`, templateName: "promo", languageCode: "en_US", status } });
}
async function customer(phone: string) {
  return e.db.userProfile.upsert({ where: { whatsappPhone: phone }, update: {}, create: { whatsappPhone: phone, subscription: "subscribed" } });
}
const send = (campaignId: string, phones: string[], now = T0) =>
  sendTestMessages({ db: e.db, now, whatsapp: cloudClient(e.graph), api: null, campaignId, phoneNumbers: phones, principal: null });

describe("a refused test send has its error class's effects", () => {
  it("131050 unsubscribes the customer (whatsapp_error_131050); 131049 defers their marketing for 24 hours", async () => {
    const c = await campaign("draft");
    await customer("14155550101");
    await customer("14155550102");
    e.graph.script({ to: "14155550101", error: { code: 131050, title: "User stopped marketing" } });
    e.graph.script({ to: "14155550102", error: { code: 131049, title: "Healthy ecosystem" } });
    const r = await send(c.id, ["+14155550101", "+14155550102"]);
    expect(r.failed).toBe(2);
    const [p1, p2] = await Promise.all(["14155550101", "14155550102"].map((p) => e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: p } })));
    expect(p1).toMatchObject({ subscription: "unsubscribed", subscriptionSource: SUBSCRIPTION_SOURCES.error131050 });
    expect(p2.subscription).toBe("subscribed");
    expect(p2.marketingDeferredUntil?.toISOString()).toBe(new Date(T0.getTime() + 24 * 3600_000).toISOString());
  });

  it("a template-class code pauses the active campaign with the shared reason; an account-class code holds sending", async () => {
    const c = await campaign("active");
    e.graph.script({ to: "14155550201", error: { code: 132015, title: "Template is paused" } });
    await send(c.id, ["+14155550201"]);
    const paused = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } });
    expect(paused).toMatchObject({ status: "paused", pausedBy: "template", pauseReason: templatePauseReason({ code: 132015, title: "132015 Template is paused" }) });

    const d = await campaign("draft");
    e.graph.script({ to: "14155550202", error: { code: 368, title: "Temporarily blocked for policy violations" } });
    await send(d.id, ["+14155550202"]);
    const settings = await e.db.setting.findUniqueOrThrow({ where: { id: 1 } });
    expect(settings.sendHold).toBe(true);
    expect(settings.sendHoldReason).toContain("368");
    expect(await e.db.alert.count({ where: { kind: "send_hold" } })).toBeGreaterThan(0);
    // the draft campaign is not paused by anything
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: d.id } })).status).toBe("draft");
  });

  it("a failed status for a test message (Meta's webhook shape) has the same effects", async () => {
    const c = await campaign("draft");
    await customer("14155550301");
    const r = await send(c.id, ["+14155550301"]);
    const wamid = r.results[0].whatsapp_message_id!;
    // Meta's documented failed status (statuses[].errors[] with code, title, message, error_data.details)
    await handleWebhookPayload({ db: e.db, now: new Date(T0.getTime() + 60_000), timezone: "UTC", payload: {
      object: "whatsapp_business_account",
      entry: [{ id: "102290129340398", changes: [{ field: "messages", value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
        statuses: [{
          id: wamid, status: "failed", timestamp: String(Math.floor(T0.getTime() / 1000) + 30), recipient_id: "14155550301",
          errors: [{ code: 131050, title: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
            message: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
            error_data: { details: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business." } }],
        }],
      } }] }],
    } });
    const msg = await e.db.whatsappMessage.findUniqueOrThrow({ where: { whatsappMessageId: wamid } });
    expect(msg).toMatchObject({ status: "failed", errorCode: 131050, isTest: true });
    const p = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "14155550301" } });
    expect(p).toMatchObject({ subscription: "unsubscribed", subscriptionSource: SUBSCRIPTION_SOURCES.error131050 });
  });
});

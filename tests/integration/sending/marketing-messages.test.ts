/**
 * The Marketing Messages API: with the setting on, MARKETING templates go to
 * POST /{phone-number-id}/marketing_messages (same body plus product_policy and message_activity_sharing),
 * every other category to /messages; 131055 raises an account alert and falls back to /messages unless
 * the policy is STRICT; a template_category_update changes the route from the next batch.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { EngineTest } from "../engine/support";
import { TEST_TEMPLATES } from "../../support/test-templates";
import type { FakeTemplate } from "../../support/fake-graph-api";
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import { applyTemplateCategoryUpdates, ZTemplateCategoryValue } from "@/lib/marketing/templates/handle-template-webhook";
import { getMarketingMessagesSettings, updateMarketingMessagesSettings } from "@/lib/marketing/sending/marketing-messages";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { campaignWith, libraryTemplate, marketingMessagesSetting, NOW, run, withSendingEngine } from "./support";

vi.mock("server-only", () => ({}));

const ORDER_UPDATE: FakeTemplate = {
  id: "8201", name: "order_update", language: "en_US", status: "APPROVED", category: "UTILITY",
  components: [{ type: "BODY", text: "Your order {{1}} has shipped." }],
};

let e: EngineTest;
let wa: WhatsAppClient;
withSendingEngine([ORDER_UPDATE], (engine, client) => {
  e = engine;
  wa = client;
});
beforeEach(async () => {
  await e.db.alert.deleteMany({});
  await libraryTemplate(e.db, { name: "promo", category: "MARKETING", metaId: "7000" });
  await libraryTemplate(e.db, { name: "order_update", category: "UTILITY", metaId: "8201" });
});

const bodyOf = (to: string) => e.graph.sends.find((s) => s.to === to)!;

describe("the Marketing Messages API", () => {
  it("with the setting on, a marketing template goes to /marketing_messages and a utility one to /messages, with exact bodies", async () => {
    await marketingMessagesSetting(e.db, { enabled: true, policy: "CLOUD_API_FALLBACK", sharing: true });
    const promo = await campaignWith(e.db, { templateName: "promo", customers: [{ phone: "15550100001" }] });
    const order = await campaignWith(e.db, {
      templateName: "order_update", components: [{ type: "body", parameters: [{ type: "text", text: "A-1001" }] }], customers: [{ phone: "15550100002" }],
    });
    const r = await run(e.db, wa);
    expect(r.messages_sent).toBe(2);
    const [p] = await e.db.campaignRecipient.findMany({ where: { campaignId: promo.id } });
    const [o] = await e.db.campaignRecipient.findMany({ where: { campaignId: order.id } });
    expect(bodyOf("15550100001").path).toBe("/v23.0/1098765432/marketing_messages");
    expect(bodyOf("15550100001").body).toEqual({
      messaging_product: "whatsapp", recipient_type: "individual", to: "15550100001", type: "template",
      template: { name: "promo", language: { code: "en_US", policy: "deterministic" } },
      biz_opaque_callback_data: p.id,
      product_policy: "CLOUD_API_FALLBACK",
      message_activity_sharing: true,
    });
    expect(bodyOf("15550100002").path).toBe("/v23.0/1098765432/messages");
    expect(bodyOf("15550100002").body).toEqual({
      messaging_product: "whatsapp", recipient_type: "individual", to: "15550100002", type: "template",
      template: { name: "order_update", language: { code: "en_US", policy: "deterministic" }, components: [{ type: "body", parameters: [{ type: "text", text: "A-1001" }] }] },
      biz_opaque_callback_data: o.id,
    });
  });

  it("with the setting off (the default), everything goes to /messages", async () => {
    await marketingMessagesSetting(e.db, { enabled: false });
    await campaignWith(e.db, { templateName: "promo", customers: [{ phone: "15550100011" }] });
    await run(e.db, wa);
    expect(e.graph.sends.map((s) => s.path)).toEqual(["/v23.0/1098765432/messages"]);
    expect(bodyOf("15550100011").body).not.toHaveProperty("product_policy");
  });

  it("131055 raises an account alert and falls back to /messages (CLOUD_API_FALLBACK)", async () => {
    await marketingMessagesSetting(e.db, { enabled: true, policy: "CLOUD_API_FALLBACK" });
    e.graph.script({ match: (req) => req.path.endsWith("/marketing_messages"), error: { code: 131055, title: "Marketing Messages API terms not accepted" } });
    const c = await campaignWith(e.db, { templateName: "promo", customers: [{ phone: "15550100021" }, { phone: "15550100022" }] });
    const r = await run(e.db, wa);
    expect(r).toMatchObject({ messages_sent: 2, failed: 0, stopped_reason: null });
    expect(e.graph.sends.filter((s) => s.path.endsWith("/messages")).map((s) => s.to).sort()).toEqual(["15550100021", "15550100022"]);
    const fallback = e.graph.sends.find((s) => s.path.endsWith("/messages"))!;
    expect(fallback.body).not.toHaveProperty("product_policy");
    expect(await e.db.campaignRecipient.count({ where: { campaignId: c.id, status: "queued" } })).toBe(2);
    const alerts = await e.db.alert.findMany({ where: { kind: "account_error" } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0].text).toContain("sent through the Cloud API (/messages) instead");
    expect(alerts[0].details).toMatchObject({ code: 131055, fell_back: true });
  });

  it("131055 with the STRICT policy: nothing falls back, the run stops with an account alert", async () => {
    await marketingMessagesSetting(e.db, { enabled: true, policy: "STRICT", sharing: false });
    e.graph.script({ match: (req) => req.path.endsWith("/marketing_messages"), error: { code: 131055, title: "Marketing Messages API terms not accepted" } });
    const c = await campaignWith(e.db, { templateName: "promo", customers: [{ phone: "15550100031" }] });
    const r = await run(e.db, wa);
    expect(r).toMatchObject({ messages_sent: 0, stopped_reason: "account" });
    expect(e.graph.sends.map((s) => s.path)).toEqual(["/v23.0/1098765432/marketing_messages"]);
    expect(e.graph.sends[0].body).toMatchObject({ product_policy: "STRICT", message_activity_sharing: false });
    expect((await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c.id } })).status).toBe("pending");
    const alert = await e.db.alert.findFirst({ where: { dedupeKey: { startsWith: "marketing_messages_terms:" } } });
    expect(alert?.details).toMatchObject({ code: 131055, fell_back: false });
  });

  it("a template_category_update to UTILITY moves the template to /messages from the next batch", async () => {
    await marketingMessagesSetting(e.db, { enabled: true });
    await campaignWith(e.db, { templateName: "promo", customers: [{ phone: "15550100041" }, { phone: "15550100042" }] });
    const first = await run(e.db, wa, NOW, 1);
    expect(first.messages_sent).toBe(2);
    expect(e.graph.sends.map((s) => s.path)).toEqual(["/v23.0/1098765432/marketing_messages", "/v23.0/1098765432/marketing_messages"]);

    e.graph.reset();
    e.graph.setTemplates([...TEST_TEMPLATES, ORDER_UPDATE]);
    await campaignWith(e.db, { templateName: "promo", customers: [{ phone: "15550100043" }] });
    // Meta's template_category_update webhook value
    const value = ZTemplateCategoryValue.parse({ message_template_id: 7000, message_template_name: "promo", message_template_language: "en_US", previous_category: "MARKETING", new_category: "UTILITY" });
    await e.db.$transaction((tx) => applyTemplateCategoryUpdates({ tx, now: new Date(NOW.getTime() + 1000) }, [value]));
    await run(e.db, wa, new Date(NOW.getTime() + 60_000));
    expect(e.graph.sends.map((s) => [s.to, s.path])).toEqual([["15550100043", "/v23.0/1098765432/messages"]]);
  });

  it("the setting is off by default; admins change it (audited), others are refused, bad values are named", async () => {
    await e.db.setting.upsert({ where: { id: 1 }, update: { marketingMessagesEnabled: false, marketingMessagesPolicy: "CLOUD_API_FALLBACK", marketingMessagesActivitySharing: null }, create: { id: 1 } });
    expect(await getMarketingMessagesSettings(e.db)).toEqual({ enabled: false, product_policy: "CLOUD_API_FALLBACK", message_activity_sharing: null });
    const admin = { role: "admin", actor: "user:admin" } as Principal;
    const marketer = { role: "marketer", actor: "user:m" } as Principal;
    await expect(updateMarketingMessagesSettings({ db: e.db, now: NOW, principal: marketer, input: { enabled: true, product_policy: "STRICT", message_activity_sharing: true } }))
      .rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(updateMarketingMessagesSettings({ db: e.db, now: NOW, principal: admin, input: { enabled: true, product_policy: "SOMETIMES", message_activity_sharing: true } }))
      .rejects.toMatchObject({ code: "VALIDATION_FAILED", details: [expect.objectContaining({ path: "product_policy" })] });
    expect(await updateMarketingMessagesSettings({ db: e.db, now: NOW, principal: admin, input: { enabled: true, product_policy: "STRICT", message_activity_sharing: false } }))
      .toEqual({ enabled: true, product_policy: "STRICT", message_activity_sharing: false });
    expect(await e.db.auditLog.count({ where: { action: "settings.marketing_messages", actor: "user:admin" } })).toBe(1);
  });
});

/**
 * What the processor sends, byte for byte, to a fake Graph API as strict as Meta: values cleaned of
 * newlines / tabs / runs of spaces, header text ≤ 60, no empty value (a recipient without one fails
 * before any request), header media uploaded once and sent by id, and the error classes of a send.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { EngineTest } from "../engine/support";
import { TEST_TEMPLATES } from "../../support/test-templates";
import type { FakeTemplate } from "../../support/fake-graph-api";
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import { campaignWith, NOW, run, withSendingEngine } from "./support";

vi.mock("server-only", () => ({}));

const SALE: FakeTemplate = {
  id: "8101", name: "city_sale", language: "en_US", status: "APPROVED", category: "MARKETING", parameter_format: "POSITIONAL",
  components: [
    { type: "HEADER", format: "TEXT", text: "Big news for {{1}}" },
    { type: "BODY", text: "Hi {{1}}, the {{2}} store has {{3}} off. Reply STOP to opt out." },
    { type: "FOOTER", text: "Acme" },
    {
      type: "BUTTONS", buttons: [
        { type: "URL", text: "Shop", url: "https://shop.example.com/s/{{1}}" },
        { type: "COPY_CODE", example: "SAVE30" },
        { type: "QUICK_REPLY", text: "Stop promotions" },
      ],
    },
  ],
};
const BANNER: FakeTemplate = {
  id: "8102", name: "banner_sale", language: "en_US", status: "APPROVED", category: "MARKETING",
  components: [{ type: "HEADER", format: "IMAGE" }, { type: "BODY", text: "Our spring sale starts now. Reply STOP to opt out." }],
};
const NAMED: FakeTemplate = {
  id: "8103", name: "named_hello", language: "en_US", status: "APPROVED", category: "MARKETING", parameter_format: "NAMED",
  components: [{ type: "BODY", text: "Hello {{first_name}} from {{city}}! Reply STOP to opt out." }],
};
const BANNER_LINK = "/files/spring-banner.jpg";

let e: EngineTest;
let wa: WhatsAppClient;
withSendingEngine([SALE, BANNER, NAMED], (engine, client) => {
  e = engine;
  wa = client;
});
beforeEach(() => {
  // the banner's link is served by the same server (Meta would fetch it; we download it to upload it once)
  e.graph.route((req) => (req.method === "GET" && req.path.startsWith("/files/") ? (req.path === BANNER_LINK ? { status: 200, body: "<jpeg bytes>" } : { status: 404, body: "not found" }) : undefined));
});

const SALE_COMPONENTS = [
  { type: "header", parameters: [{ type: "text", variable: { field: "city", fallback: "you" } }] },
  {
    type: "body", parameters: [
      { type: "text", variable: { field: "first_name" } },
      { type: "text", variable: { field: "attributes.store", fallback: "nearest" } },
      { type: "text", text: "30%" },
    ],
  },
  { type: "button", sub_type: "url", index: 0, parameters: [{ type: "text", variable: { field: "attributes.slug", fallback: "spring" } }] },
  { type: "button", sub_type: "copy_code", index: 1, parameters: [{ type: "coupon_code", coupon_code: "SAVE30" }] },
  { type: "button", sub_type: "quick_reply", index: 2, parameters: [{ type: "payload", payload: "STOP_PROMOTIONS" }] },
];

describe("parameter values Meta accepts", () => {
  it("sends Meta's exact body with customer values cleaned (newlines, tabs, 4+ spaces) and the header cut at 60", async () => {
    const longCity = `Llanfair\tpwllgwyngyll ${"gogerychwyrndrobwll ".repeat(4)}`;
    const c = await campaignWith(e.db, {
      templateName: "city_sale", components: SALE_COMPONENTS,
      customers: [{ phone: "447700900001", name: "Ana\nMaría López", city: longCity, attributes: { store: "High    Street\r\nNorth", slug: "ana" } }],
    });
    const r = await run(e.db, wa);
    expect(r.messages_sent).toBe(1);
    const recipient = await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c.id } });
    const header = "Llanfair pwllgwyngyll gogerychwyrndrobwll gogerychwyrndrobwll".slice(0, 60);
    expect(header.length).toBeLessThanOrEqual(60);
    expect(e.graph.sends).toHaveLength(1);
    expect(e.graph.sends[0].path).toBe("/v23.0/1098765432/messages");
    expect(e.graph.sends[0].body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "447700900001",
      type: "template",
      template: {
        name: "city_sale",
        language: { code: "en_US", policy: "deterministic" },
        components: [
          { type: "header", parameters: [{ type: "text", text: header }] },
          { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "High Street North" }, { type: "text", text: "30%" }] },
          { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "ana" }] },
          { type: "button", sub_type: "copy_code", index: "1", parameters: [{ type: "coupon_code", coupon_code: "SAVE30" }] },
          { type: "button", sub_type: "quick_reply", index: "2", parameters: [{ type: "payload", payload: "STOP_PROMOTIONS" }] },
        ],
      },
      biz_opaque_callback_data: recipient.id,
    });
  });

  it("sends named parameters by name", async () => {
    await campaignWith(e.db, {
      templateName: "named_hello",
      components: [{
        type: "body", parameters: [
          { type: "text", parameter_name: "first_name", variable: { field: "first_name", fallback: "there" } },
          { type: "text", parameter_name: "city", variable: { field: "city", fallback: "Acme" } },
        ],
      }],
      customers: [{ phone: "447700900011", name: "Bo", city: "Leeds" }, { phone: "447700900012", name: null, city: null }],
    });
    expect((await run(e.db, wa)).messages_sent).toBe(2);
    const bodies = Object.fromEntries(e.graph.sends.map((s) => [s.to, (s.body as { template: { components: unknown } }).template.components]));
    expect(bodies).toEqual({
      "447700900011": [{ type: "body", parameters: [{ type: "text", parameter_name: "first_name", text: "Bo" }, { type: "text", parameter_name: "city", text: "Leeds" }] }],
      "447700900012": [{ type: "body", parameters: [{ type: "text", parameter_name: "first_name", text: "there" }, { type: "text", parameter_name: "city", text: "Acme" }] }],
    });
  });

  it("a recipient without a value or fallback fails before any request, with the reason; the others are sent", async () => {
    const c = await campaignWith(e.db, {
      templateName: "city_sale", components: SALE_COMPONENTS,
      customers: [
        { phone: "447700900021", name: "Cara", city: "York" },
        // first_name has no fallback: a customer without a name cannot be sent to
        { phone: "447700900022", name: "   ", city: "York" },
        { phone: "447700900023", name: "Dev", city: null },
      ],
    });
    const r = await run(e.db, wa);
    expect(r).toMatchObject({ messages_sent: 2, failed: 1 });
    expect(e.graph.sends.map((s) => s.to).sort()).toEqual(["447700900021", "447700900023"]);
    const failed = await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c.id, phoneNumber: "447700900022" } });
    expect(failed).toMatchObject({ status: "failed", errorCode: null, failureReason: "MISSING_VARIABLE: no value and no fallback for body parameter 1 (first_name)" });
    // the campaign goes on
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } })).status).not.toBe("paused");
  });
});

describe("header media", () => {
  it("a header given by link is uploaded once per campaign and sent by id", async () => {
    const link = `${e.graph.url}${BANNER_LINK}`;
    const components = [{ type: "header", parameters: [{ type: "image", image: { link, caption: "not sent" } }] }];
    const c = await campaignWith(e.db, {
      templateName: "banner_sale", components,
      customers: Array.from({ length: 5 }, (_, i) => ({ phone: `44770090010${i}`, name: `C${i}` })),
    });
    // two batches and a second run: one upload
    const r = await run(e.db, wa, NOW, 3);
    expect(r.messages_sent).toBe(5);
    await run(e.db, wa, new Date(NOW.getTime() + 60_000));
    expect(e.graph.uploads).toHaveLength(1);
    const upload = e.graph.uploads[0];
    expect(upload.path).toBe("/v23.0/1098765432/media");
    expect(upload.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.rawBody).toContain('name="messaging_product"\r\n\r\nwhatsapp');
    expect(upload.rawBody).toContain('name="file"; filename="spring-banner.jpg"');
    const [stored] = await e.db.campaignMedia.findMany({ where: { campaignId: c.id } });
    expect(stored.link).toBe(link);
    // Meta keeps an uploaded file 30 days
    expect(stored.expiresAt.getTime() - stored.uploadedAt.getTime()).toBe(30 * 24 * 3600_000);
    expect(e.graph.sends).toHaveLength(5);
    for (const s of e.graph.sends) {
      expect((s.body as { template: { components: unknown } }).template.components).toEqual([
        { type: "header", parameters: [{ type: "image", image: { id: stored.mediaId } }] },
      ]);
    }
  });

  it("a link that cannot be downloaded pauses the campaign with the reason, before any send", async () => {
    const c = await campaignWith(e.db, {
      templateName: "banner_sale",
      components: [{ type: "header", parameters: [{ type: "image", image: { link: `${e.graph.url}/files/missing.jpg` } }] }],
      customers: [{ phone: "447700900201", name: "E" }],
    });
    const r = await run(e.db, wa);
    expect(r.paused_campaigns).toEqual([{ campaign_id: c.id, reason: "Paused automatically: the header media could not be used (The header media could not be downloaded from its link (HTTP 404))" }]);
    expect(e.graph.sends).toHaveLength(0);
  });

  it("131053 from a send is template-class: the campaign pauses", async () => {
    e.graph.script({ error: { code: 131053, title: "Media upload error" }, match: (req) => req.to !== undefined });
    const c = await campaignWith(e.db, {
      templateName: "banner_sale",
      components: [{ type: "header", parameters: [{ type: "image", image: { link: `${e.graph.url}${BANNER_LINK}` } }] }],
      customers: [{ phone: "447700900301", name: "F" }, { phone: "447700900302", name: "G" }],
    });
    const r = await run(e.db, wa, NOW, 1);
    expect(r.paused_campaigns.map((p) => p.campaign_id)).toEqual([c.id]);
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } })).pauseReason).toContain("131053");
  });
});

describe("error classes as Meta documents them", () => {
  it("130497 fails that recipient only (no send hold), 132018 on a customer value fails that recipient, on a literal pauses", async () => {
    e.graph.script({ to: "447700900401", error: { code: 130497, title: "Business account is restricted from messaging users in this country" } });
    e.graph.script({ to: "447700900402", error: { code: 132018, title: "There was an issue with the parameters in your template" } });
    const c = await campaignWith(e.db, {
      templateName: "named_hello",
      components: [{
        type: "body", parameters: [
          { type: "text", parameter_name: "first_name", variable: { field: "first_name", fallback: "there" } },
          { type: "text", parameter_name: "city", text: "Leeds" },
        ],
      }],
      customers: [{ phone: "447700900401", name: "H" }, { phone: "447700900402", name: "I" }, { phone: "447700900403", name: "J" }],
    });
    const r = await run(e.db, wa);
    expect(r).toMatchObject({ messages_sent: 1, failed: 2, stopped_reason: null, paused_campaigns: [] });
    const rows = await e.db.campaignRecipient.findMany({ where: { campaignId: c.id }, orderBy: { phoneNumber: "asc" } });
    expect(rows.map((x) => [x.status, x.errorCode])).toEqual([["failed", 130497], ["failed", 132018], ["queued", null]]);
    expect((await e.db.setting.findUnique({ where: { id: 1 } }))?.sendHold ?? false).toBe(false);

    e.graph.reset();
    e.graph.setTemplates([...TEST_TEMPLATES, NAMED]);
    e.graph.script({ error: { code: 132018, title: "There was an issue with the parameters in your template" } });
    const literal = await campaignWith(e.db, {
      templateName: "named_hello",
      components: [{ type: "body", parameters: [{ type: "text", parameter_name: "first_name", text: "friend" }, { type: "text", parameter_name: "city", text: "Leeds" }] }],
      customers: [{ phone: "447700900411", name: "K" }],
    });
    const r2 = await run(e.db, wa);
    expect(r2.paused_campaigns.map((p) => p.campaign_id)).toEqual([literal.id]);
  });

  it("a malformed-request code repeated across a batch pauses the campaign instead of failing every recipient", async () => {
    e.graph.script({ error: { code: 131009, title: "Parameter value is not valid" }, match: (req) => req.to !== undefined });
    const c = await campaignWith(e.db, {
      templateName: "promo", customers: Array.from({ length: 8 }, (_, i) => ({ phone: `44770090050${i}`, name: `M${i}` })),
    });
    const r = await run(e.db, wa);
    expect(r.paused_campaigns).toHaveLength(1);
    expect(r.paused_campaigns[0].reason).toContain("131009");
    const statuses = await e.db.campaignRecipient.groupBy({ by: ["status"], where: { campaignId: c.id }, _count: true });
    // at most the ones before the pattern was seen failed; the rest wait for the fix
    const failed = statuses.find((s) => s.status === "failed")?._count ?? 0;
    expect(failed).toBe(0);
    expect(statuses.find((s) => s.status === "pending")?._count).toBe(8);
  });

  it("a single malformed request fails only its recipient", async () => {
    e.graph.script({ to: "447700900601", error: { code: 100, title: "Invalid parameter" } });
    const c = await campaignWith(e.db, { templateName: "promo", customers: [{ phone: "447700900601" }, { phone: "447700900602" }] });
    const r = await run(e.db, wa);
    expect(r).toMatchObject({ messages_sent: 1, failed: 1, paused_campaigns: [] });
    expect((await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c.id, phoneNumber: "447700900601" } })).status).toBe("failed");
  });

  it("131056 waits at least 6 s before the retry", async () => {
    e.graph.script({ error: { code: 131056, title: "Pair rate limit hit" } });
    const r = await wa.sendTemplate({ to: "447700900701", templateName: "promo", languageCode: "en_US", components: [] });
    expect(r).toMatchObject({ ok: false, errorClass: "retry", code: 131056, httpStatus: 429 });
    expect(!r.ok && r.retryAfterMs).toBeGreaterThanOrEqual(6_000);
  });
});

/**
 * Carousel, limited-time offer (with its copy-code button) and flow-button campaigns go through the real
 * pipeline — created against the template library, activated, sent by the daily processor with the real
 * Cloud API client — to the fake Graph API, and the exact request bodies Meta receives are asserted.
 * A send that leaves out a card or the offer's expiration is refused by the fake as Meta refuses it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { cloudClient, seedCustomers, setupEngineTest, type EngineTest } from "../engine/support";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { AppError } from "@/lib/marketing/errors";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { syncTemplates } from "@/lib/marketing/templates/sync-templates";
import { SANDBOX_TEMPLATES } from "@/lib/whatsapp/templates/sandbox-templates";
import { createCloudTemplatesApi, type TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

const TZ = "UTC";
const NOW = new Date("2025-03-01T15:00:00Z");
const OFFER_ENDS = Date.UTC(2025, 2, 3, 22, 0, 0);
let e: EngineTest;
let wa: WhatsAppClient;
let api: TemplatesApi;

beforeAll(async () => {
  e = await setupEngineTest();
  wa = cloudClient(e.graph);
  api = createCloudTemplatesApi({ apiUrl: e.graph.url, apiVersion: "v23.0", businessAccountId: "102290129340398", accessToken: "fake-access-token", timeoutMs: 2000 });
  e.graph.setTemplates(SANDBOX_TEMPLATES as never);
  await syncTemplates({ db: e.db, now: NOW, api });
  await seedCustomers(e.db, 3, { base: 14155550100 });
});
afterAll(async () => e?.stop());
beforeEach(async () => {
  e.graph.reset();
  e.graph.setTemplates(SANDBOX_TEMPLATES as never);
  // a header image given by link is downloaded and uploaded once (campaign-media.ts): the fake serves it
  e.graph.route((req) => (req.method === "GET" && req.path === "/files/flash.jpg" ? { status: 200, body: "<jpeg bytes>" } : undefined));
  await e.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status IN ('active', 'paused')`;
});

/**
 * Creates, fills and activates a campaign, runs the processor, and returns the bodies sent, by phone.
 * Each call runs a minute after the last: the processor's clock starts at `now`, and Meta's pair rate
 * (one message per number every 6 s, mark-sending.ts) would otherwise hand a number the previous test
 * had just sent to back to pending whenever this run reached its mark later after its start than that
 * one did (a CI flake: messages_sent 0).
 */
let runs = 0;
async function send(templateName: string, components: unknown[], phones = ["14155550101"]) {
  const now = new Date(NOW.getTime() + ++runs * 60_000);
  const c = await createCampaign({ db: e.db, now, templates: api, input: { name: `${templateName} ${Math.random()}`, template_name: templateName, template_components: components as never, daily_send_limit: 100 } });
  await addRecipients({ db: e.db, now, timezone: TZ, campaignId: c.id, phoneNumbers: phones });
  await activateCampaign({ db: e.db, now, timezone: TZ, campaignId: c.id, startDate: "2025-03-01", templates: api });
  const r = await runDailyProcessing({ db: e.db, now, whatsapp: wa, config: { timezone: TZ, messagingLimit: null, timeBudgetMs: 50_000, staleClaimMs: 600_000 } });
  return { result: r, bodies: new Map(e.graph.sends.map((s) => [s.to!, s.body])) };
}

const cardInput = (i: number, item: string, price: string) => ({
  card_index: i,
  components: [
    { type: "header", parameters: [{ type: "image", image: { link: `https://cdn.example.com/${item}.jpg` } }] },
    { type: "body", parameters: [{ type: "text", text: item }, { type: "text", text: price }] },
    { type: "button", sub_type: "url", index: 0, parameters: [{ type: "text", text: item }] },
    { type: "button", sub_type: "quick_reply", index: 1, parameters: [{ type: "payload", payload: `no-${item}` }] },
  ],
});

describe("sending the component types marketers use", () => {
  it("a media card carousel: one carousel component with every card's header, body and buttons", async () => {
    const { result, bodies } = await send("autumn_picks_carousel", [
      { type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }] },
      { type: "carousel", cards: [cardInput(0, "coat", "$89"), cardInput(1, "boots", "$120"), cardInput(2, "scarf", "$25")] },
    ], ["14155550101", "14155550199"]);
    expect(result.messages_sent).toBe(2);
    const cards = ["coat", "boots", "scarf"].map((item, i) => ({
      card_index: i,
      components: [
        { type: "header", parameters: [{ type: "image", image: { link: `https://cdn.example.com/${item}.jpg` } }] },
        { type: "body", parameters: [{ type: "text", text: item }, { type: "text", text: ["$89", "$120", "$25"][i] }] },
        { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: item }] },
        { type: "button", sub_type: "quick_reply", index: "1", parameters: [{ type: "payload", payload: `no-${item}` }] },
      ],
    }));
    const components = (first: string) => [{ type: "body", parameters: [{ type: "text", text: first }] }, { type: "carousel", cards }];
    expect(bodies.get("14155550101")).toMatchObject({ messaging_product: "whatsapp", to: "14155550101", type: "template", template: { name: "autumn_picks_carousel", language: { code: "en_US" } } });
    expect((bodies.get("14155550101") as { template: { components: unknown } }).template.components).toEqual(components("Customer"));
    expect((bodies.get("14155550199") as { template: { components: unknown } }).template.components).toEqual(components("there"));
  });

  it("a limited-time offer with its copy-code button", async () => {
    const { result, bodies } = await send("weekend_flash_offer", [
      { type: "header", parameters: [{ type: "image", image: { link: `${e.graph.url}/files/flash.jpg` } }] },
      { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "25%" }] },
      { type: "limited_time_offer", parameters: [{ type: "limited_time_offer", limited_time_offer: { expiration_time_ms: OFFER_ENDS } }] },
      { type: "button", sub_type: "copy_code", index: 0, parameters: [{ type: "coupon_code", coupon_code: "FLASH25" }] },
    ]);
    expect(result.messages_sent).toBe(1);
    // the header goes by the id the upload answered
    const [upload] = e.graph.uploads;
    expect(upload).toBeDefined();
    expect((bodies.get("14155550101") as { template: unknown }).template).toEqual(expect.objectContaining({
      name: "weekend_flash_offer",
      components: [
        { type: "header", parameters: [{ type: "image", image: { id: expect.any(String) } }] },
        { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "25%" }] },
        { type: "limited_time_offer", parameters: [{ type: "limited_time_offer", limited_time_offer: { expiration_time_ms: OFFER_ENDS } }] },
        { type: "button", sub_type: "copy_code", index: "0", parameters: [{ type: "coupon_code", coupon_code: "FLASH25" }] },
      ],
    }));
  });

  it("a flow button with flow_token and flow_action_data", async () => {
    const { result, bodies } = await send("vip_club_signup", [
      { type: "body", parameters: [{ type: "text", text: "Ana" }] },
      { type: "button", sub_type: "flow", index: 0, parameters: [{ type: "action", action: { flow_token: "vip-signup-2025", flow_action_data: { tier: "gold", source: "campaign" } } }] },
    ]);
    expect(result.messages_sent).toBe(1);
    expect((bodies.get("14155550101") as { template: unknown }).template).toEqual(expect.objectContaining({
      name: "vip_club_signup",
      components: [
        { type: "body", parameters: [{ type: "text", text: "Ana" }] },
        { type: "button", sub_type: "flow", index: "0", parameters: [{ type: "action", action: { flow_token: "vip-signup-2025", flow_action_data: { tier: "gold", source: "campaign" } } }] },
      ],
    }));
  });

  it("a campaign missing a card or the offer's expiration is refused before anything is sent, naming what is missing", async () => {
    const refused = async (templateName: string, components: unknown[]) =>
      createCampaign({ db: e.db, now: NOW, templates: api, input: { name: `bad ${Math.random()}`, template_name: templateName, template_components: components as never } }).then(
        () => null,
        (err: unknown) => (err instanceof AppError ? { code: err.code, details: err.details } : err),
      );
    expect(await refused("autumn_picks_carousel", [
      { type: "body", parameters: [{ type: "text", text: "Ana" }] },
      { type: "carousel", cards: [cardInput(0, "coat", "$89"), cardInput(2, "scarf", "$25")] },
    ])).toMatchObject({ code: "TEMPLATE_PARAMETERS_MISMATCH", details: expect.arrayContaining([expect.objectContaining({ message: "missing card 1: the template has 3 cards" })]) });
    expect(await refused("weekend_flash_offer", [
      { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/flash.jpg" } }] },
      { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "25%" }] },
      { type: "button", sub_type: "copy_code", index: 0, parameters: [{ type: "coupon_code", coupon_code: "FLASH25" }] },
    ])).toMatchObject({ code: "TEMPLATE_PARAMETERS_MISMATCH", details: [expect.objectContaining({ message: expect.stringContaining("missing the offer's expiration") })] });
    expect(e.graph.sends).toHaveLength(0);
  });

  it("the fake refuses, as Meta does, a carousel send with a card missing and an offer without its expiration", async () => {
    const r1 = await wa.sendTemplate({ to: "14155550101", templateName: "autumn_picks_carousel", languageCode: "en_US", components: [
      { type: "body", parameters: [{ type: "text", text: "Ana" }] },
      { type: "carousel", cards: [{ card_index: 0, components: [] }, { card_index: 1, components: [] }] },
    ] });
    expect(r1).toMatchObject({ ok: false, code: 132000 });
    const r2 = await wa.sendTemplate({ to: "14155550101", templateName: "weekend_flash_offer", languageCode: "en_US", components: [
      { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/flash.jpg" } }] },
      { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "25%" }] },
      { type: "button", sub_type: "copy_code", index: 0, parameters: [{ type: "coupon_code", coupon_code: "FLASH25" }] },
    ] });
    expect(r2).toMatchObject({ ok: false, code: 131008 });
  });
});

import { describe, expect, it } from "vitest";
import type { CustomerData, TCampaignComponents } from "@/lib/whatsapp/components";
import { renderForRecipient } from "@/lib/whatsapp/render-components";
import { sandboxTemplates } from "@/lib/whatsapp/templates/sandbox-templates";
import { buildComponents, defaultValues, valuesFromComponents, type SlotValues } from "./form-values";
import { renderTemplatePreview } from "./preview";
import { deriveTemplateRequirements } from "./requirements";
import { validateTemplateComponents } from "./validate-components";

/** the components as sent to Meta for one customer (every value present) */
function renderComponents(components: TCampaignComponents, customer: CustomerData | null) {
  const r = renderForRecipient(components, customer);
  if (!r.ok) throw new Error(r.reason);
  return r.components;
}

const byName = (name: string) => {
  const t = sandboxTemplates().find((x) => x.name === name)!;
  return deriveTemplateRequirements(t.components, t.parameter_format);
};

const card = (i: number, item: string, price: string) => ({
  card_index: i,
  components: [
    { type: "header", parameters: [{ type: "image", image: { link: `https://cdn.example.com/${item}.jpg` } }] },
    { type: "body", parameters: [{ type: "text", text: item }, { type: "text", text: price }] },
    { type: "button", sub_type: "url", index: 0, parameters: [{ type: "text", text: item }] },
  ],
});
const carouselInput = (cards = [card(0, "coat", "$89"), card(1, "boots", "$120"), card(2, "scarf", "$25")]) => [
  { type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }] },
  { type: "carousel", cards },
];
const messages = (r: ReturnType<typeof validateTemplateComponents>) => (r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`));

describe("carousel templates", () => {
  it("derive each card's requirements, and card slots keyed card.<i>.…", () => {
    const req = byName("autumn_picks_carousel");
    expect(req.unsupported).toEqual([]);
    expect(req.cards).toHaveLength(3);
    expect(req.cards[0].header).toMatchObject({ format: "IMAGE" });
    expect(req.cards[0].body.variables).toEqual(["1", "2"]);
    expect(req.slots.map((s) => s.key)).toEqual([
      "body.1",
      ...[0, 1, 2].flatMap((i) => [`card.${i}.header`, `card.${i}.body.1`, `card.${i}.body.2`, `card.${i}.button.0`, `card.${i}.button.1`]),
    ]);
    expect(req.slots.find((s) => s.key === "card.1.header")).toMatchObject({ component: "card", cardIndex: 1, kind: "image", required: true, label: "Card 2: Header image link" });
  });

  it("accepts exactly the cards of the template and renders them in Meta's shape", () => {
    const req = byName("autumn_picks_carousel");
    const r = validateTemplateComponents(req, carouselInput());
    expect(messages(r)).toEqual([]);
    if (!r.ok) return;
    expect(renderComponents(r.components, { name: "Ana Lima" })).toEqual([
      { type: "body", parameters: [{ type: "text", text: "Ana" }] },
      {
        type: "carousel",
        cards: ["coat", "boots", "scarf"].map((item, i) => ({
          card_index: i,
          components: [
            { type: "header", parameters: [{ type: "image", image: { link: `https://cdn.example.com/${item}.jpg` } }] },
            { type: "body", parameters: [{ type: "text", text: item }, { type: "text", text: ["$89", "$120", "$25"][i] }] },
            { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: item }] },
          ],
        })),
      },
    ]);
  });

  it("names each missing or extra card and value", () => {
    const req = byName("autumn_picks_carousel");
    const noImage = card(1, "boots", "$120");
    noImage.components[0] = { type: "header", parameters: [] };
    const extraBody = card(2, "scarf", "$25");
    extraBody.components[1] = { type: "body", parameters: [{ type: "text", text: "scarf" }, { type: "text", text: "$25" }, { type: "text", text: "today" }] };
    expect(messages(validateTemplateComponents(req, carouselInput([card(0, "coat", "$89"), noImage, extraBody, card(3, "hat", "$10")])))).toEqual([
      "template_components.1.cards.1.components.0.parameters: card 1: missing the header image: the template's header is IMAGE",
      "template_components.1.cards.2.components.1.parameters.2: card 2: extra body value #3: the template's body has only {{1}}, {{2}}",
      "template_components.1.cards.3.card_index: extra card 3: the template has 3 cards (card_index 0–2)",
    ]);
    expect(messages(validateTemplateComponents(req, carouselInput([card(0, "coat", "$89"), card(2, "scarf", "$25")])))).toEqual([
      "template_components.1.cards: missing card 1: the template has 3 cards",
    ]);
    expect(messages(validateTemplateComponents(req, carouselInput().slice(0, 1)))).toEqual(["template_components: missing the carousel component: the template has 3 cards"]);
    expect(messages(validateTemplateComponents(byName("weekly_newsletter"), [carouselInput()[1]]))).toContain(
      "template_components.0: extra carousel component: the template has no carousel",
    );
  });

  it("the form builds, reads back and previews every card", () => {
    const req = byName("autumn_picks_carousel");
    const values: SlotValues = { ...defaultValues(req), "body.1": { mode: "variable", field: "first_name", fallback: "there" } };
    ["coat", "boots", "scarf"].forEach((item, i) => {
      values[`card.${i}.header`] = { text: `https://cdn.example.com/${item}.jpg` };
      values[`card.${i}.body.1`] = { mode: "literal", text: item };
      values[`card.${i}.body.2`] = { mode: "literal", text: ["$89", "$120", "$25"][i] };
      values[`card.${i}.button.0`] = { mode: "literal", text: item };
    });
    const built = buildComponents(req, values);
    expect(messages(validateTemplateComponents(req, built))).toEqual([]);
    expect(valuesFromComponents(req, built)).toEqual(Object.fromEntries(Object.entries(values).filter(([k]) => !/button\.1$/.test(k))));
    const preview = renderTemplatePreview(req, built, { name: "Ana Lima" });
    expect(preview.body).toBe("Ana, our autumn picks are in. Swipe to see them all 🍂");
    expect(preview.cards.map((c) => [c.header, c.body, c.buttons.map((b) => b.url ?? b.text)])).toEqual([
      [{ kind: "image", link: "https://cdn.example.com/coat.jpg", filename: undefined }, "coat, now $89", ["https://shop.example.com/p/coat", "Not for me"]],
      [{ kind: "image", link: "https://cdn.example.com/boots.jpg", filename: undefined }, "boots, now $120", ["https://shop.example.com/p/boots", "Not for me"]],
      [{ kind: "image", link: "https://cdn.example.com/scarf.jpg", filename: undefined }, "scarf, now $25", ["https://shop.example.com/p/scarf", "Not for me"]],
    ]);
  });
});

describe("limited-time offers with a copy-code button", () => {
  const at = Date.UTC(2026, 11, 24, 18, 0, 0);
  const input = (offer: unknown[] = [{ type: "limited_time_offer", parameters: [{ type: "limited_time_offer", limited_time_offer: { expiration_time_ms: at } }] }]) => [
    { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/flash.jpg" } }] },
    { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "25%" }] },
    ...offer,
    { type: "button", sub_type: "copy_code", index: 0, parameters: [{ type: "coupon_code", coupon_code: "FLASH25" }] },
  ];

  it("derives the offer, requires its expiration and sends it as Meta documents", () => {
    const req = byName("weekend_flash_offer");
    expect(req.limitedTimeOffer).toEqual({ text: "Weekend flash deal", hasExpiration: true });
    expect(req.slots.map((s) => s.key)).toEqual(["header", "body.1", "body.2", "button.0", "limited_time_offer"]);
    const r = validateTemplateComponents(req, input());
    expect(messages(r)).toEqual([]);
    if (!r.ok) return;
    expect(renderComponents(r.components, null)).toEqual([
      { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/flash.jpg" } }] },
      { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "25%" }] },
      { type: "limited_time_offer", parameters: [{ type: "limited_time_offer", limited_time_offer: { expiration_time_ms: at } }] },
      { type: "button", sub_type: "copy_code", index: "0", parameters: [{ type: "coupon_code", coupon_code: "FLASH25" }] },
    ]);
  });

  it("names a missing or invalid expiration and a missing coupon code", () => {
    const req = byName("weekend_flash_offer");
    expect(messages(validateTemplateComponents(req, input([]).slice(0, 2)))).toEqual([
      "template_components: missing value for button 0 (COPY_CODE \"\"): a coupon code",
      "template_components: missing the offer's expiration: the template's limited-time offer expires (limited_time_offer.expiration_time_ms)",
    ]);
    expect(messages(validateTemplateComponents(req, input([{ type: "limited_time_offer", parameters: [{ type: "limited_time_offer", limited_time_offer: { expiration_time_ms: 0 } }] }])))).toEqual([
      "template_components.2.parameters.0.limited_time_offer.expiration_time_ms: the offer's expiration must be a time in Unix milliseconds",
    ]);
    expect(messages(validateTemplateComponents(byName("welcome_coupon"), [
      { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "15%" }] },
      { type: "button", sub_type: "copy_code", index: 0, parameters: [{ type: "coupon_code", coupon_code: "WELCOME15" }] },
      input()[2],
    ]))).toEqual(["template_components.2: extra limited_time_offer component: the template has no limited-time offer"]);
  });

  it("the form turns a date into expiration_time_ms and the preview shows it", () => {
    const req = byName("weekend_flash_offer");
    const values: SlotValues = {
      ...defaultValues(req),
      header: { text: "https://cdn.example.com/flash.jpg" },
      "body.1": { mode: "variable", field: "first_name", fallback: "there" },
      "body.2": { mode: "literal", text: "25%" },
      "button.0": { text: "FLASH25" },
      limited_time_offer: { text: new Date(at).toISOString() },
    };
    const built = buildComponents(req, values);
    expect(built.find((c) => c.type === "limited_time_offer")).toEqual({ type: "limited_time_offer", parameters: [{ type: "limited_time_offer", limited_time_offer: { expiration_time_ms: at } }] });
    expect(messages(validateTemplateComponents(req, built))).toEqual([]);
    expect(valuesFromComponents(req, built).limited_time_offer).toEqual({ text: "2026-12-24T18:00:00.000Z" });
    const preview = renderTemplatePreview(req, built);
    expect(preview.offer).toEqual({ text: "Weekend flash deal", expiresAt: at });
    expect(preview.buttons[0]).toEqual({ type: "COPY_CODE", text: "Copy code FLASH25" });
  });
});

describe("flow buttons", () => {
  it("take an optional flow_token / flow_action_data, sent as an action parameter", () => {
    const req = byName("vip_club_signup");
    expect(req.unsupported).toEqual([]);
    expect(req.slots.find((s) => s.key === "button.0")).toMatchObject({ kind: "flow", subType: "flow", required: false });
    const body = { type: "body", parameters: [{ type: "text", text: "Ana" }] };
    expect(messages(validateTemplateComponents(req, [body]))).toEqual([]);
    const flow = { type: "button", sub_type: "flow", index: 0, parameters: [{ type: "action", action: { flow_token: "vip-signup-42", flow_action_data: { tier: "gold" } } }] };
    const r = validateTemplateComponents(req, [body, flow]);
    expect(messages(r)).toEqual([]);
    if (r.ok) expect(renderComponents(r.components, null)[1]).toEqual({ ...flow, index: "0" });
    expect(messages(validateTemplateComponents(req, [body, { ...flow, parameters: [{ type: "payload", payload: "x" }] }]))).toEqual([
      "template_components.1.parameters.0: button 0 (FLOW \"Join now\") takes an action (flow_token, flow_action_data), not payload",
    ]);
    expect(buildComponents(req, { "body.1": { mode: "literal", text: "Ana" }, "button.0": { text: "vip-signup-42" } })).toEqual([
      body,
      { type: "button", sub_type: "flow", index: 0, parameters: [{ type: "action", action: { flow_token: "vip-signup-42" } }] },
    ]);
    expect(renderTemplatePreview(req, [body]).buttons[0]).toEqual({ type: "FLOW", text: "Join now", phoneNumber: undefined });
  });
});

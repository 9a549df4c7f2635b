import { describe, expect, it } from "vitest";
import { sandboxTemplates } from "@/lib/whatsapp/templates/sandbox-templates";
import { ZCampaignComponents } from "@/lib/whatsapp/components";
import { ZMetaTemplate } from "@/lib/whatsapp/templates/meta-template";
import { buildComponents, defaultValues, valuesFromComponents } from "./form-values";
import { hasOptOut, OPT_OUT_WARNING, templateWarnings } from "./opt-out";
import { renderTemplatePreview } from "./preview";
import { deriveTemplateRequirements } from "./requirements";
import { validateTemplateComponents, zodSchemaForTemplate } from "./validate-components";

const byName = (name: string) => {
  const t = sandboxTemplates().find((x) => x.name === name)!;
  return { t, req: deriveTemplateRequirements(t.components, t.parameter_format) };
};

describe("deriveTemplateRequirements", () => {
  it("image header + positional body + URL (static) + quick reply", () => {
    const { req } = byName("summer_sale_personal");
    expect(req.parameterFormat).toBe("POSITIONAL");
    expect(req.header).toMatchObject({ format: "IMAGE" });
    expect(req.body.variables).toEqual(["1", "2"]);
    expect(req.body.examples).toEqual({ "1": "Maria", "2": "30%" });
    expect(req.footer).toBe("Reply STOP to unsubscribe");
    expect(req.buttons.map((b) => [b.index, b.type, b.variable])).toEqual([[0, "URL", null], [1, "QUICK_REPLY", null]]);
    expect(req.slots.map((s) => [s.key, s.kind, s.required])).toEqual([
      ["header", "image", true],
      ["body.1", "text", true],
      ["body.2", "text", true],
      ["button.1", "payload", false],
    ]);
  });

  it("text header without a variable, quick replies", () => {
    const { req } = byName("weekly_newsletter");
    expect(req.header).toEqual({ format: "TEXT", text: "This week at Example Shop", variable: null, example: undefined });
    expect(req.slots.map((s) => s.key)).toEqual(["body.1", "body.2", "button.0", "button.1"]);
  });

  it("NAMED parameters: header variable, body names in order, URL suffix variable with its example", () => {
    const { req } = byName("member_rewards");
    expect(req.parameterFormat).toBe("NAMED");
    expect(req.header).toMatchObject({ format: "TEXT", variable: "first_name", example: "Maria" });
    expect(req.body.variables).toEqual(["first_name", "points", "tier"]);
    expect(req.body.examples.points).toBe("1,250");
    expect(req.slots.find((s) => s.key === "button.0")).toMatchObject({ kind: "text", subType: "url", name: "1", required: true, example: "gold" });
  });

  it("video, document and location headers; copy code; phone buttons take nothing", () => {
    expect(byName("product_video_launch").req.slots[0]).toMatchObject({ key: "header", kind: "video" });
    expect(byName("order_receipt").req.slots.map((s) => s.key)).toEqual(["header", "body.1", "body.2"]);
    expect(byName("order_receipt").req.slots[0].kind).toBe("document");
    expect(byName("store_opening_event").req.header).toEqual({ format: "LOCATION" });
    expect(byName("welcome_coupon").req.slots.find((s) => s.key === "button.0")).toMatchObject({ kind: "coupon_code", required: true, example: "WELCOME15" });
  });

  it("positional variables are sorted and de-duplicated; unknown components are reported as unsupported", () => {
    const t = ZMetaTemplate.parse({
      name: "x", language: "en", status: "APPROVED", category: "MARKETING",
      components: [{ type: "BODY", text: "{{2}} and {{1}} and {{2}} again" }, { type: "CALL_PERMISSION_REQUEST" }],
    });
    const req = deriveTemplateRequirements(t.components, undefined);
    expect(req.body.variables).toEqual(["1", "2"]);
    expect(req.unsupported).toEqual(["call_permission_request component"]);
  });
});

describe("validateTemplateComponents / zodSchemaForTemplate", () => {
  const promo = byName("summer_sale_personal").req;
  const image = { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/a.jpg" } }] };
  const body2 = { type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }, { type: "text", text: "30%" }] };

  it("accepts exactly what the template needs (with or without the optional quick-reply payload)", () => {
    expect(validateTemplateComponents(promo, [image, body2]).ok).toBe(true);
    const withPayload = [image, body2, { type: "button", sub_type: "quick_reply", index: 1, parameters: [{ type: "payload", payload: "STOP" }] }];
    expect(zodSchemaForTemplate(promo).parse(withPayload)).toHaveLength(3);
  });

  it("names every problem: missing and extra body variables, header image without a link, wrong kinds, unknown buttons", () => {
    const r = validateTemplateComponents(promo, [
      { type: "header", parameters: [{ type: "image", image: {} }] },
      { type: "body", parameters: [{ type: "text", text: "Ana" }] },
      { type: "button", sub_type: "url", index: 0, parameters: [{ type: "text", text: "x" }] },
      { type: "button", sub_type: "quick_reply", index: 5, parameters: [{ type: "payload", payload: "x" }] },
    ]);
    expect(r.ok).toBe(false);
    const messages = r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      "template_components.0.parameters.0: the header image needs a link (an https URL of the image)",
      "template_components.1.parameters: missing body variable {{2}}",
      "template_components.2: extra value for button 0 (URL \"Shop the sale\"): its URL has no variable",
      "template_components.3.index: the template has no button 5 (it has 2: 0–1)",
    ]);

    const extra = validateTemplateComponents(promo, [image, { type: "body", parameters: [...body2.parameters, { type: "text", text: "more" }] }]);
    expect(extra.ok ? [] : extra.problems.map((p) => p.message)).toEqual(["extra body value #3: the template's body has only {{1}}, {{2}}"]);

    const wrongKind = validateTemplateComponents(promo, [{ type: "header", parameters: [{ type: "video", video: { link: "https://x.example/v.mp4" } }] }, body2]);
    expect(wrongKind.ok ? [] : wrongKind.problems.map((p) => p.message)).toEqual(["the header needs an image, not video"]);

    const missingHeader = validateTemplateComponents(promo, [body2]);
    expect(missingHeader.ok ? [] : missingHeader.problems.map((p) => p.message)).toEqual(["missing the header image: the template's header is IMAGE"]);
  });

  it("NAMED templates: parameter_name required, unknown and duplicate names, URL suffix required", () => {
    const { req } = byName("member_rewards");
    const ok = [
      { type: "header", parameters: [{ type: "text", parameter_name: "first_name", variable: { field: "first_name", fallback: "there" } }] },
      {
        type: "body",
        parameters: [
          { type: "text", parameter_name: "tier", variable: { field: "customer_tier", fallback: "member" } },
          { type: "text", parameter_name: "first_name", variable: { field: "first_name", fallback: "there" } },
          { type: "text", parameter_name: "points", variable: { field: "attributes.points", fallback: "some" } },
        ],
      },
      { type: "button", sub_type: "url", index: 0, parameters: [{ type: "text", variable: { field: "customer_tier", fallback: "member" } }] },
    ];
    expect(validateTemplateComponents(req, ok).ok).toBe(true);
    const bad = validateTemplateComponents(req, [
      { type: "header", parameters: [{ type: "text", text: "Ana" }] },
      { type: "body", parameters: [{ type: "text", parameter_name: "first_name", text: "Ana" }, { type: "text", parameter_name: "first_name", text: "Ana" }, { type: "text", parameter_name: "coupon", text: "X" }] },
    ]);
    expect(bad.ok ? [] : bad.problems.map((p) => p.message)).toEqual([
      'the header variable needs parameter_name "first_name"',
      "body variable {{first_name}} is given twice",
      "extra body variable {{coupon}}: the template's body has {{first_name}}, {{points}}, {{tier}}",
      "missing body variable {{points}}",
      "missing body variable {{tier}}",
      'missing value for button 0 (URL "See my rewards"): the URL https://shop.example.com/rewards/{{1}} ends in a variable',
    ]);
  });

  it("copy code and location; values are then checked by ZCampaignComponents", () => {
    const coupon = byName("welcome_coupon").req;
    const body = { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "15%" }] };
    const r = validateTemplateComponents(coupon, [body]);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual(['missing value for button 0 (COPY_CODE ""): a coupon code']);
    const tooLong = validateTemplateComponents(coupon, [body, { type: "button", sub_type: "copy_code", index: 0, parameters: [{ type: "coupon_code", coupon_code: "WAY_TOO_LONG_FOR_META" }] }]);
    expect(tooLong.ok).toBe(false);
    const store = byName("store_opening_event").req;
    const s = validateTemplateComponents(store, [
      { type: "header", parameters: [{ type: "location", location: { latitude: 41.88, longitude: -87.63, name: "Example Shop" } }] },
      { type: "body", parameters: [{ type: "text", text: "a" }, { type: "text", text: "b" }, { type: "currency", currency: { fallback_value: "$5", code: "USD", amount_1000: 5000 } }] },
    ]);
    expect(s.ok).toBe(true);
  });

  it("a location header left empty is no coordinate (not 0, 0): the components are refused", () => {
    const { req } = byName("store_opening_event");
    const header = (latitude: string, longitude: string) => {
      const values = defaultValues(req);
      values[req.slots.find((x) => x.kind === "location")!.key] = { latitude, longitude, name: "", address: "" };
      return buildComponents(req, values).find((c) => c.type === "header") as { parameters: Array<{ location: { latitude: number; longitude: number } }> };
    };
    expect(header("", " ").parameters[0].location).toEqual({ latitude: NaN, longitude: NaN });
    expect(ZCampaignComponents.safeParse([header("", "")]).success).toBe(false);
    expect(header("41.88", "-87.63").parameters[0].location).toEqual({ latitude: 41.88, longitude: -87.63 });
    expect(ZCampaignComponents.safeParse([header("0", "0")]).success).toBe(true);
  });

  it("a static text header and no-variable body take no values", () => {
    const { req } = byName("weekly_newsletter");
    const r = validateTemplateComponents(req, [{ type: "header", parameters: [{ type: "text", text: "x" }] }, { type: "body", parameters: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }]);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual(["extra header value: the template's TEXT header has no variable"]);
  });
});

describe("opt-out warning", () => {
  it("STOP quick reply, STOP footer, or nothing", () => {
    expect(hasOptOut(byName("weekly_newsletter").req)).toBe(true);
    expect(hasOptOut(byName("spring_collection").req)).toBe(true);
    expect(hasOptOut(byName("flash_sale").req)).toBe(true);
    const vip = byName("vip_early_access");
    expect(hasOptOut(vip.req)).toBe(false);
    expect(templateWarnings(vip.t, vip.req)).toEqual([OPT_OUT_WARNING]);
    // only MARKETING templates need one
    const receipt = byName("order_receipt");
    expect(templateWarnings(receipt.t, receipt.req)).toEqual([]);
    const rejected = byName("cyber_monday_blast");
    expect(templateWarnings({ ...rejected.t, reason: rejected.t.rejected_reason }, rejected.req)).toEqual([
      OPT_OUT_WARNING,
      "The template is REJECTED (PROMOTIONAL): the campaign cannot be activated until Meta approves it.",
    ]);
  });
});

describe("preview and form values", () => {
  it("fills header, body and URL suffix for a customer, placeholders for what is missing", () => {
    const { req } = byName("member_rewards");
    const values = defaultValues(req);
    values["body.points"] = { mode: "variable", field: "attributes.points", fallback: "some" };
    values["body.tier"] = { mode: "literal", text: "" };
    values["button.0"] = { mode: "variable", field: "customer_tier", fallback: "member" };
    const components = buildComponents(req, values);
    const p = renderTemplatePreview(req, components, { name: "Ana López", customer_tier: "gold", attributes: { points: 1200 } });
    expect(p.header).toEqual({ kind: "text", text: "Rewards for Ana" });
    expect(p.body).toBe("Hi Ana, you have 1200 points in your {{tier}} account. Redeem them before they expire!");
    expect(p.buttons).toEqual([{ type: "URL", text: "See my rewards", url: "https://shop.example.com/rewards/gold" }]);
    expect(valuesFromComponents(req, components)).toEqual(values);
    const fallback = renderTemplatePreview(req, components, null);
    expect(fallback.body).toContain("you have some points");
  });

  it("image header preview and positional form round trip", () => {
    const { req } = byName("summer_sale_personal");
    const values = { header: { text: "https://cdn.example.com/a.jpg" }, "body.1": { mode: "variable" as const, field: "first_name", fallback: "there" }, "body.2": { mode: "literal" as const, text: "30%" } };
    const components = buildComponents(req, values);
    expect(validateTemplateComponents(req, components).ok).toBe(true);
    const p = renderTemplatePreview(req, components, { name: "Bob" });
    expect(p.header).toEqual({ kind: "image", link: "https://cdn.example.com/a.jpg", filename: undefined });
    expect(p.body).toMatch(/^Hi Bob! .* take 30% off/);
    expect(p.footer).toBe("Reply STOP to unsubscribe");
  });
});

/**
 * A campaign's template_components: Meta's component format, where any text value may instead be a
 * per-recipient variable bound to customer data, with a fallback literal:
 *
 *   { "type": "text", "text": "30%" }                                              literal
 *   { "type": "text", "variable": { "field": "first_name", "fallback": "there" } } per recipient
 *   { "type": "text", "parameter_name": "first_name", "variable": { ... } }         NAMED templates
 *
 * Fields: name, first_name, city, customer_tier, phone_number, attributes.<key>.
 * A dynamic URL button's value may be a tracked link instead, { "type": "text", "tracked_link": "https://…" }:
 * each recipient's message then carries the recipient's click token as the URL suffix (the caller supplies it).
 * renderForRecipient() (render-components.ts) turns them into exactly what Meta's /messages endpoint takes.
 * Header media is given by `id` (uploaded to /{phone-number-id}/media) or `link`.
 */
import { z } from "@/lib/zod";

// one check, so one message a value (a URL check and an http(s) check told a non-URL both); not `abort`,
// which would also stop the checks of the objects around it (an A/B test's share sum went unsaid)
const ZUrl = z.string().trim().max(2000).refine(isHttpUrl, "must be an http(s) URL, like https://shop.example.com/page");

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

export const CUSTOMER_FIELDS = ["name", "first_name", "city", "customer_tier", "phone_number"] as const;

export const ZVariable = z.object({
  field: z
    .string()
    .max(100)
    .refine((f) => (CUSTOMER_FIELDS as readonly string[]).includes(f) || /^attributes\.[A-Za-z0-9_]{1,64}$/.test(f), {
      message: `must be one of ${CUSTOMER_FIELDS.join(", ")} or attributes.<key>`,
    }),
  fallback: z.string().max(1024).default(""),
});
export type TVariable = z.infer<typeof ZVariable>;

const ZParameterName = z.string().regex(/^[a-z_][a-z0-9_]{0,63}$/, "lowercase letters, digits and _").optional();

const ZTextParam = z
  .object({
    type: z.literal("text"),
    parameter_name: ZParameterName,
    text: z.string().max(1024).optional(),
    variable: ZVariable.optional(),
  })
  .strict()
  .refine((p) => (p.text === undefined) !== (p.variable === undefined), { message: "give either text or variable" });

/** A URL button's suffix that is the recipient's click token; the link is where a click is redirected. */
export const ZTrackedLinkParam = z.object({ type: z.literal("text"), tracked_link: ZUrl }).strict();

const ZCurrencyParam = z
  .object({
    type: z.literal("currency"),
    parameter_name: ZParameterName,
    currency: z.object({ fallback_value: z.string().max(100), code: z.string().regex(/^[A-Z]{3}$/), amount_1000: z.number().int() }).strict(),
  })
  .strict();
const ZDateTimeParam = z
  .object({ type: z.literal("date_time"), parameter_name: ZParameterName, date_time: z.object({ fallback_value: z.string().max(100) }).strict() })
  .strict();
const ZMedia = z
  .object({
    id: z.string().regex(/^\d{1,40}$/, "a media id is digits").optional(),
    link: ZUrl.optional(),
    filename: z.string().max(240).optional(),
    /** accepted for stored campaigns, never sent: a template message's media carries no caption */
    caption: z.string().max(1024).optional(),
  })
  .strict()
  .refine((m) => (m.id === undefined) !== (m.link === undefined), { message: "give either id or link" });
const ZImageParam = z.object({ type: z.literal("image"), image: ZMedia }).strict();
const ZVideoParam = z.object({ type: z.literal("video"), video: ZMedia }).strict();
const ZDocumentParam = z.object({ type: z.literal("document"), document: ZMedia }).strict();
const ZLocationParam = z
  .object({
    type: z.literal("location"),
    location: z
      .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(1000).optional(), address: z.string().max(1000).optional() })
      .strict(),
  })
  .strict();
const ZPayloadParam = z.object({ type: z.literal("payload"), payload: z.string().min(1).max(1000) }).strict();
const ZCouponParam = z.object({ type: z.literal("coupon_code"), coupon_code: z.string().min(1).max(15) }).strict();
/** a FLOW button's optional send-time values: the token echoed back in the flow's reply, and the first screen's data */
const ZFlowActionParam = z
  .object({
    type: z.literal("action"),
    action: z
      .object({ flow_token: z.string().min(1).max(1000).optional(), flow_action_data: z.record(z.string(), z.unknown()).optional() })
      .strict()
      .refine((a) => a.flow_token !== undefined || a.flow_action_data !== undefined, { message: "give flow_token and/or flow_action_data" }),
  })
  .strict();

export const ZHeaderComponent = z
  .object({ type: z.literal("header"), parameters: z.array(z.union([ZTextParam, ZImageParam, ZVideoParam, ZDocumentParam, ZLocationParam])).max(1) })
  .strict();
export const ZBodyComponent = z
  .object({ type: z.literal("body"), parameters: z.array(z.union([ZTextParam, ZCurrencyParam, ZDateTimeParam])).max(100) })
  .strict();
export const ZButtonComponent = z
  .object({
    type: z.literal("button"),
    sub_type: z.enum(["quick_reply", "url", "copy_code", "flow"]),
    index: z.union([z.number().int().min(0).max(9), z.string().regex(/^[0-9]$/)]),
    parameters: z.array(z.union([ZTextParam, ZTrackedLinkParam, ZPayloadParam, ZCouponParam, ZFlowActionParam])).max(1),
  })
  .strict();

/** A limited-time offer's countdown: when the offer code expires (Unix epoch milliseconds). */
export const ZLimitedTimeOfferComponent = z
  .object({
    type: z.literal("limited_time_offer"),
    parameters: z
      .array(z.object({ type: z.literal("limited_time_offer"), limited_time_offer: z.object({ expiration_time_ms: z.number().int().positive() }).strict() }).strict())
      .length(1),
  })
  .strict();

/** A media card carousel: 2–10 cards, each with its media header, body values and button values. */
export const ZCarouselComponent = z
  .object({
    type: z.literal("carousel"),
    cards: z
      .array(
        z
          .object({
            card_index: z.number().int().min(0).max(9),
            components: z.array(z.discriminatedUnion("type", [ZHeaderComponent, ZBodyComponent, ZButtonComponent])).max(4),
          })
          .strict(),
      )
      .min(2)
      .max(10),
  })
  .strict();

export const ZCampaignComponent = z.discriminatedUnion("type", [ZHeaderComponent, ZBodyComponent, ZButtonComponent, ZLimitedTimeOfferComponent, ZCarouselComponent]);
export const ZCampaignComponents = z.array(ZCampaignComponent).max(20);
export type TCampaignComponents = z.infer<typeof ZCampaignComponents>;

/** What a recipient's variables are filled from. */
export type CustomerData = {
  name?: string | null;
  city?: string | null;
  customer_tier?: string | null;
  phone_number?: string | null;
  attributes?: Record<string, unknown> | null;
};

export function firstName(name: string | null | undefined): string | undefined {
  const first = name?.trim().split(/\s+/)[0];
  return first ? first : undefined;
}

export function resolveVariable(variable: TVariable, customer: CustomerData | null | undefined): string {
  let value: unknown;
  if (customer) {
    if (variable.field === "first_name") value = firstName(customer.name);
    else if (variable.field.startsWith("attributes.")) value = customer.attributes?.[variable.field.slice("attributes.".length)];
    else value = customer[variable.field as Exclude<(typeof CUSTOMER_FIELDS)[number], "first_name">];
  }
  const text = value === null || value === undefined ? "" : String(value).trim();
  return text !== "" ? text : variable.fallback;
}

/** Where a tracked URL button sends a click, or null when the components have no tracked link. */
export function trackedLinkOf(components: TCampaignComponents): string | null {
  for (const c of components) {
    if (!("parameters" in c)) continue;
    for (const p of c.parameters) if (p.type === "text" && "tracked_link" in p) return p.tracked_link;
  }
  return null;
}

/** The suffix a tracked button carries when no recipient token exists (a test send). */
export const UNTRACKED_SUFFIX = "test";


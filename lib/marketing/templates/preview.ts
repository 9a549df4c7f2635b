/**
 * The message as a customer will see it: a template's header, body, footer and buttons with a
 * campaign's values filled in for one (sample) customer. Pure, used by the preview bubble and tests.
 * Values that are missing or invalid show as the template's {{placeholder}}.
 */
import { resolveVariable, type CustomerData } from "@/lib/whatsapp/components";
import type { TemplateRequirements } from "./requirements";

export type PreviewHeader =
  | { kind: "text"; text: string }
  | { kind: "image" | "video" | "document"; link: string | null; filename?: string }
  | { kind: "location"; name?: string; address?: string; latitude?: number; longitude?: number }
  | null;

export type TemplatePreview = {
  header: PreviewHeader;
  body: string;
  footer: string | null;
  buttons: Array<{ type: string; text: string; url?: string; phoneNumber?: string }>;
  /** a carousel's cards, left to right, each filled like a message of its own */
  cards: TemplatePreview[];
  /** a limited-time offer: its text and when the code expires (epoch ms; null when not given or not valid) */
  offer: { text: string; expiresAt: number | null } | null;
};

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);

function paramText(p: unknown, customer: CustomerData | null | undefined): string | undefined {
  if (!isObject(p)) return undefined;
  if (p.type === "text") {
    if (isObject(p.variable) && typeof p.variable.field === "string") {
      return resolveVariable({ field: p.variable.field, fallback: typeof p.variable.fallback === "string" ? p.variable.fallback : "" }, customer);
    }
    return typeof p.text === "string" ? p.text : undefined;
  }
  if (p.type === "currency" && isObject(p.currency)) return String(p.currency.fallback_value ?? "");
  if (p.type === "date_time" && isObject(p.date_time)) return String(p.date_time.fallback_value ?? "");
  return undefined;
}

function fill(text: string, values: Map<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => {
    const v = values.get(name);
    return v === undefined || v === "" ? whole : v;
  });
}

export function renderTemplatePreview(req: TemplateRequirements, components: unknown, customer?: CustomerData | null): TemplatePreview {
  const list = Array.isArray(components) ? components.filter(isObject) : [];
  const find = (type: string, index?: number) => list.find((c) => c.type === type && (index === undefined || Number(c.index) === index));
  const params = (c: Loose | undefined): unknown[] => (c && Array.isArray(c.parameters) ? c.parameters : []);

  let header: PreviewHeader = null;
  const h = req.header;
  const hp = params(find("header"))[0];
  if (h?.format === "TEXT") {
    const values = new Map<string, string>();
    if (h.variable) {
      const v = paramText(hp, customer);
      if (v !== undefined) values.set(h.variable, v);
    }
    header = { kind: "text", text: fill(h.text, values) };
  } else if (h && h.format !== "LOCATION") {
    const kind = h.format.toLowerCase() as "image" | "video" | "document";
    const media = isObject(hp) && isObject(hp[kind]) ? (hp[kind] as Loose) : undefined;
    const link = typeof media?.link === "string" && media.link !== "" ? media.link : null;
    header = { kind, link, filename: typeof media?.filename === "string" ? media.filename : undefined };
  } else if (h?.format === "LOCATION") {
    const loc = isObject(hp) && isObject(hp.location) ? (hp.location as Loose) : {};
    header = {
      kind: "location",
      name: typeof loc.name === "string" ? loc.name : undefined,
      address: typeof loc.address === "string" ? loc.address : undefined,
      latitude: typeof loc.latitude === "number" ? loc.latitude : undefined,
      longitude: typeof loc.longitude === "number" ? loc.longitude : undefined,
    };
  }

  const bodyValues = new Map<string, string>();
  const bp = params(find("body"));
  if (req.parameterFormat === "NAMED") {
    for (const p of bp) {
      const v = paramText(p, customer);
      if (isObject(p) && typeof p.parameter_name === "string" && v !== undefined) bodyValues.set(p.parameter_name, v);
    }
  } else {
    req.body.variables.forEach((name, i) => {
      const v = paramText(bp[i], customer);
      if (v !== undefined) bodyValues.set(name, v);
    });
  }

  const buttons = req.buttons.map((b) => {
    if (b.type === "URL" && b.url) {
      const suffix = b.variable ? paramText(params(find("button", b.index))[0], customer) : undefined;
      return { type: b.type, text: b.text, url: b.variable ? fill(b.url, new Map(suffix !== undefined ? [[b.variable, encodeURIComponent(suffix)]] : [])) : b.url };
    }
    if (b.type === "COPY_CODE") {
      const p = params(find("button", b.index))[0];
      const code = isObject(p) && typeof p.coupon_code === "string" ? p.coupon_code : undefined;
      return { type: b.type, text: code ? `Copy code ${code}` : b.text || "Copy offer code" };
    }
    return { type: b.type, text: b.text, phoneNumber: b.phoneNumber };
  });

  const carousel = find("carousel");
  const givenCards = carousel && Array.isArray(carousel.cards) ? carousel.cards.filter(isObject) : [];
  const cards = req.cards.map((card, i) => renderTemplatePreview(card, givenCards.find((c) => c.card_index === i)?.components, customer));

  let offer: TemplatePreview["offer"] = null;
  if (req.limitedTimeOffer) {
    const p = params(find("limited_time_offer"))[0];
    const ms = isObject(p) && isObject(p.limited_time_offer) ? p.limited_time_offer.expiration_time_ms : undefined;
    offer = { text: req.limitedTimeOffer.text, expiresAt: typeof ms === "number" && Number.isFinite(ms) && ms > 0 ? ms : null };
  }

  return { header, body: fill(req.body.text, bodyValues), footer: req.footer, buttons, cards, offer };
}

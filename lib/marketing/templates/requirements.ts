/**
 * What a template needs at send time, derived from its components as Meta returns them:
 * the header format (TEXT with or without a variable, IMAGE, VIDEO, DOCUMENT, LOCATION), the body
 * variables ({{1}}…{{n}} or named {{first_name}}), URL buttons whose URL ends in a variable,
 * quick-reply payloads and copy-code values. `slots` lists every value a campaign can supply, in
 * order, for generating form fields and for validation (validate-components.ts).
 */
import type { TMetaTemplateComponent } from "@/lib/whatsapp/templates/meta-template";
import { deriveCarouselCards, deriveLimitedTimeOffer } from "./carousel";

export type ParameterFormat = "POSITIONAL" | "NAMED";
export type MediaFormat = "IMAGE" | "VIDEO" | "DOCUMENT";

export type HeaderRequirement =
  | { format: "TEXT"; text: string; variable: string | null; example?: string }
  | { format: MediaFormat; example?: string }
  | { format: "LOCATION" };

export type ButtonRequirement = {
  index: number;
  /** QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, FLOW, OTP, … as Meta names them */
  type: string;
  text: string;
  url?: string;
  phoneNumber?: string;
  /** URL buttons: the variable at the end of the URL ("1"), else null */
  variable: string | null;
  example?: string;
};

export type SlotKind = "text" | "image" | "video" | "document" | "location" | "payload" | "coupon_code" | "expiration" | "flow";

/** One value a campaign supplies (or may supply) for the template. */
export type ParameterSlot = {
  /** stable key: "header", "body.1", "body.first_name", "button.2" */
  key: string;
  /** "card": a value of one carousel card (cardIndex); "limited_time_offer": the offer's expiration */
  component: "header" | "body" | "button" | "card" | "limited_time_offer";
  kind: SlotKind;
  /** the variable's name: "1", "2" (POSITIONAL) or "first_name" (NAMED) */
  name?: string;
  buttonIndex?: number;
  cardIndex?: number;
  /** sub_type of the button component at send time */
  subType?: "url" | "quick_reply" | "copy_code" | "flow";
  /** required: a missing value is a mismatch; optional: quick-reply payloads */
  required: boolean;
  label: string;
  example?: string;
};

export type TemplateRequirements = {
  parameterFormat: ParameterFormat;
  header: HeaderRequirement | null;
  body: { text: string; variables: string[]; examples: Record<string, string> };
  footer: string | null;
  buttons: ButtonRequirement[];
  slots: ParameterSlot[];
  /** a media card carousel: each card's own requirements (its slots are also in `slots`, keyed "card.<i>.…") */
  cards: TemplateRequirements[];
  /** a limited-time offer: its offer text, and whether a send must give the code's expiration */
  limitedTimeOffer: { text: string; hasExpiration: boolean } | null;
  /** component kinds this product cannot fill (catalog, OTP, …) */
  unsupported: string[];
};

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct variable names of a text, in order of first appearance. */
export function textVariables(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!names.includes(m[1])) names.push(m[1]);
  return names;
}

function orderVariables(names: string[], format: ParameterFormat): string[] {
  if (format === "NAMED") return names;
  // positional variables are numbered 1..n; Meta requires them consecutive, we sort defensively
  return [...names].sort((a, b) => Number(a) - Number(b));
}

export function deriveTemplateRequirements(components: TMetaTemplateComponent[], parameterFormat: string | null | undefined): TemplateRequirements {
  const format: ParameterFormat = parameterFormat?.toUpperCase() === "NAMED" ? "NAMED" : "POSITIONAL";
  const req: TemplateRequirements = { parameterFormat: format, header: null, body: { text: "", variables: [], examples: {} }, footer: null, buttons: [], slots: [], cards: [], limitedTimeOffer: null, unsupported: [] };

  for (const c of components) {
    switch (c.type) {
      case "HEADER": {
        const f = c.format ?? "TEXT";
        if (f === "TEXT") {
          const variable = textVariables(c.text)[0] ?? null;
          const example = format === "NAMED" ? c.example?.header_text_named_params?.[0]?.example : c.example?.header_text?.[0];
          req.header = { format: "TEXT", text: c.text ?? "", variable, example };
        } else if (f === "IMAGE" || f === "VIDEO" || f === "DOCUMENT") {
          req.header = { format: f, example: c.example?.header_handle?.[0] };
        } else if (f === "LOCATION") {
          req.header = { format: "LOCATION" };
        } else {
          req.unsupported.push(`header format ${f}`);
        }
        break;
      }
      case "BODY": {
        req.body.text = c.text ?? "";
        req.body.variables = orderVariables(textVariables(c.text), format);
        if (format === "NAMED") {
          for (const p of c.example?.body_text_named_params ?? []) if (p.example !== undefined) req.body.examples[p.param_name] = p.example;
        } else {
          (c.example?.body_text?.[0] ?? []).forEach((v, i) => (req.body.examples[String(i + 1)] = v));
        }
        break;
      }
      case "FOOTER":
        req.footer = c.text ?? "";
        break;
      case "BUTTONS":
        (c.buttons ?? []).forEach((b, index) => {
          const variable = b.type === "URL" ? (textVariables(b.url)[0] ?? null) : null;
          const example = Array.isArray(b.example) ? b.example[0] : b.example;
          req.buttons.push({ index, type: b.type, text: b.text ?? "", url: b.url, phoneNumber: b.phone_number, variable, example });
        });
        break;
      case "CAROUSEL":
        req.cards = deriveCarouselCards(c, format, deriveTemplateRequirements, req.unsupported);
        break;
      case "LIMITED_TIME_OFFER":
        req.limitedTimeOffer = deriveLimitedTimeOffer(c);
        break;
      default:
        req.unsupported.push(`${c.type.toLowerCase()} component`);
    }
  }

  const h = req.header;
  if (h?.format === "TEXT" && h.variable) {
    req.slots.push({ key: "header", component: "header", kind: "text", name: h.variable, required: true, label: `Header {{${h.variable}}}`, example: h.example });
  } else if (h && h.format !== "TEXT") {
    const kind = h.format.toLowerCase() as SlotKind;
    req.slots.push({ key: "header", component: "header", kind, required: true, label: h.format === "LOCATION" ? "Header location" : `Header ${kind} link`, example: h.format === "LOCATION" ? undefined : h.example });
  }
  for (const name of req.body.variables) {
    req.slots.push({ key: `body.${name}`, component: "body", kind: "text", name, required: true, label: `Body {{${name}}}`, example: req.body.examples[name] });
  }
  for (const b of req.buttons) {
    if (b.type === "URL" && b.variable) {
      req.slots.push({ key: `button.${b.index}`, component: "button", kind: "text", name: b.variable, buttonIndex: b.index, subType: "url", required: true, label: `Button "${b.text}" URL suffix`, example: urlSuffixExample(b) });
    } else if (b.type === "QUICK_REPLY") {
      req.slots.push({ key: `button.${b.index}`, component: "button", kind: "payload", buttonIndex: b.index, subType: "quick_reply", required: false, label: `Button "${b.text}" payload` });
    } else if (b.type === "COPY_CODE") {
      req.slots.push({ key: `button.${b.index}`, component: "button", kind: "coupon_code", buttonIndex: b.index, subType: "copy_code", required: true, label: "Coupon code", example: b.example });
    } else if (b.type === "FLOW") {
      req.slots.push({ key: `button.${b.index}`, component: "button", kind: "flow", buttonIndex: b.index, subType: "flow", required: false, label: `Button "${b.text}" flow token` });
    } else if (b.type === "OTP" || b.type === "CATALOG" || b.type === "MPM") {
      req.unsupported.push(`${b.type} button`);
    }
  }
  if (req.limitedTimeOffer?.hasExpiration) {
    req.slots.push({ key: "limited_time_offer", component: "limited_time_offer", kind: "expiration", required: true, label: "Offer expires at" });
  }
  req.cards.forEach((card, i) => {
    for (const s of card.slots) {
      req.slots.push({ ...s, key: `card.${i}.${s.key}`, component: "card", cardIndex: i, label: `Card ${i + 1}: ${s.label}` });
    }
  });
  return req;
}

/** For a URL button example "https://shop.example.com/p/summer" and url ".../p/{{1}}": "summer". */
function urlSuffixExample(b: ButtonRequirement): string | undefined {
  if (!b.example || !b.url) return undefined;
  const prefix = b.url.split("{{")[0];
  return b.example.startsWith(prefix) ? b.example.slice(prefix.length) || undefined : undefined;
}

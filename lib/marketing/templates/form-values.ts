/**
 * The campaign form's parameter fields ↔ template_components. One value per slot of the template
 * (requirements.ts): a literal, or a customer field with a fallback, or a media link, location,
 * quick-reply payload or coupon code. Pure, shared by the form and its tests.
 */
import type { ParameterSlot, TemplateRequirements } from "./requirements";

export type SlotValue = {
  /** text slots: a literal, or a per-recipient customer field */
  /** tracked: a URL button's tracked link (text holds the link; the suffix is each recipient's click token) */
  mode?: "literal" | "variable" | "tracked";
  /** literal text, media link, payload or coupon code */
  text?: string;
  field?: string;
  fallback?: string;
  latitude?: string;
  longitude?: string;
  name?: string;
  address?: string;
  /** a document header's file name (optional) */
  filename?: string;
};
export type SlotValues = Record<string, SlotValue>;

type Param = Record<string, unknown>;

function param(req: TemplateRequirements, slot: ParameterSlot, v: SlotValue | undefined): Param | null {
  const value = v ?? {};
  switch (slot.kind) {
    case "text": {
      const named = req.parameterFormat === "NAMED" && slot.component !== "button" ? { parameter_name: slot.name } : {};
      if (value.mode === "variable" && value.field) return { type: "text", ...named, variable: { field: value.field, fallback: value.fallback ?? "" } };
      if (value.mode === "tracked" && slot.component === "button") return { type: "text", tracked_link: (value.text ?? "").trim() };
      return { type: "text", ...named, text: value.text ?? "" };
    }
    case "image":
    case "video":
      return { type: slot.kind, [slot.kind]: { link: (value.text ?? "").trim() } };
    case "document": {
      const filename = (value.filename ?? "").trim();
      return { type: "document", document: { link: (value.text ?? "").trim(), ...(filename ? { filename } : {}) } };
    }
    case "location": {
      // an empty field is no coordinate (Number("") would be 0: a pin off the coast of Africa); NaN fails validation
      const coordinate = (v: string | undefined) => (v?.trim() ? Number(v) : NaN);
      const loc: Record<string, unknown> = { latitude: coordinate(value.latitude), longitude: coordinate(value.longitude) };
      if (value.name) loc.name = value.name;
      if (value.address) loc.address = value.address;
      return { type: "location", location: loc };
    }
    case "payload":
      return value.text ? { type: "payload", payload: value.text } : null;
    case "coupon_code":
      return { type: "coupon_code", coupon_code: (value.text ?? "").trim() };
    case "expiration": {
      // an ISO 8601 time (the form converts its local date and time); unreadable stays NaN and fails validation
      const ms = Date.parse(value.text ?? "");
      return { type: "limited_time_offer", limited_time_offer: { expiration_time_ms: Number.isNaN(ms) ? 0 : ms } };
    }
    case "flow":
      return value.text?.trim() ? { type: "action", action: { flow_token: value.text.trim() } } : null;
  }
}

/** The values of carousel card i, keyed as the card's own slots ("header", "body.1", …). */
function cardValues(values: SlotValues, i: number): SlotValues {
  const prefix = `card.${i}.`;
  return Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

export function buildComponents(req: TemplateRequirements, values: SlotValues): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const slot of req.slots.filter((s) => s.component === "header")) {
    const p = param(req, slot, values[slot.key]);
    if (p) out.push({ type: "header", parameters: [p] });
  }
  const body = req.slots.filter((s) => s.component === "body").map((s) => param(req, s, values[s.key])).filter((p): p is Param => p !== null);
  if (body.length > 0) out.push({ type: "body", parameters: body });
  for (const slot of req.slots.filter((s) => s.component === "limited_time_offer")) {
    const p = param(req, slot, values[slot.key]);
    if (p) out.push({ type: "limited_time_offer", parameters: [p] });
  }
  if (req.cards.length > 0) {
    out.push({ type: "carousel", cards: req.cards.map((card, i) => ({ card_index: i, components: buildComponents(card, cardValues(values, i)) })) });
  }
  for (const slot of req.slots.filter((s) => s.component === "button")) {
    const p = param(req, slot, values[slot.key]);
    if (p) out.push({ type: "button", sub_type: slot.subType, index: slot.buttonIndex, parameters: [p] });
  }
  return out;
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);

function valueOf(p: unknown): SlotValue {
  if (!isObject(p)) return {};
  if (p.type === "text") {
    if (typeof p.tracked_link === "string") return { mode: "tracked", text: p.tracked_link };
    if (isObject(p.variable)) return { mode: "variable", field: String(p.variable.field ?? ""), fallback: String(p.variable.fallback ?? "") };
    return { mode: "literal", text: typeof p.text === "string" ? p.text : "" };
  }
  for (const kind of ["image", "video"]) if (p.type === kind && isObject(p[kind])) return { text: String((p[kind] as Loose).link ?? "") };
  if (p.type === "document" && isObject(p.document)) {
    return { text: String(p.document.link ?? ""), ...(typeof p.document.filename === "string" ? { filename: p.document.filename } : {}) };
  }
  if (p.type === "location" && isObject(p.location)) {
    const l = p.location;
    return { latitude: l.latitude === undefined ? "" : String(l.latitude), longitude: l.longitude === undefined ? "" : String(l.longitude), name: typeof l.name === "string" ? l.name : "", address: typeof l.address === "string" ? l.address : "" };
  }
  if (p.type === "payload") return { text: String(p.payload ?? "") };
  if (p.type === "coupon_code") return { text: String(p.coupon_code ?? "") };
  if (p.type === "limited_time_offer" && isObject(p.limited_time_offer) && typeof p.limited_time_offer.expiration_time_ms === "number") {
    return { text: new Date(p.limited_time_offer.expiration_time_ms).toISOString() };
  }
  if (p.type === "action" && isObject(p.action)) return { text: typeof p.action.flow_token === "string" ? p.action.flow_token : "" };
  if (p.type === "currency" && isObject(p.currency)) return { mode: "literal", text: String(p.currency.fallback_value ?? "") };
  if (p.type === "date_time" && isObject(p.date_time)) return { mode: "literal", text: String(p.date_time.fallback_value ?? "") };
  return {};
}

/** The form's values for existing components (a campaign being edited). */
export function valuesFromComponents(req: TemplateRequirements, components: unknown): SlotValues {
  const list = Array.isArray(components) ? components.filter(isObject) : [];
  const params = (c: Loose | undefined): unknown[] => (c && Array.isArray(c.parameters) ? c.parameters : []);
  const values: SlotValues = {};
  const header = list.find((c) => c.type === "header");
  const hs = req.slots.find((s) => s.component === "header");
  if (hs && header) values[hs.key] = valueOf(params(header)[0]);
  const bp = params(list.find((c) => c.type === "body"));
  req.slots
    .filter((s) => s.component === "body")
    .forEach((s, i) => {
      const p = req.parameterFormat === "NAMED" ? bp.find((x) => isObject(x) && x.parameter_name === s.name) : bp[i];
      if (p !== undefined) values[s.key] = valueOf(p);
    });
  for (const s of req.slots.filter((x) => x.component === "button")) {
    const c = list.find((x) => x.type === "button" && Number(x.index) === s.buttonIndex);
    if (c) values[s.key] = valueOf(params(c)[0]);
  }
  const offer = list.find((c) => c.type === "limited_time_offer");
  if (offer && req.limitedTimeOffer?.hasExpiration) values.limited_time_offer = valueOf(params(offer)[0]);
  const carousel = list.find((c) => c.type === "carousel");
  const cards = carousel && Array.isArray(carousel.cards) ? carousel.cards.filter(isObject) : [];
  req.cards.forEach((card, i) => {
    const given = cards.find((c) => c.card_index === i);
    if (!given) return;
    for (const [k, v] of Object.entries(valuesFromComponents(card, given.components))) values[`card.${i}.${k}`] = v;
  });
  return values;
}

/**
 * Starting values for a freshly picked template: every value empty, to be given by the marketer (the form
 * lists each under "Still needed" and a save is refused until it is filled). A template's examples are the
 * samples Meta approved it with, not a campaign's text: sent as they are, every customer would be greeted
 * as the example's "Maria". They show as the fields' placeholders only. A variable named for a name (NAMED
 * templates: {{first_name}}, {{customer_name}}) is the customer's first name, "there" when it is missing.
 */
export function defaultValues(req: TemplateRequirements): SlotValues {
  const values: SlotValues = {};
  for (const s of req.slots) {
    if (s.kind === "text" && s.component !== "button" && /name/i.test(s.name ?? "")) values[s.key] = { mode: "variable", field: "first_name", fallback: "there" };
    else if (s.kind === "text") values[s.key] = { mode: "literal", text: "" };
    else if (s.kind === "location") values[s.key] = { latitude: "", longitude: "", name: "", address: "" };
    else if (s.kind === "payload") values[s.key] = {};
    // media: Meta's example handles are not sendable links either; coupon codes, expirations, flow tokens: the marketer's
    else values[s.key] = { text: "" };
  }
  return values;
}

/** Error messages by path ("template_components.0.parameters.1…") → the messages of each slot whose component or parameter they are under. */
export function errorsBySlot(req: TemplateRequirements, components: Array<Record<string, unknown>>, errors: Record<string, string[]>): Record<string, string[]> {
  const paths = slotErrorPaths(req, components);
  const under = (path: string | undefined) =>
    path === undefined ? [] : Object.entries(errors).filter(([k]) => k === path || k.startsWith(`${path}.`)).flatMap(([, v]) => v);
  return Object.fromEntries(req.slots.map((s) => [s.key, under(paths[s.key])] as const).filter(([, v]) => v.length > 0));
}

/**
 * Where the server's error paths (`template_components.<i>…`) point, per slot key, for components built
 * by buildComponents: a header or button slot owns its whole component, a body slot its parameter.
 */
export function slotErrorPaths(req: TemplateRequirements, components: Array<Record<string, unknown>>): Record<string, string> {
  const paths: Record<string, string> = {};
  const bodySlots = req.slots.filter((s) => s.component === "body");
  components.forEach((c, i) => {
    const at = `template_components.${i}`;
    if (c.type === "header") paths.header = at;
    else if (c.type === "limited_time_offer") paths.limited_time_offer = at;
    else if (c.type === "button") paths[`button.${String(c.index)}`] = at;
    else if (c.type === "body") {
      const params = Array.isArray(c.parameters) ? c.parameters : [];
      // body parameters are built in slot order, skipping none (text slots always give a parameter)
      bodySlots.forEach((s, j) => {
        if (j < params.length) paths[s.key] = `${at}.parameters.${j}`;
      });
    }
  });
  return paths;
}

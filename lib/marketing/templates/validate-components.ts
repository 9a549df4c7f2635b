/**
 * Does a campaign's template_components supply exactly what its template needs? Every problem is
 * reported (missing or extra variables, a header image without a link, a value of the wrong kind, a
 * button the template does not have), each with a path into template_components and a message naming
 * it; then the values themselves are checked with ZCampaignComponents (lengths, URLs, fields).
 */
import { z } from "@/lib/zod";
import { ZCampaignComponents, type TCampaignComponents } from "@/lib/whatsapp/components";
import { validateCarousel, validateLimitedTimeOffer } from "./carousel";
import type { ParameterSlot, TemplateRequirements } from "./requirements";

export type ComponentProblem = { path: string; message: string };
export type ComponentsCheck = { ok: true; components: TCampaignComponents } | { ok: false; problems: ComponentProblem[] };

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);

const BODY_KINDS = ["text", "currency", "date_time"];
const SUB_TYPE_OF_BUTTON: Record<string, string> = { URL: "url", QUICK_REPLY: "quick_reply", COPY_CODE: "copy_code", FLOW: "flow" };

function describeKind(p: unknown): string {
  return isObject(p) && typeof p.type === "string" ? p.type : "a value without a type";
}

function checkMedia(p: Loose, kind: string, path: string, problems: ComponentProblem[]) {
  const media = p[kind];
  const link = isObject(media) ? media.link : undefined;
  if (typeof link !== "string" || link.trim() === "") problems.push({ path, message: `the header ${kind} needs a link (an https URL of the ${kind})` });
  else if (!/^https?:\/\/\S+$/i.test(link.trim())) problems.push({ path: `${path}.${kind}.link`, message: `the header ${kind} link must be an http(s) URL` });
}

function checkTextValue(p: Loose, path: string, what: string, problems: ComponentProblem[]) {
  if (p.type !== "text") {
    problems.push({ path, message: `${what} must be text (a literal or a customer variable), not ${describeKind(p)}` });
    return;
  }
  if (p.text === undefined && p.variable === undefined) problems.push({ path, message: `${what} has no value: give "text" or "variable"` });
  else if (typeof p.text === "string" && p.text.trim() === "") problems.push({ path, message: `${what} is empty` });
}

export function validateTemplateComponents(req: TemplateRequirements, input: unknown): ComponentsCheck {
  const problems: ComponentProblem[] = [];
  const root = "template_components";
  if (input === undefined || input === null) input = [];
  if (!Array.isArray(input)) return { ok: false, problems: [{ path: root, message: "must be a list of components" }] };

  const headers: Array<[number, Loose]> = [];
  const bodies: Array<[number, Loose]> = [];
  const buttons = new Map<number, Array<[number, Loose]>>();
  const carousels: Array<[number, Loose]> = [];
  const offers: Array<[number, Loose]> = [];
  input.forEach((c, i) => {
    const path = `${root}.${i}`;
    if (!isObject(c) || typeof c.type !== "string") return problems.push({ path, message: "each component needs a type: header, body or button" });
    if (c.parameters !== undefined && !Array.isArray(c.parameters)) return problems.push({ path: `${path}.parameters`, message: "parameters must be a list" });
    if (c.type === "header") headers.push([i, c]);
    else if (c.type === "body") bodies.push([i, c]);
    else if (c.type === "button") {
      const index = Number(c.index);
      if (!Number.isInteger(index) || index < 0) return problems.push({ path: `${path}.index`, message: "a button component needs its index (0 for the first button)" });
      buttons.set(index, [...(buttons.get(index) ?? []), [i, c]]);
    } else if (c.type === "carousel") carousels.push([i, c]);
    else if (c.type === "limited_time_offer") offers.push([i, c]);
    else problems.push({ path: `${path}.type`, message: `'${c.type}' components take no values (only header, body, button, carousel and limited_time_offer do)` });
  });
  const params = (c: Loose): unknown[] => (Array.isArray(c.parameters) ? c.parameters : []);

  // header
  if (headers.length > 1) problems.push({ path: `${root}.${headers[1][0]}`, message: "more than one header component" });
  const headerSlot = req.slots.find((s) => s.component === "header");
  const header = headers[0];
  if (headerSlot) {
    const what = headerSlot.kind === "text" ? `the header variable {{${headerSlot.name}}}` : `the header ${headerSlot.kind}`;
    if (!header || params(header[1]).length === 0) {
      problems.push({ path: header ? `${root}.${header[0]}.parameters` : root, message: `missing ${what}: the template's header is ${req.header?.format}${headerSlot.kind === "text" ? " with a variable" : ""}` });
    } else {
      const ps = params(header[1]);
      const path = `${root}.${header[0]}.parameters.0`;
      if (ps.length > 1) problems.push({ path: `${root}.${header[0]}.parameters.1`, message: `extra header parameter: the header takes exactly one value` });
      const p = ps[0];
      if (!isObject(p) || p.type !== headerSlot.kind) {
        problems.push({ path, message: `the header needs ${headerSlot.kind === "image" ? "an image" : `a ${headerSlot.kind}`}, not ${describeKind(p)}` });
      } else if (headerSlot.kind === "image" || headerSlot.kind === "video" || headerSlot.kind === "document") {
        checkMedia(p, headerSlot.kind, path, problems);
      } else if (headerSlot.kind === "text") {
        checkTextValue(p, path, what, problems);
        checkParameterName(req, headerSlot, p, path, problems);
      }
    }
  } else if (header && params(header[1]).length > 0) {
    problems.push({
      path: `${root}.${header[0]}`,
      message: req.header ? `extra header value: the template's ${req.header.format} header has no variable` : "extra header value: the template has no header",
    });
  }

  // body
  if (bodies.length > 1) problems.push({ path: `${root}.${bodies[1][0]}`, message: "more than one body component" });
  const bodySlots = req.slots.filter((s) => s.component === "body");
  const body = bodies[0];
  const bodyParams = body ? params(body[1]) : [];
  const bodyPath = body ? `${root}.${body[0]}.parameters` : root;
  const list = (names: string[]) => names.map((n) => `{{${n}}}`).join(", ");
  bodyParams.forEach((p, j) => {
    if (!isObject(p) || !BODY_KINDS.includes(String(p.type))) problems.push({ path: `${bodyPath}.${j}`, message: `a body variable must be text, currency or date_time, not ${describeKind(p)}` });
    else if (p.type === "text" && p.text === undefined && p.variable === undefined) problems.push({ path: `${bodyPath}.${j}`, message: `body value #${j + 1} has no value: give "text" or "variable"` });
    else if (p.type === "text" && typeof p.text === "string" && p.text.trim() === "") problems.push({ path: `${bodyPath}.${j}.text`, message: `body value #${j + 1} is empty` });
  });
  if (req.parameterFormat === "POSITIONAL") {
    bodySlots.slice(bodyParams.length).forEach((s) => problems.push({ path: bodyPath, message: `missing body variable {{${s.name}}}` }));
    bodyParams.slice(bodySlots.length).forEach((_, k) =>
      problems.push({
        path: `${bodyPath}.${bodySlots.length + k}`,
        message: `extra body value #${bodySlots.length + k + 1}: the template's body has ${bodySlots.length === 0 ? "no variables" : `only ${list(bodySlots.map((s) => s.name!))}`}`,
      }),
    );
    bodyParams.forEach((p, j) => {
      if (isObject(p) && p.parameter_name !== undefined) problems.push({ path: `${bodyPath}.${j}.parameter_name`, message: "parameter_name is only for templates with NAMED parameters; this one is POSITIONAL" });
    });
  } else {
    const given = new Map<string, number>();
    bodyParams.forEach((p, j) => {
      const name = isObject(p) ? p.parameter_name : undefined;
      if (typeof name !== "string") return problems.push({ path: `${bodyPath}.${j}`, message: `body value #${j + 1} needs a parameter_name (the template uses NAMED parameters: ${list(bodySlots.map((s) => s.name!))})` });
      if (given.has(name)) return problems.push({ path: `${bodyPath}.${j}.parameter_name`, message: `body variable {{${name}}} is given twice` });
      given.set(name, j);
      if (!bodySlots.some((s) => s.name === name)) {
        problems.push({ path: `${bodyPath}.${j}.parameter_name`, message: `extra body variable {{${name}}}: the template's body has ${bodySlots.length === 0 ? "no variables" : list(bodySlots.map((s) => s.name!))}` });
      }
    });
    for (const s of bodySlots) if (!given.has(s.name!)) problems.push({ path: bodyPath, message: `missing body variable {{${s.name}}}` });
  }

  // buttons
  for (const [index, comps] of buttons) {
    const [i, c] = comps[0];
    const path = `${root}.${i}`;
    if (comps.length > 1) problems.push({ path: `${root}.${comps[1][0]}`, message: `button ${index} is given twice` });
    const b = req.buttons.find((x) => x.index === index);
    if (!b) {
      problems.push({ path: `${path}.index`, message: `the template has no button ${index}${req.buttons.length ? ` (it has ${req.buttons.length}: 0–${req.buttons.length - 1})` : ""}` });
      continue;
    }
    const expected = SUB_TYPE_OF_BUTTON[b.type];
    const label = `button ${index} (${b.type} "${b.text}")`;
    if (!expected) {
      problems.push({ path, message: `${label} takes no values` });
      continue;
    }
    if (c.sub_type !== expected) {
      problems.push({ path: `${path}.sub_type`, message: `${label} needs sub_type "${expected}", not ${JSON.stringify(c.sub_type ?? null)}` });
      continue;
    }
    const ps = params(c);
    const slot = req.slots.find((s) => s.key === `button.${index}`);
    if (b.type === "URL" && !slot) {
      if (ps.length > 0) problems.push({ path, message: `extra value for ${label}: its URL has no variable` });
      continue;
    }
    if (b.type === "FLOW") {
      if (ps.length > 1) problems.push({ path: `${path}.parameters.1`, message: `${label} takes exactly one value` });
      const p = ps[0];
      if (ps.length > 0 && (!isObject(p) || p.type !== "action")) problems.push({ path: `${path}.parameters.0`, message: `${label} takes an action (flow_token, flow_action_data), not ${describeKind(p)}` });
      continue;
    }
    if (ps.length === 0) {
      if (slot?.required) problems.push({ path: `${path}.parameters`, message: `missing value for ${label}` });
      continue;
    }
    if (ps.length > 1) problems.push({ path: `${path}.parameters.1`, message: `${label} takes exactly one value` });
    const p = ps[0];
    const ppath = `${path}.parameters.0`;
    // a tracked link (the recipient's click token as suffix) is checked against the button's URL by engagement/tracked-link.ts
    if (b.type === "URL" && isObject(p) && p.type === "text" && p.tracked_link !== undefined) continue;
    if (b.type === "URL") checkTextValue(isObject(p) ? p : {}, ppath, `the URL suffix of ${label}`, problems);
    else if (b.type === "QUICK_REPLY" && (!isObject(p) || p.type !== "payload")) problems.push({ path: ppath, message: `${label} takes a payload, not ${describeKind(p)}` });
    else if (b.type === "COPY_CODE" && (!isObject(p) || p.type !== "coupon_code")) problems.push({ path: ppath, message: `${label} takes a coupon_code, not ${describeKind(p)}` });
  }
  for (const s of req.slots) {
    if (s.component === "button" && s.required && !buttons.has(s.buttonIndex!)) {
      const b = req.buttons.find((x) => x.index === s.buttonIndex)!;
      problems.push({ path: root, message: `missing value for button ${s.buttonIndex} (${b.type} "${b.text}"): ${b.type === "URL" ? `the URL ${b.url} ends in a variable` : "a coupon code"}` });
    }
  }

  problems.push(...validateCarousel(req, carousels, root, validateTemplateComponents));
  problems.push(...validateLimitedTimeOffer(req, offers, root));

  if (problems.length > 0) return { ok: false, problems };
  const parsed = ZCampaignComponents.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: [root, ...i.path.map(String)].join("."), message: i.message })) };
  }
  return { ok: true, components: parsed.data };
}

function checkParameterName(req: TemplateRequirements, slot: ParameterSlot, p: Loose, path: string, problems: ComponentProblem[]) {
  if (req.parameterFormat === "NAMED" && p.parameter_name !== slot.name) {
    problems.push({ path: `${path}.parameter_name`, message: `the header variable needs parameter_name "${slot.name}"` });
  } else if (req.parameterFormat === "POSITIONAL" && p.parameter_name !== undefined) {
    problems.push({ path: `${path}.parameter_name`, message: "parameter_name is only for templates with NAMED parameters; this one is POSITIONAL" });
  }
}

/** A zod schema for a campaign's template_components that fits this template exactly. */
export function zodSchemaForTemplate(req: TemplateRequirements) {
  return z.unknown().transform((value, ctx): TCampaignComponents => {
    const result = validateTemplateComponents(req, value);
    if (result.ok) return result.components;
    for (const p of result.problems) ctx.addIssue({ code: "custom", message: p.message, path: p.path.split(".").slice(1) });
    return z.NEVER;
  });
}

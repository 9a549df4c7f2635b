/**
 * What the fake Graph API checks before it accepts a template send, as Meta does: the template exists in
 * that language and is APPROVED, and the components match it — parameter counts, named parameters,
 * non-empty values, header text ≤ 60 characters, no newlines / tabs / 4+ spaces in values (132018), media
 * fields Meta allows, button indexes and sub_types. The first problem found is answered with Meta's code
 * and HTTP status (metaHttpStatus).
 *
 * Each component type is checked by its own function in COMPONENT_CHECKERS (keyed by the template's
 * component type, lower case): add one for a new type (carousel, limited_time_offer, …).
 */

export type StrictError = { code: number; title: string; details: string };

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);

/** Meta's HTTP status for an error code. */
export function metaHttpStatus(code: number): number {
  if (code === 190 || code === 0) return 401;
  if (code === 10 || code === 3 || (code >= 200 && code <= 299) || code === 131005) return 403;
  if ([4, 80007, 130429, 131056, 131048].includes(code)) return 429;
  if (code === 131000 || code === 2) return 500;
  if (code === 131016 || code === 133004 || code === 131057) return 503;
  if (code === 132001) return 404;
  return 400;
}

const err = (code: number, title: string, details: string): StrictError => ({ code, title, details });

/** {{1}} {{2}} or {{name}}: the variables of a template text, in order of first appearance. */
export function templateVariables(text: unknown): string[] {
  if (typeof text !== "string") return [];
  const out: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/** a parameter value Meta refuses (132018) */
const BAD_VALUE = /[\n\r\t]| {4,}/;

export type CheckContext = {
  /** the template's component of this type */
  template: Loose;
  /** the sent components of this type (button components: all of them) */
  sent: Loose[];
  parameterFormat: "POSITIONAL" | "NAMED";
  /** media ids the fake's /media handed out */
  mediaIds: ReadonlySet<string>;
};

export type ComponentChecker = (ctx: CheckContext) => StrictError | null;

function checkTextParams(where: string, params: unknown[], variables: string[], format: "POSITIONAL" | "NAMED", maxLength?: number): StrictError | null {
  if (params.length !== variables.length) {
    return err(132000, "Number of parameters does not match the expected number of params", `${where}: expected number of params (${variables.length}) does not match received number of params (${params.length})`);
  }
  for (const [i, p] of params.entries()) {
    if (!isObject(p)) return err(100, "Invalid parameter", `${where}: parameter ${i + 1} is not an object`);
    if (p.type === "text") {
      if (typeof p.text !== "string" || p.text === "") return err(131008, "Required parameter is missing", `${where}: parameter ${i + 1} text is missing or empty`);
      if (BAD_VALUE.test(p.text)) return err(132018, "There was an issue with the parameters in your template", `${where}: Param text cannot have new-line/tab characters or more than 4 consecutive spaces`);
      if (maxLength !== undefined && p.text.length > maxLength) return err(131009, "Parameter value is not valid", `${where}: text over ${maxLength} characters`);
    } else if (p.type === "currency") {
      const c = p.currency;
      if (!isObject(c) || typeof c.fallback_value !== "string" || c.fallback_value === "" || typeof c.code !== "string" || typeof c.amount_1000 !== "number") {
        return err(131008, "Required parameter is missing", `${where}: parameter ${i + 1} currency needs fallback_value, code and amount_1000`);
      }
    } else if (p.type === "date_time") {
      if (!isObject(p.date_time) || typeof p.date_time.fallback_value !== "string" || p.date_time.fallback_value === "") {
        return err(131008, "Required parameter is missing", `${where}: parameter ${i + 1} date_time needs fallback_value`);
      }
    } else return err(132012, "Parameter format does not match format in the created template", `${where}: parameter ${i + 1} has type ${String(p.type)}`);
    if (format === "NAMED") {
      if (p.parameter_name !== variables[i] && !(typeof p.parameter_name === "string" && variables.includes(p.parameter_name))) {
        return err(132000, "Number of parameters does not match the expected number of params", `${where}: unknown or missing parameter_name ${String(p.parameter_name)}`);
      }
    } else if (p.parameter_name !== undefined) {
      return err(100, "Invalid parameter", `${where}: parameter_name given for a positional template`);
    }
  }
  if (format === "NAMED" && new Set(params.map((p) => (p as Loose).parameter_name)).size !== variables.length) {
    return err(132000, "Number of parameters does not match the expected number of params", `${where}: a named parameter is repeated`);
  }
  return null;
}

const MEDIA_FIELDS: Record<string, readonly string[]> = { image: ["id", "link"], video: ["id", "link"], document: ["id", "link", "filename"] };

function checkMedia(kind: string, p: Loose, mediaIds: ReadonlySet<string>): StrictError | null {
  const m = p[kind];
  if (!isObject(m)) return err(131008, "Required parameter is missing", `header: ${kind} object is missing`);
  const extra = Object.keys(m).find((k) => !MEDIA_FIELDS[kind].includes(k));
  if (extra) return err(100, "Invalid parameter", `header: ${kind}.${extra} is not a field of a template header`);
  if ((m.id === undefined) === (m.link === undefined)) return err(131009, "Parameter value is not valid", `header: ${kind} needs exactly one of id and link`);
  if (m.id !== undefined && (typeof m.id !== "string" || !mediaIds.has(m.id))) return err(131053, "Media upload error", `header: unknown media id ${String(m.id)}`);
  if (m.link !== undefined && (typeof m.link !== "string" || !/^https?:\/\/\S+$/.test(m.link))) return err(131009, "Parameter value is not valid", `header: ${kind}.link is not a URL`);
  return null;
}

function single(where: string, sent: Loose[]): StrictError | null {
  return sent.length > 1 ? err(100, "Invalid parameter", `${where}: component given more than once`) : null;
}

function paramsOf(c: Loose | undefined): unknown[] | StrictError {
  if (!c) return [];
  if (!Array.isArray(c.parameters)) return err(100, "Invalid parameter", `${String(c.type)}: parameters must be an array`);
  if (c.parameters.length === 0) return err(131009, "Parameter value is not valid", `${String(c.type)}: parameters is empty`);
  return c.parameters;
}

export const COMPONENT_CHECKERS: Record<string, ComponentChecker> = {
  header: ({ template, sent, parameterFormat, mediaIds }) => {
    const e = single("header", sent);
    if (e) return e;
    const params = paramsOf(sent[0]);
    if (!Array.isArray(params)) return params;
    const format = String(template.format ?? "TEXT").toUpperCase();
    if (format === "TEXT") return checkTextParams("header", params, templateVariables(template.text), parameterFormat, 60);
    if (params.length !== 1) return err(132000, "Number of parameters does not match the expected number of params", `header: a ${format} header takes 1 parameter, got ${params.length}`);
    const p = params[0];
    if (!isObject(p) || p.type !== format.toLowerCase()) return err(132012, "Parameter format does not match format in the created template", `header: expected ${format.toLowerCase()}, got ${isObject(p) ? String(p.type) : "?"}`);
    if (format === "LOCATION") {
      const l = p.location;
      return isObject(l) && typeof l.latitude === "number" && typeof l.longitude === "number" ? null : err(131008, "Required parameter is missing", "header: location needs latitude and longitude");
    }
    return checkMedia(format.toLowerCase(), p, mediaIds);
  },
  body: ({ template, sent, parameterFormat }) => {
    const e = single("body", sent);
    if (e) return e;
    const params = paramsOf(sent[0]);
    if (!Array.isArray(params)) return params;
    return checkTextParams("body", params, templateVariables(template.text), parameterFormat);
  },
  // a carousel: each card's components are checked like a template's (the card count and indexes, and the
  // limited-time offer's expiration, are checked by richComponentsError in fake-graph-api.ts)
  carousel: ({ template, sent, parameterFormat, mediaIds }) => {
    const e = single("carousel", sent);
    if (e || sent.length === 0) return e;
    const cards = Array.isArray(template.cards) ? template.cards.filter(isObject) : [];
    const sentCards = Array.isArray(sent[0].cards) ? sent[0].cards.filter(isObject) : [];
    for (const card of sentCards) {
      const defined = cards[Number(card.card_index)];
      if (!defined) continue;
      const problem = checkComponents(Array.isArray(defined.components) ? defined.components : [], Array.isArray(card.components) ? card.components.filter(isObject) : [], parameterFormat, mediaIds, `card ${String(card.card_index)}: `);
      if (problem) return problem;
    }
    return null;
  },
  limited_time_offer: () => null,
  footer: ({ sent }) => (sent.length > 0 ? err(100, "Invalid parameter", "footer: a footer takes no parameters") : null),
  buttons: ({ template, sent }) => {
    const buttons = Array.isArray(template.buttons) ? template.buttons.filter(isObject) : [];
    const seen = new Set<number>();
    for (const c of sent) {
      const index = typeof c.index === "string" && /^\d+$/.test(c.index) ? Number(c.index) : typeof c.index === "number" ? c.index : NaN;
      const b = buttons[index];
      if (!b) return err(131009, "Parameter value is not valid", `button: no button at index ${String(c.index)}`);
      if (seen.has(index)) return err(100, "Invalid parameter", `button: index ${index} given twice`);
      seen.add(index);
      const type = String(b.type).toUpperCase();
      const subType = { URL: "url", COPY_CODE: "copy_code", QUICK_REPLY: "quick_reply", FLOW: "flow", CATALOG: "catalog", MPM: "mpm" }[type];
      if (c.sub_type !== subType) return err(131009, "Parameter value is not valid", `button ${index}: sub_type ${String(c.sub_type)} for a ${type} button`);
      const params = paramsOf(c);
      if (!Array.isArray(params)) return params;
      const p = params[0];
      if (params.length !== 1 || !isObject(p)) return err(132000, "Number of parameters does not match the expected number of params", `button ${index}: takes 1 parameter`);
      if (type === "URL") {
        if (templateVariables(b.url).length === 0) return err(132000, "Number of parameters does not match the expected number of params", `button ${index}: the URL has no variable`);
        const e2 = checkTextParams(`button ${index}`, params, ["1"], "POSITIONAL");
        if (e2) return e2;
      } else if (type === "COPY_CODE") {
        if (p.type !== "coupon_code" || typeof p.coupon_code !== "string" || p.coupon_code === "" || p.coupon_code.length > 15) {
          return err(131009, "Parameter value is not valid", `button ${index}: coupon_code of 1–15 characters required`);
        }
      } else if (type === "QUICK_REPLY") {
        if (p.type !== "payload" || typeof p.payload !== "string" || p.payload === "") return err(131009, "Parameter value is not valid", `button ${index}: payload required`);
      } else if (type === "FLOW") {
        if (p.type !== "action" || !isObject(p.action)) return err(131009, "Parameter value is not valid", `button ${index}: action parameter required`);
      }
    }
    // dynamic URL and copy-code buttons must be filled
    for (const [index, b] of buttons.entries()) {
      const type = String(b.type).toUpperCase();
      const needs = (type === "URL" && templateVariables(b.url).length > 0) || type === "COPY_CODE";
      if (needs && !seen.has(index)) return err(132000, "Number of parameters does not match the expected number of params", `button ${index}: a ${type} button needs its parameter`);
    }
    return null;
  },
};

/** The check of one template send body against the fake's library; null = Meta would accept it. */
export function checkTemplateSend(body: unknown, templates: ReadonlyArray<Loose>, mediaIds: ReadonlySet<string>): StrictError | null {
  if (!isObject(body)) return err(100, "Invalid parameter", "the body is not a JSON object");
  if (body.messaging_product !== "whatsapp") return err(100, "Invalid parameter", "messaging_product must be whatsapp");
  if (body.recipient_type !== undefined && body.recipient_type !== "individual") return err(100, "Invalid parameter", "recipient_type must be individual");
  if (typeof body.to !== "string" || !/^\+?[0-9][0-9 ()-]{4,}$/.test(body.to)) return err(100, "Invalid parameter", "to is not a phone number");
  if (body.type !== "template") return err(100, "Invalid parameter", "the fake serves template messages only");
  const t = body.template;
  if (!isObject(t) || typeof t.name !== "string" || !isObject(t.language) || typeof t.language.code !== "string") {
    return err(131008, "Required parameter is missing", "template.name and template.language.code are required");
  }
  if (t.language.policy !== undefined && t.language.policy !== "deterministic") return err(100, "Invalid parameter", "language.policy must be deterministic");
  const lang = t.language.code;
  const template = templates.find((x) => x.name === t.name && x.language === lang);
  if (!template) return err(132001, "Template name does not exist in the translation", `template name (${t.name}) does not exist in ${lang}`);
  const status = String(template.status ?? "").toUpperCase();
  if (status === "PAUSED") return err(132015, "Template is Paused", `template ${t.name} is paused`);
  if (status === "DISABLED") return err(132016, "Template is Disabled", `template ${t.name} is disabled`);
  if (status !== "APPROVED") return err(132001, "Template name does not exist in the translation", `template ${t.name} is ${status || "not approved"}`);

  const sent = t.components === undefined ? [] : t.components;
  if (!Array.isArray(sent) || !sent.every(isObject)) return err(100, "Invalid parameter", "template.components must be an array of objects");
  const parameterFormat = String(template.parameter_format ?? "POSITIONAL").toUpperCase() === "NAMED" ? "NAMED" : "POSITIONAL";
  return checkComponents(Array.isArray(template.components) ? template.components : [], sent, parameterFormat, mediaIds);
}

/** The sent components against the template's (a template's, or one carousel card's). */
function checkComponents(templateComponents: unknown[], sent: Loose[], parameterFormat: "NAMED" | "POSITIONAL", mediaIds: ReadonlySet<string>, where = ""): StrictError | null {
  const tplComponents = templateComponents.filter(isObject);
  const typeOf = (c: Loose) => String(c.type).toLowerCase();
  const sentType = (c: Loose) => (typeOf(c) === "button" ? "buttons" : typeOf(c));
  const unknown = sent.find((c) => !tplComponents.some((tc) => typeOf(tc) === sentType(c)));
  if (unknown) return err(132000, "Number of parameters does not match the expected number of params", `${where}component ${String(unknown.type)} is not in the template`);
  for (const tc of tplComponents) {
    const checker = COMPONENT_CHECKERS[typeOf(tc)];
    if (!checker) return err(100, "Invalid parameter", `the fake cannot check a ${typeOf(tc)} component yet`);
    const problem = checker({ template: tc, sent: sent.filter((c) => sentType(c) === typeOf(tc)), parameterFormat, mediaIds });
    if (problem) return { ...problem, details: where + problem.details };
  }
  return null;
}

/** The wa_id Meta answers with: the number's digits (no '+', spaces or punctuation). */
export function normaliseWaId(to: string): string {
  return to.replace(/\D/g, "");
}

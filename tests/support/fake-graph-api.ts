/**
 * A fake of Meta's Graph API served over real HTTP on 127.0.0.1 (random port), for tests.
 *
 *   const graph = await startFakeGraphApi();          // graph.url → pass as WHATSAPP_API_URL
 *   graph.script({ to: "15550001111", error: { code: 131026, httpStatus: 400 } });
 *   graph.script({ latencyMs: 100 });                 // every request, until reset()
 *   graph.script({ to: "15550002222", hang: true, times: 1 });
 *   ... graph.requests (path, headers, body, startedAt) ...
 *   graph.reset(); await graph.stop();
 *
 * Routes: POST /{version}/{phone_number_id}/messages and …/marketing_messages (template sends, accepted
 * only as strictly as Meta does: fake-graph-strict.ts checks them against the library of setTemplates),
 * POST /{version}/{phone_number_id}/media (an upload: answers a media id the sends may then use),
 * GET /{version}/{waba_id}/message_templates (the template library, paged with limit/after),
 * POST /{version}/{waba_id}/message_templates (a new template, PENDING in the library) and
 * GET /{version}/{phone_number_id}?fields=… (the number's messaging limit and quality; graph.setPhoneNumber),
 * POST /{version}/{template_id} (a template edit: PENDING again; see "Template management" below).
 * Errors carry Meta's HTTP status for their code (401 for 190, 429 for rate limits, …) unless a rule says.
 * Anything else can be served with `graph.route(...)`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { checkTemplateSend, metaHttpStatus, normaliseWaId } from "./fake-graph-strict";

export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** parsed JSON body (undefined when empty or not JSON) */
  body: unknown;
  rawBody: string;
  /** performance.now() when the request arrived */
  startedAt: number;
  /** the phone number of a /messages or /marketing_messages request */
  to?: string;
};

export type FakeError = { code: number; httpStatus?: number; message?: string; type?: string; details?: string; title?: string };

export type ScriptRule = {
  /** only /messages requests to this number (default: every request the rule's `match` accepts) */
  to?: string;
  match?: (req: RecordedRequest) => boolean;
  /** how many requests the rule applies to (default: unlimited) */
  times?: number;
  /** answer with Meta's error body */
  error?: FakeError;
  /** answer with this raw status and text (e.g. a gateway's 502 page) */
  raw?: { status: number; body: string; headers?: Record<string, string> };
  latencyMs?: number;
  /** never answer (the client's timeout fires) */
  hang?: boolean;
  /** read the request, then destroy the socket without answering */
  destroy?: boolean;
  /** messages[0].message_status on success */
  messageStatus?: string;
  /** contacts[0].wa_id on success (default: the `to` number) */
  waId?: string;
};

export type FakeTemplate = Record<string, unknown> & { name: string; language: string };

export type RouteHandler = (req: RecordedRequest) => { status: number; body: unknown } | undefined;

export type FakeGraphApi = {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** /messages and /marketing_messages requests only */
  readonly sends: RecordedRequest[];
  /** POST …/media requests */
  readonly uploads: RecordedRequest[];
  script(rule: ScriptRule): void;
  /** default latency for every request */
  setLatency(ms: number): void;
  /** the template library served by GET .../message_templates, and what sends are checked against */
  setTemplates(templates: FakeTemplate[]): void;
  /**
   * The fields GET /{phone_number_id} serves (merged into the defaults: whatsapp_business_manager_messaging_limit
   * TIER_UNLIMITED — tests written before the limit was read assume none — and quality_rating GREEN).
   */
  setPhoneNumber(fields: Record<string, unknown>): void;
  /** an extra handler, tried before the built-in routes; return undefined to fall through */
  route(handler: RouteHandler): void;
  /** clears requests, rules, routes, uploads and latency; the library goes back to the one it started with */
  reset(): void;
  stop(): Promise<void>;
  /** the wamids returned so far, in order */
  readonly wamids: string[];
};

function metaError(e: FakeError) {
  return {
    error: {
      message: e.message ?? `(#${e.code}) ${e.title ?? "Error"}`,
      type: e.type ?? "OAuthException",
      code: e.code,
      error_data: { messaging_product: "whatsapp", details: e.details ?? e.title ?? `Error ${e.code}` },
      fbtrace_id: "AbCdEfGhIjK",
    },
  };
}

/** The fields Meta serves for a business phone number (others are refused with code 100, as Meta does). */
export const PHONE_NUMBER_FIELDS = new Set([
  "id", "display_phone_number", "verified_name", "status", "quality_rating", "country_code", "country_dial_code",
  "code_verification_status", "name_status", "messaging_limit_tier", "whatsapp_business_manager_messaging_limit",
  "account_mode", "certificate", "is_official_business_account", "throughput", "platform_type",
]);
const PHONE_NUMBER_DEFAULT_FIELDS = ["id", "display_phone_number", "verified_name", "quality_rating"];
const PHONE_NUMBER_DEFAULTS: Record<string, unknown> = {
  display_phone_number: "+1 555-000-0000",
  verified_name: "Test Business",
  status: "CONNECTED",
  quality_rating: "GREEN",
  code_verification_status: "VERIFIED",
  name_status: "APPROVED",
  whatsapp_business_manager_messaging_limit: "TIER_UNLIMITED",
  messaging_limit_tier: "TIER_UNLIMITED",
  account_mode: "LIVE",
  is_official_business_account: false,
  throughput: { level: "STANDARD" },
  platform_type: "CLOUD_API",
};

/** `templates`: the library it starts with, and returns to on reset() */
export async function startFakeGraphApi(options: { latencyMs?: number; templates?: FakeTemplate[] } = {}): Promise<FakeGraphApi> {
  let rules: Array<ScriptRule & { used: number }> = [];
  let routes: RouteHandler[] = [];
  let templates: FakeTemplate[] = options.templates ?? [];
  let phoneNumber: Record<string, unknown> = { ...PHONE_NUMBER_DEFAULTS };
  let latency = options.latencyMs ?? 0;
  let counter = 0;
  const mediaIds = new Set<string>();
  const requests: RecordedRequest[] = [];
  const wamids: string[] = [];

  const server = http.createServer((req, res) => {
    const startedAt = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const u = new URL(req.url ?? "/", "http://127.0.0.1");
      const isSend = req.method === "POST" && /^\/v\d+\.\d+\/[^/]+\/(messages|marketing_messages)$/.test(u.pathname);
      const to = isSend && body && typeof body === "object" ? String((body as { to?: unknown }).to ?? "") : undefined;
      const recorded: RecordedRequest = { method: req.method ?? "GET", path: u.pathname, query: u.searchParams, headers: req.headers, body, rawBody, startedAt, to };
      requests.push(recorded);

      const rule = rules.find(
        (r) => (r.times === undefined || r.used < r.times) && (r.to === undefined || r.to === to) && (r.match === undefined || r.match(recorded)),
      );
      if (rule) rule.used++;

      const respond = () => {
        if (rule?.hang) return; // the socket stays open until the client gives up or stop()
        if (rule?.destroy) {
          req.socket.destroy();
          return;
        }
        const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          const text = typeof payload === "string" ? payload : JSON.stringify(payload);
          res.writeHead(status, { "Content-Type": typeof payload === "string" ? "text/html" : "application/json", ...headers });
          res.end(text);
        };
        if (rule?.raw) return send(rule.raw.status, rule.raw.body, rule.raw.headers);
        if (rule?.error) return send(rule.error.httpStatus ?? metaHttpStatus(rule.error.code), metaError(rule.error));
        for (const handler of routes) {
          const answer = handler(recorded);
          if (answer) return send(answer.status, answer.body);
        }
        const auth = req.headers.authorization;
        if (!auth || !/^Bearer \S+$/.test(auth)) {
          return send(401, metaError({ code: 190, httpStatus: 401, title: "Invalid OAuth access token" }));
        }
        if (isSend) {
          const b = (body ?? {}) as { to?: unknown; product_policy?: unknown; message_activity_sharing?: unknown };
          const problem = checkTemplateSend(body, templates, mediaIds);
          if (problem) return send(metaHttpStatus(problem.code), metaError({ code: problem.code, title: problem.title, details: problem.details }));
          if (u.pathname.endsWith("/marketing_messages")) {
            if (b.product_policy !== undefined && b.product_policy !== "CLOUD_API_FALLBACK" && b.product_policy !== "STRICT") {
              return send(400, metaError({ code: 100, title: "Invalid parameter", details: "product_policy must be CLOUD_API_FALLBACK or STRICT" }));
            }
            if (b.message_activity_sharing !== undefined && typeof b.message_activity_sharing !== "boolean") {
              return send(400, metaError({ code: 100, title: "Invalid parameter", details: "message_activity_sharing must be a boolean" }));
            }
          } else if ("product_policy" in (body as object) || "message_activity_sharing" in (body as object)) {
            return send(400, metaError({ code: 100, title: "Invalid parameter", details: "product_policy and message_activity_sharing belong to /marketing_messages" }));
          }
          const rich = richComponentsError(b, templates);
          if (rich) return send(rich.httpStatus ?? 400, metaError(rich));
          counter++;
          const wamid = `wamid.FAKE${Buffer.from(`${Date.now()}:${counter}`).toString("base64url")}`;
          wamids.push(wamid);
          return send(200, {
            messaging_product: "whatsapp",
            contacts: [{ input: b.to, wa_id: rule?.waId ?? normaliseWaId(String(b.to)) }],
            messages: [{ id: wamid, ...(rule?.messageStatus ? { message_status: rule.messageStatus } : {}) }],
          });
        }
        if (req.method === "POST" && /^\/v\d+\.\d+\/[^/]+\/media$/.test(u.pathname)) {
          // multipart/form-data: messaging_product=whatsapp, type, file
          const type = String(req.headers["content-type"] ?? "");
          if (!type.startsWith("multipart/form-data") || !/name="messaging_product"\r\n\r\nwhatsapp/.test(rawBody) || !/name="file"; filename="/.test(rawBody) || !/name="type"/.test(rawBody)) {
            return send(400, metaError({ code: 100, title: "Invalid parameter", details: "a media upload needs messaging_product=whatsapp, type and file (multipart/form-data)" }));
          }
          const id = String(9_000_000_000_000 + mediaIds.size + 1);
          mediaIds.add(id);
          return send(200, { id });
        }
        // POST …/message_templates (creation) and POST /{template-id} (edits): templateManagement below
        const tpl = /^\/(v\d+\.\d+)\/([^/]+)\/message_templates$/.exec(u.pathname);
        if (req.method === "GET" && tpl) {
          const name = u.searchParams.get("name");
          const list = name ? templates.filter((t) => t.name === name) : templates;
          const limit = Math.max(1, Math.min(1000, Number(u.searchParams.get("limit") ?? "25") || 25));
          const after = Number(u.searchParams.get("after") ? Buffer.from(u.searchParams.get("after")!, "base64url").toString() : "0") || 0;
          const page = list.slice(after, after + limit);
          const paging: Record<string, unknown> = {
            cursors: { before: Buffer.from(String(after)).toString("base64url"), after: Buffer.from(String(after + page.length)).toString("base64url") },
          };
          if (after + limit < list.length) {
            const next = new URL(`${u.pathname}`, `http://127.0.0.1:${port}`);
            u.searchParams.forEach((v, k) => next.searchParams.set(k, v));
            next.searchParams.set("after", Buffer.from(String(after + limit)).toString("base64url"));
            paging.next = next.toString();
          }
          return send(200, { data: page, paging });
        }
        const node = /^\/(v\d+\.\d+)\/([^/]+)$/.exec(u.pathname);
        if (req.method === "GET" && node) {
          const id = node[2];
          if (!/^\d+$/.test(id)) {
            return send(400, metaError({ code: 100, message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, type: "GraphMethodException" }));
          }
          const asked = (u.searchParams.get("fields") ?? "").split(",").map((f) => f.trim()).filter(Boolean);
          const fields = asked.length > 0 ? asked : PHONE_NUMBER_DEFAULT_FIELDS;
          const unknown = fields.find((f) => !PHONE_NUMBER_FIELDS.has(f));
          if (unknown) return send(400, metaError({ code: 100, message: `(#100) Tried accessing nonexisting field (${unknown}) on node type (WhatsAppBusinessPhoneNumber)` }));
          const out: Record<string, unknown> = {};
          for (const f of fields) if (f !== "id" && phoneNumber[f] !== undefined) out[f] = phoneNumber[f];
          out.id = id;
          return send(200, out);
        }
        const managed = templateManagement(recorded, templates);
        if (managed) {
          templates = managed.templates;
          return send(managed.status, managed.body);
        }
        return send(404, metaError({ code: 100, title: "Unsupported request", httpStatus: 404 }));
      };
      const delay = rule?.latencyMs ?? latency;
      if (delay > 0) setTimeout(respond, delay);
      else respond();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get sends() {
      return requests.filter((r) => r.to !== undefined);
    },
    get uploads() {
      return requests.filter((r) => r.method === "POST" && /\/media$/.test(r.path));
    },
    get wamids() {
      return wamids;
    },
    script(rule) {
      rules.push({ ...rule, used: 0 });
    },
    setLatency(ms) {
      latency = ms;
    },
    setTemplates(list) {
      templates = list;
    },
    setPhoneNumber(fields) {
      phoneNumber = { ...PHONE_NUMBER_DEFAULTS, ...fields };
    },
    route(handler) {
      routes.push(handler);
    },
    reset() {
      requests.length = 0;
      wamids.length = 0;
      mediaIds.clear();
      rules = [];
      routes = [];
      templates = options.templates ?? [];
      phoneNumber = { ...PHONE_NUMBER_DEFAULTS };
      latency = options.latencyMs ?? 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Template management and rich components (carousel, limited-time offer, flow), as Meta answers them.
// ---------------------------------------------------------------------------------------------------

type Loose = Record<string, unknown>;
const isLoose = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const upper = (v: unknown) => (typeof v === "string" ? v.toUpperCase() : "");
const VARIABLE_RE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const distinctVariables = (text: unknown) => [...new Set([...(typeof text === "string" ? text.matchAll(VARIABLE_RE) : [])].map((m) => m[1]))];

function userError(title: string, message: string, subcode?: number) {
  return {
    status: 400,
    body: { error: { message: "Invalid parameter", type: "OAuthException", code: 100, ...(subcode ? { error_subcode: subcode } : {}), is_transient: false, error_user_title: title, error_user_msg: message, fbtrace_id: "AbCdEfGhIjK" } },
  };
}

/** Meta's form checks of a template's components at creation or edit (not its content review). */
function templateComponentsError(components: unknown) {
  if (!Array.isArray(components) || !components.every(isLoose)) return userError("Invalid components", "components must be a list of objects");
  const body = components.find((c) => upper(c.type) === "BODY");
  if (!body || typeof body.text !== "string" || body.text.trim() === "") return userError("Missing body", "A template needs a BODY component with text.");
  const vars = distinctVariables(body.text);
  const examples = isLoose(body.example) && Array.isArray(body.example.body_text) && Array.isArray(body.example.body_text[0]) ? (body.example.body_text[0] as unknown[]) : [];
  if (vars.length > 0 && (examples.length !== vars.length || examples.some((x) => typeof x !== "string" || x.trim() === ""))) {
    return userError("Missing sample values", `The body has ${vars.length} variable(s): give one sample value for each in example.body_text.`, 2388043);
  }
  const header = components.find((c) => upper(c.type) === "HEADER");
  if (header && distinctVariables(header.text).length > 0 && !(isLoose(header.example) && Array.isArray(header.example.header_text) && header.example.header_text.length === 1)) {
    return userError("Missing sample values", "The header has a variable: give its sample value in example.header_text.", 2388043);
  }
  return null;
}

let createdTemplates = 0;

/**
 * POST /{version}/{waba_id}/message_templates { name, language, category, components } → { id, status, category }
 * (the template joins the served library as PENDING; a name and language it holds already is refused);
 * POST /{version}/{template_id} { components[, category] } → { success: true } (APPROVED, REJECTED or
 * PAUSED templates only; an approved one keeps its category; the template is PENDING again).
 */
function templateManagement(req: RecordedRequest, templates: FakeTemplate[]): { status: number; body: unknown; templates: FakeTemplate[] } | undefined {
  if (req.method !== "POST") return undefined;
  // the served list is replaced, never changed in place (tests pass shared constants to setTemplates)
  const answer = (r: { status: number; body: unknown }, list = templates) => ({ ...r, templates: list });
  const b = isLoose(req.body) ? req.body : {};
  const create = /^\/(v\d+\.\d+)\/([^/]+)\/message_templates$/.exec(req.path);
  if (create) {
    if (typeof b.name !== "string" || !/^[a-z0-9_]{1,512}$/.test(b.name)) return answer(userError("Invalid name", "Template names contain only lowercase letters, digits and underscores."));
    if (typeof b.language !== "string" || b.language === "") return answer(userError("Missing language", "language is required."));
    const category = upper(b.category);
    if (!["MARKETING", "UTILITY", "AUTHENTICATION"].includes(category)) return answer(userError("Invalid category", "category must be MARKETING, UTILITY or AUTHENTICATION."));
    const invalid = templateComponentsError(b.components);
    if (invalid) return answer(invalid);
    if (templates.some((t) => t.name === b.name && t.language === b.language)) {
      return answer(userError("Content in this language already exists", `There is already ${b.language} content for this template. You can create a new template and try again.`, 2388024));
    }
    createdTemplates++;
    const id = String(1_700_000_000_000_000 + createdTemplates * 7919);
    const added: FakeTemplate = { id, name: b.name, language: b.language, status: "PENDING", category, parameter_format: upper(b.parameter_format) || "POSITIONAL", components: b.components as unknown[] };
    return answer({ status: 200, body: { id, status: "PENDING", category } }, [...templates, added]);
  }
  const edit = /^\/(v\d+\.\d+)\/(\d+)$/.exec(req.path);
  const t = edit ? templates.find((x) => String(x.id) === edit[2]) : undefined;
  if (!edit || !t) return undefined;
  if (!["APPROVED", "REJECTED", "PAUSED"].includes(upper(t.status))) return answer(userError("Template can't be edited", `Only approved, rejected or paused templates can be edited; this one is ${String(t.status)}.`));
  if (b.category !== undefined && upper(t.status) === "APPROVED" && upper(b.category) !== upper(t.category)) return answer(userError("Category can't be edited", "The category of an approved template cannot be edited."));
  const invalid = templateComponentsError(b.components);
  if (invalid) return answer(invalid);
  const edited: FakeTemplate = { ...t, components: b.components as unknown[], status: "PENDING", ...(b.category !== undefined ? { category: upper(b.category) } : {}) };
  return answer({ status: 200, body: { success: true } }, templates.map((x) => (x === t ? edited : x)));
}

/**
 * A send of a template the fake serves (setTemplates) that has a carousel, a limited-time offer with an
 * expiration or flow buttons: the carousel component with exactly one card per template card (card_index
 * 0…n-1), the offer's expiration_time_ms, a flow button's action parameter. Other templates pass.
 */
function richComponentsError(body: Loose, templates: FakeTemplate[]): FakeError | null {
  const tpl = isLoose(body.template) ? body.template : {};
  const language = isLoose(tpl.language) ? tpl.language.code : undefined;
  const t = templates.find((x) => x.name === tpl.name && x.language === language);
  if (!t || !Array.isArray(t.components)) return null;
  const defined = (t.components as unknown[]).filter(isLoose);
  const sent = (Array.isArray(tpl.components) ? tpl.components : []).filter(isLoose);
  const carousel = defined.find((c) => upper(c.type) === "CAROUSEL");
  const sentCarousel = sent.find((c) => c.type === "carousel");
  if (carousel) {
    const n = Array.isArray(carousel.cards) ? carousel.cards.length : 0;
    if (!sentCarousel || !Array.isArray(sentCarousel.cards)) return { code: 131008, title: "Required parameter is missing", details: "carousel: the template has cards" };
    const indexes = sentCarousel.cards.filter(isLoose).map((c) => c.card_index);
    if (indexes.length !== n) return { code: 132000, title: "Number of parameters does not match the expected number of params", details: `carousel: expected ${n} cards, received ${indexes.length}` };
    if ([...indexes].sort((x, y) => Number(x) - Number(y)).join() !== Array.from({ length: n }, (_, i) => i).join()) return { code: 131009, title: "Parameter value is not valid", details: "carousel: card_index must be 0…n-1, each once" };
  } else if (sentCarousel) return { code: 132000, title: "Number of parameters does not match the expected number of params", details: "carousel: the template has no carousel" };
  const lto = defined.find((c) => upper(c.type) === "LIMITED_TIME_OFFER");
  const expires = isLoose(lto?.limited_time_offer) && lto.limited_time_offer.has_expiration === true;
  const sentLto = sent.find((c) => c.type === "limited_time_offer");
  if (expires) {
    const p = sentLto && Array.isArray(sentLto.parameters) ? sentLto.parameters[0] : undefined;
    const ms = isLoose(p) && isLoose(p.limited_time_offer) ? p.limited_time_offer.expiration_time_ms : undefined;
    if (!sentLto) return { code: 131008, title: "Required parameter is missing", details: "limited_time_offer: expiration_time_ms is required" };
    if (!isLoose(p) || p.type !== "limited_time_offer" || typeof ms !== "number" || !Number.isInteger(ms) || ms <= 0) return { code: 131009, title: "Parameter value is not valid", details: "limited_time_offer.expiration_time_ms" };
  } else if (sentLto) return { code: 132000, title: "Number of parameters does not match the expected number of params", details: "limited_time_offer: the template's offer has no expiration" };
  const buttons = defined.filter((c) => upper(c.type) === "BUTTONS").flatMap((c) => (Array.isArray(c.buttons) ? c.buttons.filter(isLoose) : []));
  for (const c of sent.filter((x) => x.type === "button" && x.sub_type === "flow")) {
    const button = buttons[Number(c.index)];
    if (!button || upper(button.type) !== "FLOW") return { code: 131009, title: "Parameter value is not valid", details: `button ${String(c.index)} is not a flow button` };
    const p = Array.isArray(c.parameters) ? c.parameters[0] : undefined;
    if (p !== undefined && (!isLoose(p) || p.type !== "action" || !isLoose(p.action))) return { code: 131009, title: "Parameter value is not valid", details: "a flow button takes an action parameter" };
  }
  return null;
}

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
 * GET /{version}/{phone_number_id}?fields=… (the number's messaging limit and quality; graph.setPhoneNumber).
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
        const tpl = /^\/(v\d+\.\d+)\/([^/]+)\/message_templates$/.exec(u.pathname);
        if (req.method === "POST" && tpl) {
          const t = (body ?? {}) as { name?: unknown; language?: unknown; category?: unknown; components?: unknown; parameter_format?: unknown };
          if (typeof t.name !== "string" || !/^[a-z0-9_]{1,512}$/.test(t.name) || typeof t.language !== "string" || !["MARKETING", "UTILITY", "AUTHENTICATION"].includes(String(t.category)) || !Array.isArray(t.components)) {
            return send(400, metaError({ code: 100, title: "Invalid parameter", details: "name (lowercase, digits, _), language, category and components are required" }));
          }
          if (templates.some((x) => x.name === t.name && x.language === t.language)) {
            return send(400, metaError({ code: 100, title: "Invalid parameter", details: `a template ${t.name} in ${t.language} already exists`, message: "(#100) Invalid parameter" }));
          }
          const id = String(8_000_000_000 + templates.length + 1);
          templates = [...templates, { id, name: t.name, language: t.language, category: String(t.category), status: "PENDING", components: t.components, ...(t.parameter_format ? { parameter_format: t.parameter_format } : {}) }];
          return send(200, { id, status: "PENDING", category: t.category });
        }
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

/**
 * The WhatsApp Cloud API client: POST {apiUrl}/{apiVersion}/{phoneNumberId}/messages with a template
 * message. Never throws for WhatsApp or transport errors: they come back classified (see errors.ts).
 *
 *  - a connection that failed before the request was sent (refused, DNS) → retry
 *  - a timeout or reset after the request went out → ambiguous: WhatsApp may have sent it
 */
import { classifyError, errorTitle, retryAfterMsFor } from "./errors";
import { httpPost, type PostJson } from "./http-post";
import { fetchPhoneNumberHealth } from "./phone-number";
import { uploadMediaFromLinkTo } from "./media-upload";
import { createRateLimiter } from "./rate-limiter";
import type { SendPacer } from "./shared-pacer";
import type { OutboundTemplateMessage, SendFailure, SendResult, WhatsAppClient } from "./types";

export type CloudClientConfig = {
  apiUrl: string;
  apiVersion: string;
  phoneNumberId: string;
  accessToken: string;
  /** requests started per second, at most (WHATSAPP_MAX_MPS) */
  maxMps: number;
  /** per request (WHATSAPP_REQUEST_TIMEOUT_MS) */
  timeoutMs: number;
  fetch?: typeof fetch;
  /** the schedule shared with every other process sending from this number (shared-pacer.ts) */
  pacer?: SendPacer;
};

export type CloudWhatsAppClient = WhatsAppClient & {
  readonly mode: "cloud";
  /** the URL sends go to (without the token) */
  readonly messagesUrl: string;
};

/**
 * Meta's template message body, exactly as /messages takes it (and /marketing_messages, with its two
 * extra fields). The language is matched exactly ("deterministic"); components without parameters are
 * left out (Meta refuses an empty `parameters` array).
 */
export function templateMessageBody(message: OutboundTemplateMessage, via: "messages" | "marketing_messages" = "messages"): Record<string, unknown> {
  const components = message.components.filter((c) => c.parameters === undefined || c.parameters.length > 0);
  const body: Record<string, unknown> = {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: message.to,
    type: "template",
    template: {
      name: message.templateName,
      language: { code: message.languageCode, policy: "deterministic" },
      ...(components.length > 0 ? { components } : {}),
    },
  };
  if (message.bizOpaqueCallbackData !== undefined) body.biz_opaque_callback_data = message.bizOpaqueCallbackData;
  if (via === "marketing_messages" && message.marketingMessages) {
    body.product_policy = message.marketingMessages.productPolicy;
    if (message.marketingMessages.messageActivitySharing !== undefined) body.message_activity_sharing = message.marketingMessages.messageActivitySharing;
  }
  return body;
}

/** 131055: the business has not accepted the Marketing Messages API's terms. */
export const MARKETING_MESSAGES_TERMS_CODE = 131055;

/** error codes of a connection that never carried our request */
const BEFORE_SEND_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT", "EADDRNOTAVAIL", "ERR_INVALID_URL"]);

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const o = e as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof o.code === "string") codes.push(o.code);
    if (typeof o.name === "string") codes.push(o.name);
    if (Array.isArray(o.errors)) for (const inner of o.errors) codes.push(...causeCodes(inner));
    e = o.cause;
  }
  return codes;
}

function transportFailure(error: unknown, timedOut: boolean): SendFailure {
  const codes = causeCodes(error);
  if (!timedOut && codes.some((c) => BEFORE_SEND_CODES.has(c))) {
    const code = codes.find((c) => BEFORE_SEND_CODES.has(c));
    return { ok: false, errorClass: "retry", code: null, title: `Could not connect to WhatsApp (${code})` };
  }
  const what = timedOut ? "timed out" : `failed (${codes.find((c) => /^E[A-Z]|^UND_ERR/.test(c)) ?? "connection error"})`;
  return {
    ok: false,
    errorClass: "ambiguous",
    code: null,
    title: `The request to WhatsApp ${what} after it was sent: it may have been delivered`,
  };
}

type MetaErrorBody = { error?: { message?: unknown; type?: unknown; code?: unknown; error_subcode?: unknown; error_user_title?: unknown; error_data?: { details?: unknown } } };
type MetaSuccessBody = { messages?: Array<{ id?: unknown; message_status?: unknown }>; contacts?: Array<{ wa_id?: unknown }> };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createCloudWhatsAppClient(config: CloudClientConfig): CloudWhatsAppClient {
  const doFetch = config.fetch ?? fetch;
  // sends go through undici's request (http-post.ts) unless a fetch is given
  const doPost: PostJson = config.fetch ?? httpPost;
  const base = config.apiUrl.replace(/\/+$/, "");
  const numberUrl = `${base}/${encodeURIComponent(config.apiVersion)}/${encodeURIComponent(config.phoneNumberId)}`;
  const messagesUrl = `${numberUrl}/messages`;
  const limiter = createRateLimiter(config.maxMps);

  async function sendTemplate(message: OutboundTemplateMessage): Promise<SendResult> {
    if (!message.marketingMessages) return post(message, "messages");
    const result = await post(message, "marketing_messages");
    if (result.ok || result.code !== MARKETING_MESSAGES_TERMS_CODE || message.marketingMessages.productPolicy === "STRICT") return result;
    // refused before sending: the same message goes through /messages
    const fallback = await post(message, "messages");
    return fallback.ok ? { ...fallback, fellBack: { code: MARKETING_MESSAGES_TERMS_CODE, title: result.title } } : fallback;
  }

  async function post(message: OutboundTemplateMessage, via: "messages" | "marketing_messages"): Promise<SendResult> {
    const body = JSON.stringify(templateMessageBody(message, via));
    const url = `${numberUrl}/${via}`;
    await limiter.acquire();
    if (config.pacer) {
      try {
        await config.pacer.acquire(message.to);
      } catch {
        // nothing went out: the shared schedule could not be reached
        return { ok: false, errorClass: "retry", code: null, title: "Could not reserve a send slot (the shared send schedule is unavailable)" };
      }
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
    let status: number;
    let text: string;
    let retryAfterHeader: string | null;
    try {
      const res = await doPost(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${config.accessToken}`, "Content-Type": "application/json" },
        body,
        signal: controller.signal,
      });
      status = res.status;
      retryAfterHeader = res.headers.get("retry-after");
      text = await res.text();
    } catch (error) {
      return transportFailure(error, timedOut);
    } finally {
      clearTimeout(timer);
    }

    const json = parseJson(text);
    if (status >= 200 && status < 300) {
      const ok = (json ?? {}) as MetaSuccessBody;
      const id = ok.messages?.[0]?.id;
      if (typeof id === "string" && id !== "") {
        const waId = ok.contacts?.[0]?.wa_id;
        const ms = ok.messages?.[0]?.message_status;
        return { ok: true, wamid: id, waId: typeof waId === "string" ? waId : null, messageStatus: typeof ms === "string" ? ms : null };
      }
      // accepted by HTTP but no message id: WhatsApp may have sent it
      return { ok: false, errorClass: "ambiguous", code: null, title: "WhatsApp answered without a message id", httpStatus: status };
    }

    const err = (json as MetaErrorBody | undefined)?.error;
    const code = typeof err?.code === "number" ? err.code : typeof err?.code === "string" && /^\d+$/.test(err.code) ? Number(err.code) : null;
    if (!err || (code === null && status >= 500)) {
      // no Meta error body: a proxy or gateway answered. 503 was not processed; 500/502/504 may have been.
      const errorClass = status === 503 || status === 429 ? "retry" : status >= 500 ? "ambiguous" : classifyError(null, status);
      return { ok: false, errorClass, code: null, title: `WhatsApp answered HTTP ${status}`, httpStatus: status };
    }
    const details = typeof err.error_data?.details === "string" ? err.error_data.details : undefined;
    const metaMessage = typeof err.message === "string" ? err.message : undefined;
    const errorClass = classifyError(code, status);
    const headerMs = retryAfterHeader && /^\d+$/.test(retryAfterHeader.trim()) ? Number(retryAfterHeader.trim()) * 1000 : undefined;
    const retryAfterMs = Math.max(retryAfterMsFor(code) ?? 0, headerMs ?? 0) || undefined;
    return {
      ok: false,
      errorClass,
      code,
      title: errorTitle(code, typeof err.error_user_title === "string" ? err.error_user_title : metaMessage),
      details: details ?? metaMessage,
      httpStatus: status,
      ...(retryAfterMs ? { retryAfterMs } : {}),
    };
  }

  const readPhoneNumberHealth = () =>
    fetchPhoneNumberHealth({ apiUrl: config.apiUrl, apiVersion: config.apiVersion, phoneNumberId: config.phoneNumberId, accessToken: config.accessToken, fetch: config.fetch, timeoutMs: config.timeoutMs });

  const uploadMediaFromLink = (link: string) =>
    uploadMediaFromLinkTo({ link, mediaUrl: `${numberUrl}/media`, accessToken: config.accessToken, timeoutMs: config.timeoutMs, fetch: doFetch });

  return { mode: "cloud", maxMessagesPerSecond: config.maxMps, messagesUrl, sendTemplate, readPhoneNumberHealth, uploadMediaFromLink };
}

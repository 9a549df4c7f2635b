/**
 * WhatsApp Cloud API error codes → what we do about them, as Meta documents each code. Used for the
 * errors of a send (cloud-client.ts, media-upload.ts) and for the errors of `failed` statuses (lib/marketing/delivery/apply-statuses.ts).
 *
 * Two codes depend on where they came from, which only the domain knows:
 *  - 132018 (a parameter value Meta refuses) is template-class for a literal value and recipient-class
 *    (permanent) for a value filled from customer data (CUSTOMER_DATA_CODES);
 *  - 100 / 131008 / 131009 (a malformed request) fail one recipient, but the same code repeated across a
 *    batch means every request is malformed: the campaign pauses (MALFORMED_REQUEST_CODES).
 */
import type { SendErrorClass } from "./types";

const RETRY = [130429, 131056, 4, 80007, 2, 131000, 131016, 133004, 131057, 132069] as const;
const META_CAP = [131049] as const;
const OPTED_OUT = [131050] as const;
/** recipient-class: this recipient cannot get it (130497: the business may not message users in their country) */
const PERMANENT = [131026, 130403, 130472, 130497, 100, 131008, 131009] as const;
/** 131052 / 131053: the header media could not be downloaded or uploaded */
const TEMPLATE = [132000, 132001, 132005, 132007, 132012, 132015, 132016, 132018, 132068, 131052, 131053, 131063] as const;
const ACCOUNT = [131048, 368, 131031, 131064, 131042, 0, 3, 10, 33, 190, 131005, 131037, 131045, 131055, 133010] as const;

/**
 * Meta's rate limits on the number or the account (130429 throughput, 4 and 80007 call-rate limits): the
 * request was refused for our pace, not for its recipient. Retried like any retry-class error, but they cost
 * the recipient no attempt, and many in one batch stop the run (the number is sending faster than WhatsApp
 * takes, e.g. WHATSAPP_MAX_MPS above the number's throughput).
 */
export const THROTTLE_CODES: ReadonlySet<number> = new Set([130429, 4, 80007]);

/**
 * Meta could not deliver to this recipient (131026: the number is not on WhatsApp, the app is too old, the
 * user has not accepted WhatsApp's terms, …): a property of the number more than of one message. Repeated
 * across campaigns with nothing delivered in between, the customer is marked not reachable (the domain's rule).
 */
export const UNDELIVERABLE_CODES: ReadonlySet<number> = new Set([131026]);

/** a parameter value Meta refuses: the template's fault when literal, the recipient's when it came from customer data */
export const CUSTOMER_DATA_CODES: ReadonlySet<number> = new Set([132018]);
/** a malformed request: one fails its recipient, the same code repeated across a batch pauses the campaign */
export const MALFORMED_REQUEST_CODES: ReadonlySet<number> = new Set([100, 131008, 131009]);

const BY_CODE = new Map<number, SendErrorClass>([
  ...RETRY.map((c) => [c, "retry"] as const),
  ...META_CAP.map((c) => [c, "meta_cap"] as const),
  ...OPTED_OUT.map((c) => [c, "opted_out"] as const),
  ...PERMANENT.map((c) => [c, "permanent"] as const),
  ...TEMPLATE.map((c) => [c, "template"] as const),
  ...ACCOUNT.map((c) => [c, "account"] as const),
]);

/** Every code we classify, by class (the follow-up outcomes and the tests read it). */
export const LISTED_ERROR_CODES: Readonly<Record<Exclude<SendErrorClass, "ambiguous">, readonly number[]>> = {
  retry: RETRY,
  meta_cap: META_CAP,
  opted_out: OPTED_OUT,
  permanent: PERMANENT,
  template: TEMPLATE,
  account: [...ACCOUNT, ...Array.from({ length: 100 }, (_, i) => 200 + i)],
};

/** Short, human titles for the codes we know (Meta's titles), used when Meta sends none. */
export const ERROR_TITLES: Readonly<Record<number, string>> = {
  0: "Authentication error",
  33: "Parameter value is not valid (the object does not exist or cannot be reached)",
  2: "API service temporarily unavailable",
  3: "API method capability or permission error",
  4: "API rate limit hit",
  10: "Permission denied",
  100: "Invalid parameter",
  190: "Access token expired or invalid",
  368: "Temporarily blocked for policy violations",
  80007: "WhatsApp Business Account rate limit hit",
  130403: "Recipient not on the allowed list",
  130429: "Cloud API throughput rate limit hit",
  130472: "User's number is part of an experiment",
  130497: "Business account restricted from messaging users in this country",
  131000: "Something went wrong",
  131005: "Access denied",
  131008: "Required parameter is missing",
  131009: "Parameter value is not valid",
  131016: "Service temporarily unavailable",
  131026: "Message undeliverable",
  131031: "Business account locked",
  131037: "WhatsApp display name needs approval",
  131042: "Business eligibility payment issue",
  131045: "Incorrect certificate (phone number not registered)",
  131048: "Spam rate limit hit",
  131049: "Meta chose not to deliver (per-user marketing limit)",
  131050: "User stopped marketing messages",
  131052: "Media download error",
  131053: "Media upload error",
  131055: "Marketing Messages API terms not accepted",
  131056: "Too many messages to this user (pair rate limit)",
  131057: "Business account in maintenance mode",
  131063: "Template paused or disabled",
  131064: "Phone number quality too low",
  132000: "Template parameter count mismatch",
  132001: "Template does not exist in this language",
  132005: "Translated template text too long",
  132007: "Template format violates policy",
  132012: "Template parameter format mismatch",
  132015: "Template is paused",
  132016: "Template is disabled",
  132018: "Template parameter value not allowed (newlines, tabs or more than 4 spaces)",
  132068: "Flow is blocked",
  132069: "Flow is throttled",
  133004: "Server temporarily unavailable",
  133010: "Phone number not registered",
};

/**
 * The class of a Meta error. `code` is Meta's error.code (null when the response had none).
 * Codes not in the list fall back on the HTTP status: 5xx/429 → retry, 401/403 → account,
 * any other 4xx → permanent for this recipient (never a blind loop of retries).
 */
export function classifyError(code: number | null | undefined, httpStatus?: number | null): SendErrorClass {
  if (code !== null && code !== undefined) {
    const known = BY_CODE.get(code);
    if (known) return known;
    if (code >= 200 && code <= 299) return "account";
  }
  if (httpStatus === undefined || httpStatus === null) return "permanent";
  if (httpStatus >= 500 || httpStatus === 429) return "retry";
  if (httpStatus === 401 || httpStatus === 403) return "account";
  return "permanent";
}

/** A minimum wait implied by the error (the engine's backoff may wait longer). */
export function retryAfterMsFor(code: number | null | undefined): number | undefined {
  switch (code) {
    case 131049:
      return 24 * 60 * 60 * 1000;
    case 131056:
      // Meta: wait before sending to the same user again (at least 6 s)
      return 6_000;
    case 4:
    case 80007:
      return 60_000;
    case 130429:
      return 1_000;
    default:
      return undefined;
  }
}

/** "131026 Message undeliverable" */
export function errorTitle(code: number | null | undefined, metaTitle?: string | null): string {
  const known = code !== null && code !== undefined ? ERROR_TITLES[code] : undefined;
  const text = known || (metaTitle && metaTitle.replace(/^\(#\d+\)\s*/, "").trim()) || "Unknown error";
  return code !== null && code !== undefined ? `${code} ${text}`.slice(0, 500) : text.slice(0, 500);
}

/**
 * The contract between the campaign engine (lib/marketing) and WhatsApp (lib/whatsapp).
 * Implementations: the Cloud API client (cloud-client.ts) and the sandbox (sandbox.ts).
 */
import type { PhoneNumberHealth } from "./phone-number";

/** A template component exactly as Meta's /messages endpoint takes it (after per-recipient rendering). */
export type MetaTemplateComponent = {
  type: "header" | "body" | "button" | "footer" | "carousel" | "limited_time_offer";
  sub_type?: string;
  index?: string | number;
  parameters?: Array<Record<string, unknown>>;
  /** carousel: one entry per card, each with its own header, body and button components */
  cards?: Array<{ card_index: number; components: MetaTemplateComponent[] }>;
};

export type OutboundTemplateMessage = {
  /** E.164 digits without '+' */
  to: string;
  templateName: string;
  languageCode: string;
  components: MetaTemplateComponent[];
  /** echoed back in status webhooks: we send our recipient id */
  bizOpaqueCallbackData?: string;
  /**
   * Send through the Marketing Messages API (POST /{phone-number-id}/marketing_messages, same body plus
   * these fields) instead of /messages. Only for MARKETING templates; the caller decides.
   */
  marketingMessages?: MarketingMessagesOptions;
};

export type MarketingMessagesOptions = {
  /** STRICT: never fall back to /messages; CLOUD_API_FALLBACK: Meta (and we, on 131055) may */
  productPolicy: "CLOUD_API_FALLBACK" | "STRICT";
  /** absent = Meta's default */
  messageActivitySharing?: boolean;
};

/**
 * How a failed send is handled (see classifyError):
 *  retry      – temporary (rate limits, maintenance, 5xx, connection refused before sending): try later, backoff
 *  ambiguous  – timeout or reset after the request went out: WhatsApp may have sent it; never resend blindly
 *  meta_cap   – 131049, Meta's per-user marketing cap: not an opt-out, retry no sooner than 24 h
 *  opted_out  – 131050, the user stopped marketing messages: unsubscribe the customer, never retry
 *  permanent  – this recipient cannot get it (not on WhatsApp, invalid number, ...): failed
 *  template   – the template is the problem: pause the campaign with the reason
 *  account    – the account/number/token is the problem: hold all sending and surface it
 */
export const SEND_ERROR_CLASSES = ["retry", "ambiguous", "meta_cap", "opted_out", "permanent", "template", "account"] as const;
export type SendErrorClass = (typeof SEND_ERROR_CLASSES)[number];

export type SendSuccess = {
  ok: true;
  wamid: string;
  /** contacts[0].wa_id: the number as WhatsApp knows it */
  waId: string | null;
  /** messages[0].message_status: accepted | held_for_quality_assessment | paused */
  messageStatus: string | null;
  /**
   * Set when the message was meant for the Marketing Messages API, which refused it (131055: the business
   * has not accepted its terms), and it went through /messages instead.
   */
  fellBack?: { code: number; title: string };
};

export type SendFailure = {
  ok: false;
  errorClass: SendErrorClass;
  /** Meta's error code, null for transport failures */
  code: number | null;
  /** a short human reason, e.g. "131026 Message undeliverable" */
  title: string;
  details?: string;
  httpStatus?: number;
  /** a minimum wait before retrying, when the error implies one */
  retryAfterMs?: number;
};

export type SendResult = SendSuccess | SendFailure;

export interface WhatsAppClient {
  readonly mode: "cloud" | "sandbox";
  /** the requests-per-second cap the client enforces (WHATSAPP_MAX_MPS) */
  readonly maxMessagesPerSecond: number;
  /** Sends one template message. Never throws for WhatsApp/transport errors: they come back classified. */
  sendTemplate(message: OutboundTemplateMessage): Promise<SendResult>;
  /**
   * Reads the messaging limit and quality rating of the sending number from WhatsApp (throws
   * PhoneNumberApiError when WhatsApp cannot be reached or refuses). Absent on clients that cannot.
   */
  readPhoneNumberHealth?(): Promise<PhoneNumberHealth>;
  /**
   * Downloads a header file from its link and uploads it once to POST /{phone-number-id}/media; the id
   * is then sent instead of the link. Absent on clients that cannot (the sandbox sends links as they are).
   */
  uploadMediaFromLink?(link: string): Promise<MediaUploadResult>;
}

export type MediaUploadResult =
  | { ok: true; id: string }
  | { ok: false; code: number | null; title: string; errorClass: SendErrorClass };

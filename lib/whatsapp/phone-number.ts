/**
 * Reading the business phone number's standing from Meta's Graph API:
 *   GET {apiUrl}/{apiVersion}/{phoneNumberId}?fields=whatsapp_business_manager_messaging_limit,quality_rating
 * whatsapp_business_manager_messaging_limit is the business portfolio's messaging limit ("TIER_250",
 * "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"; it replaces the deprecated messaging_limit_tier,
 * which is not asked for); quality_rating is GREEN, YELLOW, RED or NA/UNKNOWN.
 * Plain TypeScript: configuration and fetch are passed in. Throws PhoneNumberApiError when Meta cannot be
 * reached or refuses; the caller decides what that means.
 */
import { z } from "@/lib/zod";
import { graphGet } from "./graph-get";

export const PHONE_NUMBER_HEALTH_FIELDS = "whatsapp_business_manager_messaging_limit,quality_rating";

/** What Meta reports, as it reports it (the tier is interpreted by the caller). */
export type PhoneNumberHealth = {
  /** e.g. "TIER_2K"; a number of unique customers when Meta sends one; null when absent */
  messagingLimit: string | number | null;
  /** GREEN | YELLOW | RED | NA | UNKNOWN; null when absent */
  qualityRating: string | null;
};

export class PhoneNumberApiError extends Error {
  readonly code: number | null;
  readonly httpStatus: number | null;
  constructor(message: string, code: number | null = null, httpStatus: number | null = null) {
    super(message);
    this.name = "PhoneNumberApiError";
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

const ZLimit = z.union([z.string().trim().min(1).max(50), z.number().int()]);
const ZPhoneNumber = z.looseObject({
  id: z.string().max(100).optional(),
  whatsapp_business_manager_messaging_limit: ZLimit.nullish(),
  quality_rating: z.string().trim().max(50).nullish(),
});
export type PhoneNumberApiOptions = {
  apiUrl: string;
  apiVersion: string;
  phoneNumberId: string;
  accessToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
};

export async function fetchPhoneNumberHealth(options: PhoneNumberApiOptions): Promise<PhoneNumberHealth> {
  const url = new URL(`${options.apiUrl.replace(/\/+$/, "")}/${encodeURIComponent(options.apiVersion)}/${encodeURIComponent(options.phoneNumberId)}`);
  url.searchParams.set("fields", PHONE_NUMBER_HEALTH_FIELDS);
  const body = await graphGet(url, { ...options, what: "phone number", fail: (message, code, status) => new PhoneNumberApiError(message, code, status) });
  const parsed = ZPhoneNumber.safeParse(body);
  if (!parsed.success) throw new PhoneNumberApiError("Meta answered the phone number request with an unexpected shape");
  return {
    messagingLimit: parsed.data.whatsapp_business_manager_messaging_limit ?? null,
    qualityRating: parsed.data.quality_rating ?? null,
  };
}

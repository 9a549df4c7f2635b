/**
 * Phone numbers are stored as E.164 digits without '+' (e.g. "14694652751"). Input may carry '+',
 * spaces, dashes, dots or parentheses, or a leading "00". Without '+' or "00" it starts with its country code
 * (the spec's "14694652751"), unless the workspace has a default country (Settings): then a number that is
 * valid there is read as a national number of it ("(202) 555-0973" in the US, "07911 123456" in the UK),
 * except one that starts with that country's own calling code and is valid so ("4915112345678" in Germany).
 * Text pasted from spreadsheets, contact cards and WhatsApp itself is read as a person sees it: non-breaking
 * and other Unicode spaces, Unicode dashes, full-width digits and the invisible direction marks around a
 * copied number count as what they look like.
 * The number's country comes from the same parse, so whoever stores the number can store its pricing
 * market too (cost/market.ts marketOfParsedCountry) without parsing it again.
 */
import { getCountries, getCountryCallingCode, Metadata, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from "libphonenumber-js";

export type NormalizedPhone =
  | {
    ok: true; phone: string;
    /** the number's country as a full parse of `phone` tells it (cost/market.ts marketOfNumberParsed); null when it has none */
    country: CountryCode | null;
    /** read as a national number of the workspace's default country (written without + or 00) */
    national?: true;
  }
  | { ok: false; reason: string };

/** The countries a workspace may read national numbers in (ISO 3166 alpha-2, as libphonenumber knows them). */
export const PHONE_COUNTRIES: readonly CountryCode[] = getCountries();

export function isPhoneCountry(value: unknown): value is CountryCode {
  return typeof value === "string" && (PHONE_COUNTRIES as readonly string[]).includes(value);
}

export type PhoneReading = {
  /** the workspace's default country (Settings): numbers without + or 00 that are valid there are read as its national numbers */
  defaultCountry?: CountryCode | null;
};

export function normalizePhone(input: unknown, { defaultCountry = null }: PhoneReading = {}): NormalizedPhone {
  if (typeof input !== "string" && typeof input !== "number") return { ok: false, reason: "not a string" };
  // a JSON number is a phone number's digits only when it is a whole one: 1469465275.1 and -14694652751 read as
  // text would lose their "." or "-" and become a valid number nobody wrote
  if (typeof input === "number" && !(Number.isSafeInteger(input) && input > 0)) return { ok: false, reason: "not a whole positive number: send the phone number as a string" };
  const raw = plainPhoneText(String(input)).trim();
  if (raw === "") return { ok: false, reason: "empty" };
  if (raw.length > 40) return { ok: false, reason: "too long" };
  if (!/^[+0-9 ().\-]+$/.test(raw)) return { ok: false, reason: "contains characters that are not part of a phone number" };
  const candidate = raw.replace(/[ ().\-]/g, "");
  const prefixed = candidate.startsWith("+") || candidate.startsWith("00");
  const international = candidate.startsWith("00") ? `+${candidate.slice(2)}` : candidate.startsWith("+") ? candidate : `+${candidate}`;
  const wellFormed = /^\+[0-9]+$/.test(international);
  // parsed once, for both readings (a country code never starts with 0)
  const parsed = !wellFormed || (!prefixed && candidate.startsWith("0")) ? undefined : parsePhoneNumberFromString(international);
  if (!prefixed && defaultCountry && /^[0-9]+$/.test(candidate)) {
    const national = nationalReading(candidate, defaultCountry, parsed);
    if (national) return national;
  }
  if (!prefixed && candidate.startsWith("0")) {
    return { ok: false, reason: defaultCountry ? `not a valid number in ${defaultCountry}, and a country code never starts with 0` : "starts with 0, as a national number does: write it with its country code (or choose a default country in Settings)" };
  }
  if (!wellFormed) return { ok: false, reason: "'+' may only come first" };
  if (!parsed) return { ok: false, reason: defaultCountry && !prefixed ? `not a valid number in ${defaultCountry}, nor one with a country code` : "not a phone number with a country code" };
  if (!parsed.isPossible()) {
    const digits = international.length - 1;
    if (digits < 8) return { ok: false, reason: "too short" };
    if (digits > 15) return { ok: false, reason: "too long" };
    return { ok: false, reason: defaultCountry && !prefixed ? `not a valid number in ${defaultCountry}, nor one with a country code` : `not a possible number for +${parsed.countryCallingCode}` };
  }
  return storedOf(parsed);
}

/**
 * `digits` (no + or 00) as a national number of `country`, when it is a valid one there and it is not better
 * read as an international number, which it is when it is a valid one and
 *  - it starts with the country's own calling code (a German list's 4915112345678 is +49 151…, not
 *    +49 4915112345678, which Germany's loose numbering would also accept), or
 *  - the country writes its national numbers with a trunk 0 (GB, DE, FR, IN, BR …) and these digits have none:
 *    447911123457 in a German workspace is the UK number the API itself answers, not +49 447911123457.
 *    Digits that are no valid international number are still read nationally there (a UK 7911 123456 whose
 *    0 a spreadsheet dropped).
 * Where national numbers are written without one (the US and Canada's (202) 555-0973, Italy), the national
 * reading comes first.
 */
function nationalReading(digits: string, country: CountryCode, asInternational: PhoneNumber | undefined): NormalizedPhone | null {
  const international = asInternational?.isValid() === true;
  if (international && digits.startsWith(getCountryCallingCode(country))) return null;
  const trunk = trunkPrefixOf(country);
  if (international && trunk?.startsWith("0") && !digits.startsWith(trunk)) return null;
  const parsed = parsePhoneNumberFromString(digits, country);
  if (!parsed?.isValid()) return null;
  const stored = storedOf(parsed);
  return stored.ok ? { ...stored, national: true } : stored;
}

/**
 * What a number typed into a filter matches (the recipients table): `whole`, the number the workspace reads a
 * whole national number as (07911 123457 in a UK workspace is 447911123457), or else the digits numbers
 * start with, `startsWith`: without "+" or "00", and with a national number's trunk prefix standing for the
 * default country's calling code (07911 → 447911). null when it is not a number at all.
 */
export function phoneFilterOf(typed: string, reading: PhoneReading = {}): { whole: string | null; startsWith: string } | null {
  const candidate = plainPhoneText(typed).trim().replace(/[ ().\-]/g, "");
  if (!/^(\+|00)?[0-9]{1,15}$/.test(candidate)) return null;
  const prefixed = candidate.startsWith("+") || candidate.startsWith("00");
  const digits = candidate.replace(/^(\+|00)/, "");
  const country = reading.defaultCountry ?? null;
  if (prefixed || !country || digits === "") return digits === "" ? null : { whole: null, startsWith: digits };
  const read = normalizePhone(digits, reading);
  if (read.ok && read.national) return { whole: read.phone, startsWith: read.phone };
  const trunk = trunkPrefixOf(country);
  const startsWith = trunk && digits.startsWith(trunk) ? getCountryCallingCode(country) + digits.slice(trunk.length) : digits;
  return { whole: null, startsWith };
}

const plans = new Metadata();
/** The prefix a country's national numbers are dialled with at home ("0" in the UK, "1" in the US), if any. */
function trunkPrefixOf(country: CountryCode): string | undefined {
  plans.selectNumberingPlan(country);
  // (nationalPrefix() is in libphonenumber-js's metadata API, not in its type declarations)
  const prefix: unknown = (plans.numberingPlan as unknown as { nationalPrefix(): unknown } | undefined)?.nationalPrefix();
  return typeof prefix === "string" && prefix !== "" ? prefix : undefined;
}

function storedOf(parsed: PhoneNumber): NormalizedPhone {
  const phone = parsed.number.slice(1);
  if (!isPhoneDigits(phone)) return { ok: false, reason: "not a possible number" };
  // a number whose calling code several countries share but that no country's patterns accept still gets
  // the first country it could belong to by its length, as marketOfNumberParsed decides
  return { ok: true, phone, country: parsed.country ?? parsed.getPossibleCountries()[0] ?? null };
}

/** E.164 digits without '+' as we store numbers (WhatsApp's `from` / `wa_id` of a customer who shares theirs). */
export const isPhoneDigits = (value: string): boolean => /^[0-9]{6,15}$/.test(value);

/**
 * Whether a number was written with an international prefix ("+" or "00"). Without one its first digits are
 * read as the country code: a US number typed as 2025559095 is +20, Egypt. The dashboard warns before adding.
 */
export function hasCountryPrefix(raw: string): boolean {
  const plain = plainPhoneText(raw).trim();
  return plain.startsWith("+") || plain.startsWith("00");
}

/** What an erased customer's numbers become in campaign_recipients: this prefix and the customer's id (erase-customer.ts). */
export const ERASED_PHONE_PREFIX = "erased:";

/** A number as a viewer sees it: the first two and last two digits, the rest hidden (+14•••••••01). */
export function maskPhone(phone: string): string {
  if (!/^[0-9]+$/.test(phone)) return phone.startsWith(ERASED_PHONE_PREFIX) ? "erased" : "•••";
  if (phone.length <= 4) return "+" + "•".repeat(phone.length);
  return `+${phone.slice(0, 2)}${"•".repeat(phone.length - 4)}${phone.slice(-2)}`;
}

/** Unicode look-alikes of a number's characters as ASCII (only for input that has non-ASCII characters: imports stay fast). */
function plainPhoneText(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return s
    .normalize("NFKC") // full-width digits and plus, NBSP, narrow NBSP, figure and thin spaces
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, "") // zero-width characters and direction marks
    .replace(/[\u2010-\u2015\u2212]/g, "-"); // hyphens, dashes, minus
}

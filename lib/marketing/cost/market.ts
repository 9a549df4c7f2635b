/**
 * Meta prices a delivered template message by the recipient's market: a country (India, Brazil …) or a
 * region ("Rest of Western Europe" …, "Other" for everything else), decided by the number's country
 * calling code. The country of a number comes from libphonenumber-js (so +1 787 is Puerto Rico, +1 416
 * Canada); the country → market table below is Meta's published market list (developers.facebook.com,
 * WhatsApp › Pricing › "Markets"), as of the shipped rate card's date.
 */
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/** A number whose country cannot be told (invalid, erased): priced as not covered. */
export const UNKNOWN_MARKET = "unknown";

const STANDALONE: Record<string, string> = {
  AR: "Argentina", BR: "Brazil", CL: "Chile", CO: "Colombia", EG: "Egypt", FR: "France", DE: "Germany", IN: "India",
  ID: "Indonesia", IL: "Israel", IT: "Italy", MY: "Malaysia", MX: "Mexico", NL: "Netherlands", NG: "Nigeria",
  PK: "Pakistan", PE: "Peru", RU: "Russia", SA: "Saudi Arabia", ZA: "South Africa", ES: "Spain", TR: "Turkey",
  AE: "United Arab Emirates", GB: "United Kingdom", US: "North America", CA: "North America",
};

const REGIONS: Record<string, string[]> = {
  "Rest of Africa": ["DZ", "AO", "BJ", "BW", "BF", "BI", "CM", "TD", "CG", "ER", "ET", "GA", "GM", "GH", "GW", "CI", "KE", "LS", "LR", "LY", "MG", "MW", "ML", "MR", "MA", "MZ", "NA", "NE", "RW", "SN", "SL", "SO", "SS", "SD", "SZ", "TZ", "TG", "TN", "UG", "ZM", "ZW"],
  "Rest of Asia Pacific": ["AF", "AU", "BD", "KH", "CN", "HK", "JP", "LA", "MN", "NP", "NZ", "PG", "PH", "SG", "LK", "TW", "TJ", "TH", "TM", "UZ", "VN"],
  "Rest of Central & Eastern Europe": ["AL", "AM", "AZ", "BY", "BG", "HR", "CZ", "GE", "GR", "HU", "LV", "LT", "MD", "MK", "PL", "RO", "RS", "SK", "SI", "UA"],
  "Rest of Latin America": ["BO", "CR", "DO", "EC", "SV", "GT", "HT", "HN", "JM", "NI", "PA", "PY", "PR", "UY", "VE", "AI", "AG", "AW", "BS"],
  "Rest of Middle East": ["BH", "IQ", "JO", "KW", "LB", "OM", "QA", "YE"],
  "Rest of Western Europe": ["AT", "BE", "DK", "FI", "IE", "NO", "PT", "SE", "CH", "AD"],
};

/**
 * Places that dial with another country's calling code and that Meta's market list does not name: Meta
 * prices "by the recipient's country calling code", so they go with that country's market. Guernsey, Jersey
 * and the Isle of Man have ranges of +44 (libphonenumber tells them apart: +44 7911 1… is Guernsey's).
 */
const SHARES_CALLING_CODE_WITH: Record<string, string> = { GG: "GB", JE: "GB", IM: "GB" };

const BY_COUNTRY = new Map<string, string>(Object.entries(STANDALONE));
for (const [market, countries] of Object.entries(REGIONS)) for (const c of countries) BY_COUNTRY.set(c, market);
for (const [place, country] of Object.entries(SHARES_CALLING_CODE_WITH)) BY_COUNTRY.set(place, BY_COUNTRY.get(country)!);

/** Every market name the shipped mapping can produce (a rate card should price each of them). */
export const KNOWN_MARKETS: ReadonlySet<string> = new Set([...Object.values(STANDALONE), ...Object.keys(REGIONS), "Other"]);

/** The Meta market of a country (ISO 3166 alpha-2); "Other" for a country in no named market. */
export function marketOfCountry(country: CountryCode | string): string {
  return BY_COUNTRY.get(country.toUpperCase()) ?? "Other";
}

/** country calling code → the countries that share it (libphonenumber-js metadata), built on first use */
let countriesByCallingCode: Map<string, CountryCode[]> | null = null;

function countriesOfCallingCode(code: string): CountryCode[] | undefined {
  if (!countriesByCallingCode) {
    countriesByCallingCode = new Map();
    for (const country of getCountries()) {
      const cc = getCountryCallingCode(country);
      countriesByCallingCode.set(cc, [...(countriesByCallingCode.get(cc) ?? []), country]);
    }
  }
  return countriesByCallingCode.get(code);
}

/**
 * The Meta market of a number stored as E.164 digits without '+'; UNKNOWN_MARKET when it has no country.
 * A calling code that belongs to one country names the number's country whatever follows (libphonenumber-js
 * reads the national number only to choose among the countries sharing a code, e.g. +1, +7, +44), so those
 * numbers need no parse; the others are parsed (marketOfNumberParsed), with the same answer.
 */
export function marketOfNumber(digits: string | null | undefined): string {
  if (!digits || !/^[0-9]{6,15}$/.test(digits)) return UNKNOWN_MARKET;
  // calling codes are prefix-free: the first prefix that is one is the number's
  for (let len = 1; len <= 3; len++) {
    const countries = countriesOfCallingCode(digits.slice(0, len));
    if (countries) return countries.length === 1 ? marketOfCountry(countries[0]) : marketOfNumberParsed(digits);
  }
  return marketOfNumberParsed(digits);
}

/** marketOfNumber by a full parse of the number (the reference the fast path must agree with). */
export function marketOfNumberParsed(digits: string | null | undefined): string {
  if (!digits || !/^[0-9]{6,15}$/.test(digits)) return UNKNOWN_MARKET;
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  return marketOfParsedCountry(parsed?.country ?? parsed?.getPossibleCountries()[0]);
}

/**
 * The market of a number from the country its parse gave (phone.ts normalizePhone returns it), so a number
 * just normalised needs no second parse; UNKNOWN_MARKET when the parse gave no country.
 */
export function marketOfParsedCountry(country: CountryCode | null | undefined): string {
  return country ? marketOfCountry(country) : UNKNOWN_MARKET;
}

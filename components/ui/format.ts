/** Number and date formatting shared by server and client components (fixed locale: no hydration mismatch). */
const LOCALE = "en-US";
const int = new Intl.NumberFormat(LOCALE);

export function formatInt(n: number | bigint | null | undefined): string {
  return n === null || n === undefined ? "—" : int.format(n);
}

/** A count with its noun: "1 customer", "2,500 customers" ("1 day", "40 days"; `many` for irregular plurals). */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${int.format(n)} ${n === 1 ? one : many}`;
}

export function formatPct(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "—";
  return `${n.toFixed(digits)}%`;
}

/** A ratio as a percentage, "—" when the denominator is 0. */
export function pct(part: number, whole: number): number | null {
  return whole > 0 ? (100 * part) / whole : null;
}

/** A DATE column (midnight UTC) or "YYYY-MM-DD" shown as "Jan 15, 2025". */
export function formatDay(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(`${d.slice(0, 10)}T00:00:00Z`) : d;
  return date.toLocaleDateString(LOCALE, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
}

export function formatShortDay(d: Date | string): string {
  const date = typeof d === "string" ? new Date(`${d.slice(0, 10)}T00:00:00Z`) : d;
  return date.toLocaleDateString(LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });
}

export function formatDateTime(d: Date | string | null | undefined, timeZone = "UTC"): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return date.toLocaleString(LOCALE, { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone });
}


const regions = new Intl.DisplayNames(["en"], { type: "region" });

/**
 * A country's name in English ("United States") from its ISO 3166 code, or the code when there is no name for it.
 * Node and browsers name some regions differently ("Hong Kong SAR China" / "Hong Kong"): what a client component
 * renders before any input (hydration) gets its names from the server (namedCountry), or React re-renders the
 * page and drops what was typed meanwhile.
 */
export const countryName = (code: string): string => regions.of(code) ?? code;

/** A country with its name, for client components (named on the server: see countryName). */
export type NamedCountry = { code: string; name: string };
export const namedCountry = (code: string | null | undefined): NamedCountry | null => (code ? { code, name: countryName(code) } : null);

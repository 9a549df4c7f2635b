/**
 * Rate cards: Meta's price per delivered template message by market and category, in one currency, from an
 * effective date. A card is read from Meta's rate-card CSV (one row per market; columns Market, Currency,
 * Marketing, Utility, Authentication and optionally Authentication-International), validated row by row
 * (each error names its file line), and stored only when every row is valid: nothing half-written.
 * The card in force on a day is the one with the latest effective date on or before it (the newest upload
 * wins a tie); before the first card's date, the first card.
 */
import Papa from "papaparse";
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type DbOrTx, type Db } from "../db";
import { AppError } from "../errors";
import { dateToDay, dayToDate, ZDay, type Day } from "../time";
import { KNOWN_MARKETS } from "./market";

export const RATE_CATEGORIES = ["marketing", "utility", "authentication", "authentication_international"] as const;
export type RateCategory = (typeof RATE_CATEGORIES)[number];

/** At most this many markets (rows) a card; Meta's has a few dozen. */
export const MAX_RATE_CARD_ROWS = 500;
/** A rate per message is at most this (in any of Meta's currencies, e.g. IDR) */
const MAX_RATE = 100_000;

// one message a value: text that is no number is not also told it is too large
const RATE_FORMAT = /^\d+(\.\d{1,6})?$/;
const ZRate = z.string().trim()
  .regex(RATE_FORMAT, "must be a non-negative number with at most 6 decimals (e.g. 0.0625)")
  .refine((v) => !RATE_FORMAT.test(v) || Number(v) <= MAX_RATE, `must be at most ${MAX_RATE}`);

export const ZRateCardRow = z.object({
  market: z.string().trim().min(1, "is empty").max(100),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, "must be a 3-letter currency code (e.g. USD)"),
  marketing: ZRate,
  utility: ZRate,
  authentication: ZRate,
  authentication_international: ZRate.optional(),
});
export type TRateCardRow = z.infer<typeof ZRateCardRow>;

export type RateCardRowError = { row: number; field?: string; message: string };

/** Header names as Meta writes them ("Authentication-International", "Market ") → our keys. */
function headerKey(h: string): string {
  return h.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

export type ParsedRateCard = { ok: true; currency: string; rows: TRateCardRow[] } | { ok: false; errors: RateCardRowError[] };

/** Parses and validates a rate-card CSV; row numbers are file lines (the header is line 1). */
export function parseRateCardCsv(text: string): ParsedRateCard {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  const records = parsed.data;
  if (records.length < 2) return { ok: false, errors: [{ row: 1, message: "The file has no rows under its header." }] };
  if (records.length - 1 > MAX_RATE_CARD_ROWS) return { ok: false, errors: [{ row: MAX_RATE_CARD_ROWS + 2, message: `At most ${MAX_RATE_CARD_ROWS} markets a card.` }] };
  const header = records[0].map(headerKey);
  const known = new Set(Object.keys(ZRateCardRow.shape));
  const errors: RateCardRowError[] = [];
  for (const h of header) if (h && !known.has(h)) errors.push({ row: 1, field: h, message: `unknown column "${h.slice(0, 60)}"` });
  for (const need of ["market", "currency", "marketing", "utility", "authentication"]) {
    if (!header.includes(need)) errors.push({ row: 1, field: need, message: `the column "${need}" is missing` });
  }
  if (errors.length > 0) return { ok: false, errors };
  const rows: TRateCardRow[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    if (record.length !== header.length) {
      errors.push({ row: line, message: `has ${record.length} values, the header has ${header.length}` });
      return;
    }
    const obj: Record<string, string> = {};
    header.forEach((h, k) => { if (record[k].trim() !== "" || h !== "authentication_international") obj[h] = record[k]; });
    const r = ZRateCardRow.safeParse(obj);
    if (!r.success) {
      for (const issue of r.error.issues) errors.push({ row: line, field: issue.path.map(String).join("."), message: issue.message });
      return;
    }
    const key = r.data.market.toLowerCase();
    if (seen.has(key)) {
      errors.push({ row: line, field: "market", message: `"${r.data.market}" is already on line ${seen.get(key)}` });
      return;
    }
    seen.set(key, line);
    rows.push(r.data);
  });
  const currencies = new Set(rows.map((r) => r.currency));
  if (errors.length === 0 && currencies.size > 1) errors.push({ row: 2, field: "currency", message: `one card has one currency; this file has ${[...currencies].join(", ")}` });
  if (errors.length === 0 && !rows.some((r) => r.market === "Other")) {
    errors.push({ row: records.length, field: "market", message: `the card has no "Other" market (the rate Meta charges every country not listed)` });
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, 200) };
  return { ok: true, currency: rows[0].currency, rows };
}

export const ZImportRateCard = z.object({
  csv: z.string().min(1, "is empty").max(1_000_000, "is larger than 1 MB"),
  effective_from: ZDay,
  source: z.string().trim().min(1).max(300).default("uploaded CSV"),
}).strict();
export type TImportRateCard = z.input<typeof ZImportRateCard>;

/**
 * Stores a new rate card (422 RATE_CARD_INVALID with every bad row, by line, when any row is wrong;
 * nothing is written then). Markets the shipped market table does not know are accepted (Meta adds
 * markets) and listed in `unknown_markets`: no number maps to them until the table knows them. Known
 * markets the card leaves out are listed in `missing_markets`: their numbers' messages are not covered.
 */
export async function importRateCard({ db, now, input, principal }: { db: Db; now: Date; input: TImportRateCard; principal?: Principal | null }) {
  const data = ZImportRateCard.parse(input);
  const parsed = parseRateCardCsv(data.csv);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw new AppError("VALIDATION_FAILED", `The rate card has ${parsed.errors.length === 200 ? "200 or more" : parsed.errors.length} error${parsed.errors.length === 1 ? "" : "s"}; nothing was stored. Line ${first.row}${first.field ? ` (${first.field})` : ""}: ${first.message}`,
      parsed.errors.map((e) => ({ path: `row ${e.row}${e.field ? `.${e.field}` : ""}`, message: e.message, row: e.row, field: e.field ?? null })));
  }
  const card = await db.$transaction(async (tx) => {
    const c = await tx.rateCard.create({
      data: { currency: parsed.currency, effectiveFrom: dayToDate(data.effective_from), source: data.source, createdById: principal?.kind === "user" ? principal.id : null, createdAt: now },
    });
    await tx.rateCardRate.createMany({
      data: parsed.rows.flatMap((r) => RATE_CATEGORIES.filter((k) => r[k] !== undefined).map((k) => ({ cardId: c.id, market: r.market, category: k, rate: r[k]! }))),
    });
    await audit(tx, { actor: principal?.actor ?? "system", action: "rate_card.import", entityType: "rate_card", entityId: c.id, details: { effective_from: data.effective_from, currency: c.currency, markets: parsed.rows.length }, now });
    return c;
  });
  return {
    id: card.id, currency: card.currency, effective_from: data.effective_from, source: card.source, markets: parsed.rows.length,
    unknown_markets: parsed.rows.map((r) => r.market).filter((m) => !KNOWN_MARKETS.has(m)),
    // markets numbers map to that the card leaves out: their messages count as not covered (an estimate
    // never prices them at "Other", which is Meta's rate for countries outside every named market)
    missing_markets: [...KNOWN_MARKETS].filter((m) => !parsed.rows.some((r) => r.market === m)).sort(),
  };
}

export type RateCard = {
  id: string; currency: string; effectiveFrom: Day; source: string; createdAt: Date;
  /** "market|category" → rate (decimal text, exact) */
  rates: Map<string, string>;
};

const key = (market: string, category: string) => `${market}|${category}`;

/** Every card, oldest effective date first (cards are small: a few dozen markets). */
export async function loadRateCards(db: DbOrTx): Promise<RateCard[]> {
  const cards = await db.$queryRaw<Array<{ id: string; currency: string; effective_from: Date; source: string; created_at: Date }>>(Prisma.sql`
    SELECT id::text, currency, effective_from, source, created_at FROM rate_cards ORDER BY effective_from, created_at`);
  if (cards.length === 0) return [];
  const rates = await db.$queryRaw<Array<{ card_id: string; market: string; category: string; rate: string }>>(Prisma.sql`
    SELECT card_id::text, market, category, rate::text FROM rate_card_rates`);
  const byCard = new Map(cards.map((c) => [c.id, new Map<string, string>()]));
  for (const r of rates) byCard.get(r.card_id)?.set(key(r.market, r.category), r.rate);
  return cards.map((c) => ({ id: c.id, currency: c.currency, effectiveFrom: dateToDay(c.effective_from), source: c.source, createdAt: c.created_at, rates: byCard.get(c.id)! }));
}

/** The card in force on `day` (cards as loadRateCards orders them), or null when there is none. */
export function cardInForce(cards: RateCard[], day: Day): RateCard | null {
  let found: RateCard | null = null;
  for (const c of cards) if (c.effectiveFrom <= day) found = c;
  return found ?? cards[0] ?? null;
}

/** The category a rate is looked up under: Meta's pricing category or a template's category. Meta's
 *  statuses spell one with a hyphen (pricing.category "authentication-international"), its rate cards with an
 *  underscore: both are read. */
export function rateCategory(category: string | null | undefined): RateCategory | null {
  const c = (category ?? "").toLowerCase().replaceAll("-", "_");
  if (c === "marketing" || c === "marketing_lite") return "marketing";
  if (c === "utility" || c === "authentication" || c === "authentication_international") return c;
  return null;
}

/** The rate of (market, category) on a card, or null when the card does not cover it. */
export function rateOf(card: RateCard, market: string, category: RateCategory): string | null {
  return card.rates.get(key(market, category))
    // a market without its own authentication-international rate bills authentication
    ?? (category === "authentication_international" ? card.rates.get(key(market, "authentication")) ?? null : null);
}

/** The card in force today, for the settings page and the API. */
export async function getRateCardInForce(db: DbOrTx, day: Day) {
  const card = cardInForce(await loadRateCards(db), day);
  if (!card) return null;
  const markets = new Map<string, Record<string, string>>();
  for (const [k, rate] of card.rates) {
    const [market, category] = k.split("|");
    markets.set(market, { ...(markets.get(market) ?? {}), [category]: rate });
  }
  return {
    id: card.id, currency: card.currency, effective_from: card.effectiveFrom, source: card.source, created_at: card.createdAt.toISOString(),
    rates: [...markets].map(([market, r]) => ({ market, ...r })).sort((a, b) => a.market.localeCompare(b.market)),
  };
}

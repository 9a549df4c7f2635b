/**
 * Customer CSV files → customer rows, the same on the client (an instant per-row report before anything
 * is uploaded) and on the server (the authoritative check before the import). Plain TypeScript, no I/O.
 *
 * Columns (header names are case-insensitive; spaces and dashes count as _):
 *   phone (or phone_number, whatsapp_phone, mobile) — required, with country code
 *   name, customer_tier (or tier), city, tags (separated by ; or |), subscription (subscribed/unsubscribed),
 *   is_active (true/false, yes/no, 1/0), attributes.<key> (custom attributes, e.g. attributes.loyalty_points)
 * A customers export's own columns (EXPORT_ONLY_COLUMNS: what the export records but an import does not
 * set) are read past, so an exported file imports as it is. Any other column is an error: a misspelt
 * column would otherwise be silently dropped.
 */
import { hasCountryPrefix, normalizePhone, type PhoneReading } from "../phone";
import { isStorableText } from "../text";

const ALIASES: Record<string, string> = {
  phone: "phone",
  phone_number: "phone",
  whatsapp_phone: "phone",
  mobile: "phone",
  name: "name",
  customer_tier: "customer_tier",
  tier: "customer_tier",
  city: "city",
  tags: "tags",
  subscription: "subscription",
  is_active: "is_active",
  active: "is_active",
};

/**
 * The columns a customers export writes beside the importable ones (export-customers.ts): the import skips
 * them. other_attributes holds, as JSON, the attributes whose key no attributes.<key> column can carry.
 */
export const EXPORT_ONLY_COLUMNS = ["subscription_source", "subscription_changed_at", "undeliverable_since", "created_at", "other_attributes"] as const;
/** an attribute key an attributes.<key> column reads back as itself */
export const IMPORTABLE_ATTRIBUTE_KEY = /^[a-z0-9_]{1,64}$/;

export const CSV_COLUMNS_HELP = "phone (required), name, customer_tier, city, tags (separated by ;), subscription, is_active, attributes.<key>";
export const MAX_IMPORT_ROWS = 100_000;
/** the largest file a person may upload (the server action's body limit is set above it, in next.config.js) */
export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024;
export const FILE_TOO_LARGE_MESSAGE = "The file is larger than 5 MB: split it into smaller files.";
const MAX_ERRORS = 1000;

export type CsvRowError = { line: number; column: string; value: string; message: string };
export type CustomerCsvRow = {
  phone: string;
  name?: string | null;
  customer_tier?: string | null;
  city?: string | null;
  tags?: string[];
  subscription?: "subscribed" | "unsubscribed";
  is_active?: boolean;
  attributes?: Record<string, string>;
};

/** A number written without "+" or "00", as it was read. */
export type UnprefixedExample = { line: number | null; value: string; phone: string; country: string | null };
/**
 * Valid numbers written without "+" or "00": those whose first digits were read as the country code, and
 * (`national`) those read as numbers of the workspace's default country; how many, and the first of each.
 */
export type UnprefixedNumbers = { count: number; example: UnprefixedExample | null; national: { count: number; example: UnprefixedExample | null } };
export const noUnprefixedNumbers = (): UnprefixedNumbers => ({ count: 0, example: null, national: { count: 0, example: null } });

/** Counts `value` (a valid number) in `into` when it was written without + or 00, by how it was read. */
export function countUnprefixed(into: UnprefixedNumbers, value: string, read: { phone: string; country: string | null; national?: true }, line: number | null) {
  if (hasCountryPrefix(value)) return;
  const group = read.national ? into.national : into;
  group.count++;
  group.example ??= { line, value, phone: read.phone, country: read.country };
}

/** the header's columns that map to a field, and how many cells the header has (a row may not have more) */
export type CustomerCsvHeader = { columns: Array<{ index: number; field: string; header: string }>; width: number };
export type MappedColumns = ({ ok: true } & CustomerCsvHeader) | { ok: false; errors: CsvRowError[] };

/** A header cell as the columns are matched: trimmed, without a byte-order mark, lower case, spaces and dashes as _. */
const headerKey = (raw: string) => raw.trim().replace(/^\uFEFF/, "").toLowerCase().replace(/[\s-]+/g, "_");

/** Whether a CSV header cell names the phone column ("Phone", "Phone Number", "whatsapp-phone", "mobile", "number"). */
export function isPhoneHeader(raw: string): boolean {
  const key = headerKey(raw);
  return ALIASES[key] === "phone" || key === "number";
}

/**
 * Whether a parsed record is Excel's "sep=;" line (the delimiter a spreadsheet wrote first, above the
 * header): it is dropped, and the header is the line after it.
 */
export function isSeparatorLine(record: string[] | undefined): boolean {
  return !!record && /^sep=.?$/i.test((record[0] ?? "").trim()) && record.slice(1).every((v) => v.trim() === "");
}

export function mapHeader(header: string[], line = 1): MappedColumns {
  const errors: CsvRowError[] = [];
  const columns: Array<{ index: number; field: string; header: string }> = [];
  const seen = new Set<string>();
  header.forEach((raw, index) => {
    const h = raw.trim().replace(/^\uFEFF/, "");
    if (h === "") return;
    const key = headerKey(h);
    if ((EXPORT_ONLY_COLUMNS as readonly string[]).includes(key)) return;
    let field = ALIASES[key];
    const attribute = /^(?:attributes|attribute|attr)\.(.*)$/.exec(key)?.[1];
    if (!field && attribute !== undefined && IMPORTABLE_ATTRIBUTE_KEY.test(attribute)) field = `attributes.${attribute}`;
    if (!field) {
      errors.push({ line, column: h, value: "", message: `unknown column “${h}”; use ${CSV_COLUMNS_HELP}` });
      return;
    }
    if (seen.has(field)) {
      errors.push({ line, column: h, value: "", message: `column “${h}” repeats ${field}` });
      return;
    }
    seen.add(field);
    columns.push({ index, field, header: h });
  });
  if (!seen.has("phone")) errors.push({ line, column: "phone", value: "", message: "the file needs a phone column" });
  return errors.length ? { ok: false, errors } : { ok: true, columns, width: header.length };
}

const TRUE = new Set(["true", "yes", "y", "1"]);
const FALSE = new Set(["false", "no", "n", "0"]);

/**
 * Maps and checks every row. `firstLine` is the file line of records[0] (2 when the header is line 1).
 * Returns all valid rows when there is no error; otherwise the errors (the first MAX_ERRORS) and no rows.
 * Each row's phone is E.164 with its '+' (read once, in the workspace's `reading`), so storing it later
 * reads it the same whatever the default country is then.
 */
export function mapCustomerRecords(
  { columns, width }: CustomerCsvHeader,
  records: string[][],
  firstLine = 2,
  seenPhones: Map<string, number> = new Map(),
  reading: PhoneReading = {},
): { rows: CustomerCsvRow[]; errors: CsvRowError[]; errorCount: number; unprefixed: UnprefixedNumbers } {
  const rows: CustomerCsvRow[] = [];
  const unprefixed = noUnprefixedNumbers();
  const errors: CsvRowError[] = [];
  let errorCount = 0;
  const fail = (e: CsvRowError) => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push(e);
  };
  records.forEach((record, i) => {
    const line = firstLine + i;
    if (record.every((v) => v.trim() === "")) return;
    // a value with an unquoted comma splits into two and shifts every column after it: refused, never stored shifted
    const extra = record.slice(width).filter((v) => v.trim() !== "").length;
    if (extra > 0) {
      fail({ line, column: "(row)", value: record.slice(width).join(", ").slice(0, 40), message: `${record.length} values where the header has ${width} columns: put a value that contains a comma in double quotes ("Doe, Jane")` });
      return;
    }
    const row: CustomerCsvRow = { phone: "" };
    let ok = true;
    for (const { index, field, header } of columns) {
      const value = (record[index] ?? "").trim();
      if (!isStorableText(value)) {
        const shown = value.replaceAll("\u0000", "␀").toWellFormed();
        fail({ line, column: header, value: shown.length > 40 ? `${shown.slice(0, 40)}…` : shown, message: "contains the NUL character (\\u0000), which cannot be stored: save the file as CSV UTF-8" });
        ok = false;
        continue;
      }
      if (field === "phone") {
        const n = normalizePhone(value, reading);
        if (!n.ok) {
          fail({ line, column: header, value, message: n.reason });
          ok = false;
        } else {
          const earlier = seenPhones.get(n.phone);
          if (earlier !== undefined) {
            fail({ line, column: header, value, message: `the same number as line ${earlier}` });
            ok = false;
          } else {
            seenPhones.set(n.phone, line);
            row.phone = `+${n.phone}`;
            countUnprefixed(unprefixed, value, n, line);
          }
        }
      } else if (value === "") {
        continue;
      } else if (field === "tags") {
        row.tags = [...new Set(value.split(/[;|]/).map((t) => t.trim()).filter(Boolean))];
        if (row.tags.some((t) => t.length > 100)) {
          fail({ line, column: header, value, message: "a tag is longer than 100 characters" });
          ok = false;
        }
      } else if (field === "subscription") {
        const v = value.toLowerCase();
        if (v !== "subscribed" && v !== "unsubscribed") {
          fail({ line, column: header, value, message: "must be subscribed or unsubscribed" });
          ok = false;
        } else row.subscription = v;
      } else if (field === "is_active") {
        const v = value.toLowerCase();
        if (TRUE.has(v)) row.is_active = true;
        else if (FALSE.has(v)) row.is_active = false;
        else {
          fail({ line, column: header, value, message: "must be true or false" });
          ok = false;
        }
      } else if (field.startsWith("attributes.")) {
        (row.attributes ??= {})[field.slice("attributes.".length)] = value.slice(0, 1000);
      } else {
        const max = field === "customer_tier" ? 100 : 200;
        if (value.length > max) {
          fail({ line, column: header, value: value.slice(0, 40) + "…", message: `longer than ${max} characters` });
          ok = false;
        } else (row as Record<string, unknown>)[field] = value;
      }
    }
    if (ok) rows.push(row);
  });
  return errorCount > 0 ? { rows: [], errors, errorCount, unprefixed } : { rows, errors, errorCount, unprefixed };
}

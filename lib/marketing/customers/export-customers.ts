/**
 * Customers as CSV: exactly the customers the table's filters choose (customerListWhere, the one rule of
 * the table), in the customer import's columns so that the file imports back as it is, produced in
 * keyset-paged batches (phone order, never the whole list in memory) by the export job
 * (../jobs/export-customers-job.ts). Every export is audited first (who, which filters, how many rows; a
 * searched number is not written down); a viewer's export has the phone numbers masked, as their pages
 * show them.
 *
 * Columns: phone (E.164 with its +), name, customer_tier, city, tags (joined with ";", as the import splits
 * them), subscription, is_active, one attributes.<key> column per attribute key the chosen customers have
 * (found in one statement over them, when the export starts), then what the export records and an import
 * does not set (EXPORT_ONLY_COLUMNS, which the import skips): subscription_source, subscription_changed_at,
 * undeliverable_since (empty: reachable) and created_at. A key no attributes.<key> column reads back as
 * itself (not lower-case letters, digits and _) goes with the others of its row into other_attributes, as
 * JSON; that column is there only when such a key is.
 */
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { csvCell } from "../csv-cell";
import { Prisma, type DbOrTx } from "../db";
import { maskPhone } from "../phone";
import { canSeePhoneNumbers } from "../users/permissions";
import { IMPORTABLE_ATTRIBUTE_KEY } from "./customer-csv";
import { customerListWhere, isPhoneSearch, type TCustomerListFilters } from "./search-customers";

/** attributes.<key> columns at most; the keys after them go in other_attributes */
const MAX_ATTRIBUTE_COLUMNS = 200;
/** distinct attribute keys read (a bound on memory); a key past them also goes in other_attributes */
const MAX_KEYS_READ = 1_000;

export type CustomersCsvColumns = { attributeKeys: string[]; otherAttributes: boolean };

/**
 * Counts the customers the filters choose as this principal may search them, audits the export and says
 * how to produce it (`mask`). `jobId`: the export job that produces the file (named in the audit entry).
 */
export async function startCustomersExport({ db, now, principal, filters, jobId }: {
  db: DbOrTx; now: Date; principal: Principal; filters: TCustomerListFilters; jobId: string;
}): Promise<{ rows: number; mask: boolean }> {
  const mask = !canSeePhoneNumbers(principal.role);
  const where = await customerListWhere({ db, filters, role: principal.role });
  const [{ n }] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM user_profiles ${where}`);
  const rows = Number(n);
  await audit(db, {
    actor: principal.actor, action: "customers.export", entityType: "customer",
    details: { filters: auditedFilters(filters), rows, masked: mask, job_id: jobId }, now,
  });
  return { rows, mask };
}

/** The filters as the audit log keeps them: the ones set, a searched phone number not written down. */
function auditedFilters(filters: TCustomerListFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) if (typeof v === "string" && v !== "") out[k] = v;
  if (filters.q && isPhoneSearch(filters.q)) out.q = "(a phone number)";
  return out;
}

/** The file's attribute columns: the keys the chosen customers have, in one statement over them. */
export async function customersCsvColumns({ db, filters, role }: { db: DbOrTx; filters: TCustomerListFilters; role: Principal["role"] }): Promise<CustomersCsvColumns> {
  const where = await customerListWhere({ db, filters, role });
  const keys = await db.$queryRaw<Array<{ k: string }>>(Prisma.sql`
    SELECT DISTINCT jsonb_object_keys(attributes) AS k FROM user_profiles ${where} AND jsonb_typeof(attributes) = 'object'
    ORDER BY 1 LIMIT ${MAX_KEYS_READ}::int`);
  const attributeKeys = keys.map((r) => r.k).filter((k) => IMPORTABLE_ATTRIBUTE_KEY.test(k)).slice(0, MAX_ATTRIBUTE_COLUMNS);
  return { attributeKeys, otherAttributes: keys.length > attributeKeys.length };
}

/** the CSV's first line */
export function customersCsvHeader({ attributeKeys, otherAttributes }: CustomersCsvColumns): string {
  return [
    "phone", "name", "customer_tier", "city", "tags", "subscription", "is_active", ...attributeKeys.map((k) => `attributes.${k}`),
    ...(otherAttributes ? ["other_attributes"] : []), "subscription_source", "subscription_changed_at", "undeliverable_since", "created_at",
  ].map(csvCell).join(",") + "\n";
}

type CustomerCsvRow = {
  whatsapp_phone: string; name: string | null; customer_tier: string | null; city: string | null; tags: string[]; subscription: string; is_active: boolean;
  attributes: unknown; subscription_source: string | null; subscription_changed_at: Date | null; undeliverable_since: Date | null; created_at: Date;
};

/**
 * One keyset page of the file: the chosen customers after phone number `after` (null: from the first), at
 * most `limit`, as CSV lines. `last` is where the next page starts.
 */
export async function customersCsvPage({ db, filters, role, after, limit, mask, columns }: {
  db: DbOrTx; filters: TCustomerListFilters; role: Principal["role"]; after: string | null; limit: number; mask: boolean; columns: CustomersCsvColumns;
}): Promise<{ csv: string; rows: number; last: string | null }> {
  const where = await customerListWhere({ db, filters, role });
  const rows = await db.$queryRaw<CustomerCsvRow[]>(Prisma.sql`
    SELECT whatsapp_phone, name, customer_tier, city, tags, subscription, is_active, attributes,
           subscription_source, subscription_changed_at, undeliverable_since, created_at
    FROM user_profiles ${where} ${after === null ? Prisma.empty : Prisma.sql`AND whatsapp_phone > ${after}`}
    ORDER BY whatsapp_phone LIMIT ${limit}::int`);
  const columnKeys = new Set(columns.attributeKeys);
  let csv = "";
  for (const r of rows) {
    const attributes = r.attributes !== null && typeof r.attributes === "object" && !Array.isArray(r.attributes) ? (r.attributes as Record<string, unknown>) : {};
    const other = Object.fromEntries(Object.entries(attributes).filter(([k]) => !columnKeys.has(k)));
    csv += [
      mask ? maskPhone(r.whatsapp_phone) : `+${r.whatsapp_phone}`, r.name, r.customer_tier, r.city, r.tags.join(";"), r.subscription, r.is_active,
      ...columns.attributeKeys.map((k) => attributeValue(attributes[k])),
      ...(columns.otherAttributes ? [Object.keys(other).length ? JSON.stringify(other) : null] : []),
      r.subscription_source, r.subscription_changed_at, r.undeliverable_since, r.created_at,
    ].map(csvCell).join(",") + "\n";
  }
  return { csv, rows: rows.length, last: rows.length ? rows[rows.length - 1].whatsapp_phone : null };
}

/** an attribute's value as its cell: text as it is, a number or a boolean as written in JSON */
function attributeValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? v : JSON.stringify(v);
}

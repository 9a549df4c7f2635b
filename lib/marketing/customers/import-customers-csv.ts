/**
 * The dashboard's CSV import: every row of the file is checked first (unknown columns, bad or repeated
 * numbers, bad values) and reported by file line; only a clean file is written, by the engine's
 * upsertCustomers in chunks inside ONE transaction, so an error anywhere leaves nothing half-imported.
 */
import type { Principal } from "../auth/api-tokens";
import { upsertCustomers, MAX_CUSTOMERS_PER_REQUEST } from "./upsert-customers";
import type { Db } from "../db";
import { AppError } from "../errors";
import { mapCustomerRecords, mapHeader, MAX_IMPORT_ROWS, type CsvRowError } from "./customer-csv";

export type ImportCustomersResult =
  | { ok: true; created: number; updated: number; total: number }
  | { ok: false; errors: CsvRowError[]; errorCount: number; rowCount: number };

export async function importCustomersCsv({ db, now, principal, records }: {
  db: Db; now: Date; principal: Principal;
  /** the parsed file: records[0] is the header */
  records: string[][];
}): Promise<ImportCustomersResult> {
  if (records.length < 2) throw new AppError("VALIDATION_FAILED", "The file has no rows under its header.");
  if (records.length - 1 > MAX_IMPORT_ROWS) throw new AppError("VALIDATION_FAILED", `At most ${MAX_IMPORT_ROWS.toLocaleString("en-US")} rows a file.`);
  const header = mapHeader(records[0]);
  if (!header.ok) return { ok: false, errors: header.errors, errorCount: header.errors.length, rowCount: records.length - 1 };
  const mapped = mapCustomerRecords(header.columns, records.slice(1), 2);
  if (mapped.errorCount > 0) return { ok: false, errors: mapped.errors, errorCount: mapped.errorCount, rowCount: records.length - 1 };

  let created = 0;
  let updated = 0;
  await db.$transaction(
    async (tx) => {
      for (let i = 0; i < mapped.rows.length; i += MAX_CUSTOMERS_PER_REQUEST) {
        // upsertCustomers opens no transaction of its own: given the transaction client, every chunk
        // commits together or not at all
        const r = await upsertCustomers({ db: tx, now, rows: mapped.rows.slice(i, i + MAX_CUSTOMERS_PER_REQUEST), principal, source: "csv_import" });
        created += r.created;
        updated += r.updated;
      }
    },
    { timeout: 300_000, maxWait: 10_000 },
  );
  return { ok: true, created, updated, total: mapped.rows.length };
}

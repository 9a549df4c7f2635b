/**
 * Importing customers from a CSV file as a job. What it guarantees:
 *
 *  - Validated fully before anything is written: every row is checked (unknown columns, bad or repeated
 *    numbers, bad values) and reported by file line; a file with any bad row creates no job and writes
 *    nothing.
 *  - A clean file becomes a job whose rows are staged in job_rows (one row each, keyed by the job and the
 *    row's place in the file) in the transaction that creates the job: the job exists with all its rows or
 *    not at all.
 *  - Written in resumable chunks: each chunk upserts the next rows in file order through upsertCustomers
 *    (the API's rule: a number is one customer, omitted fields keep their value, opt-outs are sticky) and
 *    deletes the staged rows it wrote, in the transaction that advances the job (run-job.ts). A chunk
 *    therefore commits once with its counts, or not at all and is done again: nobody is written twice and
 *    created + updated is the number of rows. A runner that stops is taken over where it stopped.
 *  - No longer all-or-nothing: a job that fails part-way keeps the chunks it wrote (done_rows of them), and
 *    its staged rows are deleted; importing the same file again finishes it (those rows are then updated).
 */
import { z } from "@/lib/zod";
import { ROLES, type Principal, type Role } from "../auth/api-tokens";
import { Prisma, type Db, type DbOrTx, type Tx } from "../db";
import { AppError } from "../errors";
import { can } from "../users/permissions";
import { isSeparatorLine, mapCustomerRecords, mapHeader, MAX_IMPORT_ROWS, type CsvRowError, type CustomerCsvRow } from "../customers/customer-csv";
import { MAX_CUSTOMERS_PER_REQUEST, upsertCustomers } from "../customers/upsert-customers";
import { phoneReading } from "../sending/sending-settings";
import { findNewestJob, type Job } from "./job";
import type { ChunkOutcome, JobHandler } from "./run-job";

/** staged rows inserted by one statement */
const STAGE_BATCH = 5_000;
/** how far back the customers page looks for the user's import after a reload */
const RECENT_IMPORT_MS = 60 * 60_000;

export type ImportCustomersInvalid = { ok: false; errors: CsvRowError[]; errorCount: number; rowCount: number };
export type ImportCustomersCounts = { created: number; updated: number; kept_unsubscribed: number; total: number };
/** a finished import job's answer */
export type ImportCustomersJobResult = ImportCustomersCounts & { message: string };

// the principal who started the import: its chunks write (and audit) as them
const ZInput = z.object({
  principal: z.object({ kind: z.enum(["user", "token", "env-token", "cron"]), id: z.string().nullable(), role: z.enum(ROLES as [Role, ...Role[]]), actor: z.string() }),
});
export const ZImportCustomersCounts = z.object({ created: z.number().int(), updated: z.number().int(), kept_unsubscribed: z.number().int(), total: z.number().int() });

/**
 * Checks the parsed file (records[0] is the header) and, when every row is good, queues its import with
 * the rows staged. A bad file answers its errors by line and creates nothing.
 */
export async function startImportCustomersJob({ db, now, principal, records }: {
  db: Db; now: Date; principal: Principal; records: string[][];
}): Promise<{ ok: true; job: Job } | ImportCustomersInvalid> {
  if (!can(principal.role, "change")) throw new AppError("FORBIDDEN", "Your role can view but not change anything.");
  // Excel's "sep=;" line above the header is not the header (lines are still counted from the file's first)
  const offset = isSeparatorLine(records[0]) ? 1 : 0;
  if (offset) records = records.slice(1);
  if (records.length < 2) throw new AppError("VALIDATION_FAILED", "The file has no rows under its header.");
  const rowCount = records.length - 1;
  if (rowCount > MAX_IMPORT_ROWS) throw new AppError("VALIDATION_FAILED", `At most ${MAX_IMPORT_ROWS.toLocaleString("en-US")} rows a file.`);
  const header = mapHeader(records[0], 1 + offset);
  if (!header.ok) return { ok: false, errors: header.errors, errorCount: header.errors.length, rowCount };
  const mapped = mapCustomerRecords(header, records.slice(1), 2 + offset, new Map(), await phoneReading(db));
  if (mapped.errorCount > 0) return { ok: false, errors: mapped.errors, errorCount: mapped.errorCount, rowCount };

  const input = { principal: { kind: principal.kind, id: principal.id, role: principal.role, actor: principal.actor } };
  const job = await db.$transaction(async (tx) => {
    const created = await tx.job.create({
      data: {
        kind: "import_customers", campaignId: null, input, totalRows: mapped.rows.length, actor: principal.actor,
        userId: principal.kind === "user" ? principal.id : null, status: "queued", createdAt: now, updatedAt: now,
      },
    });
    for (let i = 0; i < mapped.rows.length; i += STAGE_BATCH) await stageRows(tx, created.id, i, mapped.rows.slice(i, i + STAGE_BATCH));
    return created;
  }, { timeout: 120_000, maxWait: 10_000 });
  return { ok: true, job };
}

/** rows `offset + 1 …` of the file, one staged row each */
async function stageRows(tx: Tx, jobId: string, offset: number, rows: CustomerCsvRow[]) {
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO job_rows (job_id, row_no, data)
    SELECT ${jobId}::uuid, ${offset}::int + t.n::int, t.e FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS t(e, n)`);
}

async function importChunk(tx: Tx, job: Job, { now, chunkRows }: { now: Date; chunkRows: number }): Promise<ChunkOutcome> {
  const { principal } = ZInput.parse(job.input);
  const counts = ZImportCustomersCounts.safeParse(job.result).data ?? { created: 0, updated: 0, kept_unsubscribed: 0, total: 0 };
  const size = Math.min(chunkRows, MAX_CUSTOMERS_PER_REQUEST);
  // the next rows in file order; a chunk that wrote rows deleted them in its own transaction
  const rows = await tx.$queryRaw<Array<{ row_no: number; data: unknown }>>(Prisma.sql`
    SELECT row_no, data FROM job_rows WHERE job_id = ${job.id}::uuid ORDER BY row_no LIMIT ${size}::int`);
  const next = { ...counts };
  if (rows.length > 0) {
    const r = await upsertCustomers({ db: tx, now, rows: rows.map((x) => x.data), principal, source: "csv_import" });
    await tx.$executeRaw(Prisma.sql`DELETE FROM job_rows WHERE job_id = ${job.id}::uuid AND row_no <= ${rows[rows.length - 1].row_no}::int`);
    next.created += r.created;
    next.updated += r.updated;
    next.kept_unsubscribed += r.kept_unsubscribed;
    next.total += r.total;
  }
  const doneRows = job.doneRows + rows.length;
  if (rows.length === size && doneRows < job.totalRows) return { doneRows, cursor: null, result: next, finished: false };
  const result: ImportCustomersJobResult = { ...next, message: importMessage(next) };
  return { doneRows, totalRows: doneRows, cursor: null, result, finished: true };
}

function importMessage(c: ImportCustomersCounts): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const kept = c.kept_unsubscribed > 0 ? `; ${n(c.kept_unsubscribed)} stay unsubscribed (they opted out on WhatsApp or were erased)` : "";
  return `Imported ${n(c.total)} ${c.total === 1 ? "customer" : "customers"} (${n(c.created)} new, ${n(c.updated)} updated${kept}).`;
}

/** A failed import keeps the chunks it wrote; its staged rows go. */
async function dropStagedRows(db: Db, job: Job) {
  await db.$executeRaw(Prisma.sql`DELETE FROM job_rows WHERE job_id = ${job.id}::uuid`);
}

export const importCustomersJob: JobHandler = { chunk: importChunk, onFailed: dropStagedRows };

/** The newest import this actor started in the last hour (what the customers page follows after a reload), or null. */
export async function findRecentImportJob({ db, actor, now }: { db: DbOrTx; actor: string; now: Date }): Promise<Job | null> {
  return findNewestJob({ db, kind: "import_customers", actor, created: { gte: new Date(now.getTime() - RECENT_IMPORT_MS) } });
}

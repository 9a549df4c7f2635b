/**
 * Exporting customers (what the customers table's filters choose) as a job, as a campaign's recipients
 * are exported (export-recipients-job.ts): the file (export-customers.ts: the import's columns, a viewer's
 * numbers masked, audited once when it starts) produced in chunks into job_parts, one part per chunk, so
 * the page can show rows done of total and offer the download when it is done, also after a reload.
 *
 *  - The first chunk reads the file's attribute columns (one statement over the chosen customers) and
 *    keeps them in the cursor: every part has the same columns.
 *  - A chunk writes the next keyset page (phone order) as part `seq` in the transaction that advances the
 *    job: a chunk rolled back is written again with the same seq, never twice. Each chunk applies the
 *    filters again: a customer changed meanwhile is exported as they are when their page is read.
 *  - An export belongs to who started it (the actor the audit entry names): only they download it.
 *    Starting an export of the same filters while one is under way answers that one; other filters
 *    start their own (the page follows the newest).
 *  - The file is kept EXPORT_RETENTION_MS after the export started, then refused and its parts pruned
 *    (pruneJobFiles); erasing a customer withdraws every customers export kept (erase-customer.ts).
 */
import { z } from "@/lib/zod";
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { ROLES, type Principal, type Role } from "../auth/api-tokens";
import { Prisma, type Db, type DbOrTx, type Tx } from "../db";
import { AppError } from "../errors";
import { customersCsvColumns, customersCsvHeader, customersCsvPage, startCustomersExport } from "../customers/export-customers";
import { ZCustomerListFilters, type TCustomerListFilters } from "../customers/search-customers";
import { findNewestJob, getJob, type Job } from "./job";
import { dropJobParts, openExportFile, writeJobPart } from "./job-parts";
import { EXPORT_RETENTION_MS, pruneJobFiles } from "./prune-job-files";
import type { ChunkOutcome, JobHandler } from "./run-job";

const ZInput = z.object({ filters: ZCustomerListFilters, role: z.enum(ROLES as [Role, ...Role[]]), mask: z.boolean(), file_name: z.string() });
const ZCursor = z.object({
  after: z.string().nullable(), seq: z.number().int(), columns: z.object({ attributeKeys: z.array(z.string()), otherAttributes: z.boolean() }),
}).nullable();

export type ExportCustomersResult = {
  rows: number; parts: number; masked: boolean; file_name: string; expires_at: string; filters: TCustomerListFilters;
};

/** the same choice of customers (the stored input went through JSON: no undefined keys, any key order) */
function sameFilters(a: TCustomerListFilters, b: TCustomerListFilters): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

/** Audits the export and queues it; the actor's export of the same filters still under way is answered instead. */
export async function startExportCustomersJob({ db, now, principal, filters }: {
  db: Db; now: Date; principal: Principal; filters: TCustomerListFilters;
}): Promise<{ job: Job; created: boolean }> {
  return db.$transaction(async (tx) => {
    // one start at a time per actor
    await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`export_customers:${principal.actor}`}, 0))`);
    const open = await tx.job.findMany({ where: { kind: "export_customers", actor: principal.actor, status: { in: ["queued", "running"] } } });
    const same = open.find((j) => sameFilters(ZInput.parse(j.input).filters, filters));
    if (same) return { job: same, created: false };
    const id = randomUUID();
    const { rows, mask } = await startCustomersExport({ db: tx, now, principal, filters, jobId: id });
    const input: z.input<typeof ZInput> = { filters, role: principal.role, mask, file_name: `customers-${now.toISOString().slice(0, 10)}.csv` };
    const job = await tx.job.create({
      data: {
        id, kind: "export_customers", campaignId: null, input, totalRows: rows, actor: principal.actor,
        userId: principal.kind === "user" ? principal.id : null, status: "queued", createdAt: now, updatedAt: now,
      },
    });
    return { job, created: true };
  });
}

async function exportChunk(tx: Tx, job: Job, { now, chunkRows }: { now: Date; chunkRows: number }): Promise<ChunkOutcome> {
  const input = ZInput.parse(job.input);
  const cursor = ZCursor.parse(job.cursor ?? null);
  const seq = cursor?.seq ?? 0;
  const columns = cursor?.columns ?? (await customersCsvColumns({ db: tx, filters: input.filters, role: input.role }));
  const page = await customersCsvPage({ db: tx, filters: input.filters, role: input.role, after: cursor?.after ?? null, limit: chunkRows, mask: input.mask, columns });
  const body = (seq === 0 ? customersCsvHeader(columns) : "") + page.csv;
  if (body !== "") await writeJobPart(tx, { jobId: job.id, seq, rows: page.rows, body, now });
  const doneRows = job.doneRows + page.rows;
  const parts = body === "" ? seq : seq + 1;
  if (page.rows === chunkRows && page.last !== null) {
    return { doneRows, cursor: { after: page.last, seq: seq + 1, columns }, result: { rows: doneRows, parts }, finished: false };
  }
  // each finished export takes a step of pruning expired files
  await pruneJobFiles({ db: tx, now });
  const result: ExportCustomersResult = {
    rows: doneRows, parts, masked: input.mask, file_name: input.file_name, filters: input.filters,
    expires_at: new Date(job.createdAt.getTime() + EXPORT_RETENTION_MS).toISOString(),
  };
  return { doneRows, totalRows: doneRows, cursor: null, result, finished: true };
}

export const exportCustomersJob: JobHandler = { chunk: exportChunk, onFailed: dropJobParts };

/** The actor's newest customers export whose file is still kept (what the customers page offers after a reload), or null. */
export async function findRecentCustomersExportJob({ db, actor, now }: { db: DbOrTx; actor: string; now: Date }): Promise<Job | null> {
  return findNewestJob({ db, kind: "export_customers", actor, created: { gt: new Date(now.getTime() - EXPORT_RETENTION_MS) } });
}

/**
 * A finished customers export's file for download: its name and its parts in order, read a few at a time.
 * Only the actor who made it may download it, a file with whole numbers only a role that may see them,
 * and only while it is kept.
 */
export async function openCustomersExport({ db, now, principal, jobId }: {
  db: DbOrTx; now: Date; principal: Principal; jobId: string;
}): Promise<{ fileName: string; parts: AsyncGenerator<string> }> {
  const job = await getJob({ db, jobId });
  if (job.kind !== "export_customers") throw new AppError("NOT_FOUND", "No such export.");
  return openExportFile({ db, now, principal, job, input: ZInput.parse(job.input), what: "customers" });
}

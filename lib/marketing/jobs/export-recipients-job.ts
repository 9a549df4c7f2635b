/**
 * Exporting a campaign's recipients as a job: the file of the direct export (same columns, same order,
 * a viewer's numbers masked, audited once when it starts) produced in chunks into job_parts in
 * PostgreSQL, one part per chunk, so the page can show rows done of total and offer the download when it
 * is done, also after a reload.
 *
 *  - A chunk writes the next keyset page (phone order) as part `seq` in the transaction that advances the
 *    job: a chunk rolled back is written again with the same seq, never twice.
 *  - An export belongs to who started it (the actor the audit entry names): only they download it, and
 *    an actor has at most one export of a campaign under way (starting again answers it).
 *  - The file is kept EXPORT_RETENTION_MS after the export started, then refused and its parts pruned
 *    (pruneJobFiles, bounded, from every processor run and when an export finishes).
 */
import { z } from "@/lib/zod";
import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/api-tokens";
import { Prisma, type Db, type DbOrTx, type Tx } from "../db";
import { AppError } from "../errors";
import { parseCampaignId } from "../campaigns/campaign-id";
import { campaignVariantNames, recipientsCsvPage, RECIPIENTS_CSV_HEADER, startRecipientsExport } from "../recipients/export-recipients";
import { recipientsCsvFileName } from "../recipients/recipients-csv-file-name";
import { findNewestJob, getJob, type Job } from "./job";
import { dropJobParts, openExportFile, writeJobPart } from "./job-parts";
import { EXPORT_RETENTION_MS, pruneJobFiles } from "./prune-job-files";
import type { ChunkOutcome, JobHandler } from "./run-job";

const ZInput = z.object({ mask: z.boolean(), file_name: z.string() });
const ZCursor = z.object({ after: z.string(), seq: z.number().int() }).nullable();

export type ExportRecipientsResult = { rows: number; parts: number; masked: boolean; file_name: string; expires_at: string };

/** Audits the export and queues it; the actor's export of this campaign still under way is answered instead. */
export async function startExportRecipientsJob({ db, now, principal, campaignId }: {
  db: Db; now: Date; principal: Principal; campaignId: string;
}): Promise<{ job: Job; created: boolean }> {
  return db.$transaction(async (tx) => {
    // one start at a time per campaign and actor
    await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`export_recipients:${campaignId}:${principal.actor}`}, 0))`);
    const open = await tx.job.findFirst({
      where: { kind: "export_recipients", campaignId: parseCampaignId(campaignId), actor: principal.actor, status: { in: ["queued", "running"] } },
    });
    if (open) return { job: open, created: false };
    const id = randomUUID();
    const { campaign, mask } = await startRecipientsExport({ db: tx, now, principal, campaignId, jobId: id });
    const job = await tx.job.create({
      data: {
        id, kind: "export_recipients", campaignId: campaign.id, input: { mask, file_name: recipientsCsvFileName(campaign.name) },
        totalRows: campaign.totalTargetCustomers, actor: principal.actor, userId: principal.kind === "user" ? principal.id : null,
        status: "queued", createdAt: now, updatedAt: now,
      },
    });
    return { job, created: true };
  });
}

async function exportChunk(tx: Tx, job: Job, { now, chunkRows }: { now: Date; chunkRows: number }): Promise<ChunkOutcome> {
  const input = ZInput.parse(job.input);
  const cursor = ZCursor.parse(job.cursor ?? null);
  const seq = cursor?.seq ?? 0;
  const campaignId = job.campaignId ?? "";
  const page = await recipientsCsvPage({
    db: tx, campaignId, after: cursor?.after ?? null, limit: chunkRows, mask: input.mask, variantNames: await campaignVariantNames(tx, campaignId),
  });
  const body = (seq === 0 ? RECIPIENTS_CSV_HEADER : "") + page.csv;
  if (body !== "") await writeJobPart(tx, { jobId: job.id, seq, rows: page.rows, body, now });
  const doneRows = job.doneRows + page.rows;
  const parts = body === "" ? seq : seq + 1;
  if (page.rows === chunkRows && page.last !== null) {
    return { doneRows, cursor: { after: page.last, seq: seq + 1 }, result: { rows: doneRows, parts }, finished: false };
  }
  // each finished export takes a step of pruning expired files
  await pruneJobFiles({ db: tx, now });
  const result: ExportRecipientsResult = {
    rows: doneRows, parts, masked: input.mask, file_name: input.file_name, expires_at: new Date(job.createdAt.getTime() + EXPORT_RETENTION_MS).toISOString(),
  };
  return { doneRows, totalRows: doneRows, cursor: null, result, finished: true };
}

export const exportRecipientsJob: JobHandler = { chunk: exportChunk, onFailed: dropJobParts };

/** The actor's newest export of the campaign whose file is still kept (what the campaign page offers after a reload), or null. */
export async function findRecentExportJob({ db, campaignId, actor, now }: { db: DbOrTx; campaignId: string; actor: string; now: Date }): Promise<Job | null> {
  return findNewestJob({ db, kind: "export_recipients", campaignId, actor, created: { gt: new Date(now.getTime() - EXPORT_RETENTION_MS) } });
}

/**
 * A finished export's file for download: its name and its parts in order, read a few at a time. Only the
 * actor who made it may download it, a file with whole numbers only a role that may see them, and only
 * while it is kept.
 */
export async function openRecipientsExport({ db, now, principal, campaignId, jobId }: {
  db: DbOrTx; now: Date; principal: Principal; campaignId: string; jobId: string;
}): Promise<{ fileName: string; parts: AsyncGenerator<string> }> {
  const job = await getJob({ db, jobId, campaignId });
  if (job.kind !== "export_recipients") throw new AppError("NOT_FOUND", "No such export.");
  return openExportFile({ db, now, principal, job, input: ZInput.parse(job.input), what: "recipients" });
}

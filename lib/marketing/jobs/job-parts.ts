/** An export job's file as it is downloaded: its parts (job_parts) in order, read a few at a time, never the whole file in memory. */
import type { Job } from "@/lib/generated/prisma/client";
import type { Principal } from "../auth/api-tokens";
import { Prisma, type DbOrTx } from "../db";
import { AppError } from "../errors";
import { canSeePhoneNumbers } from "../users/permissions";
import { EXPORT_RETENTION_MS } from "./prune-job-files";

/**
 * A finished export's file for download (`what`: "recipients", "customers"): its name and its parts in
 * order. Only the actor who made it may download it, a file with whole numbers only a role that may see
 * them, and only while it is kept.
 */
export async function openExportFile({ db, now, principal, job, input, what }: {
  db: DbOrTx; now: Date; principal: Principal; job: Job; input: { mask: boolean; file_name: string }; what: string;
}): Promise<{ fileName: string; parts: AsyncGenerator<string> }> {
  if (job.actor !== principal.actor) throw new AppError("FORBIDDEN", `An export is downloaded by who made it: export the ${what} yourself.`);
  if (!input.mask && !canSeePhoneNumbers(principal.role)) throw new AppError("FORBIDDEN", `Your role sees phone numbers masked: export the ${what} again.`);
  if (job.status === "failed") throw new AppError("CONFLICT", job.errorMessage ?? `The export failed: export the ${what} again.`);
  if (job.status !== "done") throw new AppError("CONFLICT", "The export is not finished yet.");
  const expired = now.getTime() >= job.createdAt.getTime() + EXPORT_RETENTION_MS;
  const first = expired ? null : await db.jobPart.findUnique({ where: { jobId_seq: { jobId: job.id, seq: 0 } }, select: { seq: true } });
  if (!first) throw new AppError("NOT_FOUND", `This export has expired (files are kept for 24 hours): export the ${what} again.`);
  return { fileName: input.file_name, parts: readJobParts(db, job.id) };
}

export async function* readJobParts(db: DbOrTx, jobId: string): AsyncGenerator<string> {
  let after = -1;
  for (;;) {
    const parts = await db.jobPart.findMany({ where: { jobId, seq: { gt: after } }, orderBy: { seq: "asc" }, take: 4, select: { seq: true, body: true } });
    for (const p of parts) yield p.body;
    if (parts.length < 4) return;
    after = parts[parts.length - 1].seq;
  }
}

/** Writes part `seq` of an export job's file (again, if a chunk is retried: the same part is replaced). */
export async function writeJobPart(db: DbOrTx, { jobId, seq, rows, body, now }: { jobId: string; seq: number; rows: number; body: string; now: Date }) {
  await db.$executeRaw(Prisma.sql`
    INSERT INTO job_parts (job_id, seq, rows, body, created_at) VALUES (${jobId}::uuid, ${seq}::int, ${rows}::int, ${body}, ${now}::timestamptz)
    ON CONFLICT (job_id, seq) DO UPDATE SET rows = excluded.rows, body = excluded.body, created_at = excluded.created_at`);
}

/** A failed export leaves no partial file: its parts go (a JobHandler's onFailed). */
export async function dropJobParts(db: DbOrTx, job: Pick<Job, "id">) {
  await db.$executeRaw(Prisma.sql`DELETE FROM job_parts WHERE job_id = ${job.id}::uuid`);
}

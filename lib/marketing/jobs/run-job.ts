/**
 * The job runner: claims a job, then works it chunk by chunk until it is done, fails, or the caller's
 * deadline comes (a function's maxDuration), leaving it resumable.
 *
 *  - Each chunk is one short transaction that first locks the job row and checks the runner still holds
 *    it (fencing: a runner that lost the job to another never writes again), then does its rows
 *    set-based, and advances done_rows, the cursor and the counts in the SAME transaction. A crash
 *    between chunks loses nothing and repeats nothing; a chunk that is rolled back is simply done again.
 *  - A runner claims a job that is queued, released (deadline) or stale (no heartbeat for
 *    JOB_STALE_AFTER_MS); the claim skips a job whose row a live runner's chunk holds, so two runners
 *    never work one job at the same time.
 *  - A rule the work breaks (AppError: the campaign was cancelled meanwhile…) fails the job with that
 *    message; anything else fails it with a generic message and is rethrown for the adapter's log.
 */
import { randomUUID } from "node:crypto";
import type { Job } from "@/lib/generated/prisma/client";
import { Prisma, withRetry, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { DEFAULT_JOB_CHUNK_ROWS, JOB_STALE_AFTER_MS, type JobKind } from "./job";

export type ChunkOutcome = {
  /** rows handled so far, this chunk included */
  doneRows: number;
  totalRows?: number;
  cursor: Prisma.InputJsonValue | null;
  /** the counts so far; once finished, the job's answer */
  result: Prisma.InputJsonValue;
  finished: boolean;
};

export type JobHandler = {
  /** one bounded chunk, in the transaction that holds the job row (job: the row as locked) */
  chunk(tx: Tx, job: Job, ctx: { now: Date; chunkRows: number }): Promise<ChunkOutcome>;
  /** after the job failed (its own transaction): undo what an unfinished job leaves behind, if anything */
  onFailed?(db: Db, job: Job, now: Date): Promise<void>;
};

export type RunJobResult = { claimed: boolean; status: "done" | "failed" | "running" | "lost"; chunks: number };

export async function runJob({ db, jobId, handlers, clock = () => new Date(), runnerId = randomUUID(), deadline, chunkRows = DEFAULT_JOB_CHUNK_ROWS, beforeChunk }: {
  db: Db; jobId: string; handlers: Record<JobKind, JobHandler>;
  /** the clock (heartbeats and the deadline are read from it) */
  clock?: () => Date;
  runnerId?: string;
  /** stop starting chunks at this instant and release the job for the next runner */
  deadline?: Date;
  chunkRows?: number;
  /** called before each chunk (tests: stop a runner mid-job) */
  beforeChunk?: (chunk: number) => Promise<void> | void;
}): Promise<RunJobResult> {
  if (!(await claimJob(db, jobId, runnerId, clock()))) return { claimed: false, status: "lost", chunks: 0 };
  let chunks = 0;
  for (;;) {
    if (deadline && clock() >= deadline) {
      await db.$executeRaw(Prisma.sql`
        UPDATE jobs SET runner_id = NULL, heartbeat_at = NULL, updated_at = ${clock()}::timestamptz
        WHERE id = ${jobId}::uuid AND runner_id = ${runnerId}::uuid AND status = 'running'`);
      return { claimed: true, status: "running", chunks };
    }
    await beforeChunk?.(chunks);
    let step: "continue" | "done" | "lost";
    try {
      step = await withRetry(() => db.$transaction(async (tx) => {
        const [job] = await tx.$queryRaw<Job[]>(Prisma.sql`
          SELECT id, kind, campaign_id AS "campaignId", user_id AS "userId", actor, status, input, cursor,
                 done_rows AS "doneRows", total_rows AS "totalRows", result, runner_id AS "runnerId",
                 heartbeat_at AS "heartbeatAt", attempts, created_at AS "createdAt", started_at AS "startedAt"
          FROM jobs WHERE id = ${jobId}::uuid FOR UPDATE`);
        if (!job || job.status !== "running" || job.runnerId !== runnerId) return "lost" as const;
        const handler = handlers[job.kind as JobKind];
        if (!handler) throw new AppError("INTERNAL", `No runner for jobs of kind ${job.kind}.`);
        const now = clock();
        const o = await handler.chunk(tx, job, { now, chunkRows });
        await tx.$executeRaw(Prisma.sql`
          UPDATE jobs SET done_rows = ${o.doneRows}::int, total_rows = greatest(${o.totalRows ?? job.totalRows}::int, ${o.doneRows}::int),
            cursor = ${o.cursor === null ? null : JSON.stringify(o.cursor)}::jsonb, result = ${JSON.stringify(o.result)}::jsonb,
            heartbeat_at = ${now}::timestamptz, updated_at = ${now}::timestamptz,
            status = ${o.finished ? "done" : "running"}::text, finished_at = ${o.finished ? now : null}::timestamptz,
            runner_id = ${o.finished ? null : runnerId}::uuid
          WHERE id = ${jobId}::uuid`);
        return o.finished ? ("done" as const) : ("continue" as const);
      }, { timeout: 120_000, maxWait: 10_000 }));
    } catch (error) {
      await failJob(db, jobId, runnerId, clock(), handlers, error);
      if (error instanceof AppError) return { claimed: true, status: "failed", chunks };
      throw error;
    }
    chunks++;
    if (step === "lost") return { claimed: true, status: "lost", chunks };
    if (step === "done") return { claimed: true, status: "done", chunks };
  }
}

/** Takes the job if it is queued, released or stale; never one whose row a live chunk holds. */
async function claimJob(db: Db, jobId: string, runnerId: string, now: Date): Promise<boolean> {
  const staleBefore = new Date(now.getTime() - JOB_STALE_AFTER_MS);
  const n = await db.$executeRaw(Prisma.sql`
    UPDATE jobs SET status = 'running', runner_id = ${runnerId}::uuid, heartbeat_at = ${now}::timestamptz,
      started_at = coalesce(started_at, ${now}::timestamptz), attempts = attempts + 1, updated_at = ${now}::timestamptz
    WHERE id = (
      SELECT id FROM jobs
      WHERE id = ${jobId}::uuid
        AND (status = 'queued' OR (status = 'running' AND (runner_id IS NULL OR heartbeat_at IS NULL OR heartbeat_at < ${staleBefore}::timestamptz)))
      FOR UPDATE SKIP LOCKED)`);
  return n === 1;
}

async function failJob(db: Db, jobId: string, runnerId: string, now: Date, handlers: Record<JobKind, JobHandler>, error: unknown) {
  const code = error instanceof AppError ? error.code : "INTERNAL";
  const message = error instanceof AppError ? error.message : "The work stopped on an unexpected error. Start it again: what was done is kept and not repeated.";
  const [job] = await db.$queryRaw<Job[]>(Prisma.sql`
    UPDATE jobs SET status = 'failed', error_code = ${code}, error_message = ${message}, runner_id = NULL,
      finished_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
    WHERE id = ${jobId}::uuid AND runner_id = ${runnerId}::uuid AND status = 'running'
    RETURNING id, kind, campaign_id AS "campaignId", input, created_at AS "createdAt"`);
  if (job) await handlers[job.kind as JobKind]?.onFailed?.(db, job, now);
}

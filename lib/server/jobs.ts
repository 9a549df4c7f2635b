/**
 * Server-only adapter: works a job after the answer (Next.js after()), within the function's
 * maxDuration. What the deadline leaves undone stays resumable: the next poll of the job picks it up
 * (a runner that died without a word is taken over once its heartbeat is stale).
 */
import "server-only";
import { after } from "next/server";
import { getDb } from "@/lib/db";
import { runJob } from "@/lib/marketing/jobs/run-job";
import { JOB_HANDLERS } from "@/lib/marketing/jobs/job-handlers";
import { describeErrorForLog } from "@/lib/redact-secrets";

/** time kept back from maxDuration for the last chunk to finish and commit */
const MARGIN_MS = 20_000;

export function continueJobAfterResponse(jobId: string, { maxDurationSeconds }: { maxDurationSeconds: number }): void {
  const deadline = new Date(Date.now() + Math.max(5_000, maxDurationSeconds * 1000 - MARGIN_MS));
  const work = async () => {
    try {
      await runJob({ db: getDb(), jobId, handlers: JOB_HANDLERS, deadline });
    } catch (error) {
      console.error(`[jobs] job ${jobId} stopped on an unexpected error:`, describeErrorForLog(error));
    }
  };
  try {
    after(work);
  } catch {
    // outside Next's request scope (a script or a test calling the adapter): work now
    void work();
  }
}

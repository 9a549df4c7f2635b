/** What the job tests share: their clock, the principals that start jobs, and a runner of a job to its end on that clock. */
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import type { Db } from "@/lib/marketing/db";
import { JOB_HANDLERS } from "@/lib/marketing/jobs/job-handlers";
import { runJob } from "@/lib/marketing/jobs/run-job";

export const NOW = new Date("2026-03-01T15:00:00Z");
export const later = (ms: number) => new Date(NOW.getTime() + ms);
export const marketer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000b1", role: "marketer", actor: "user:00000000-0000-4000-8000-0000000000b1", email: "m@example.com" };
export const viewer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000c1", role: "viewer", actor: "user:00000000-0000-4000-8000-0000000000c1", email: "v@example.com" };
/** the principal of the test's Bearer token: its exports can be downloaded over HTTP */
export const envToken: Principal = { kind: "env-token", id: null, role: "admin", actor: "env-token" };

/** runs the job with every handler, on the tests' clock, 1,000 rows a chunk unless `over` says otherwise */
export const runJobAt = (db: Db, jobId: string, over: Partial<Parameters<typeof runJob>[0]> = {}) =>
  runJob({ db, jobId, handlers: JOB_HANDLERS, clock: () => NOW, chunkRows: 1000, ...over });

/**
 * A customers CSV imported from start to end in this process (scripts, tests): the dashboard's import job
 * (see ../jobs/import-customers-job.ts for what it guarantees) started and worked to its end here. The file
 * is validated fully before anything is written; a bad file writes nothing and answers its errors by line.
 */
import type { Principal } from "../auth/api-tokens";
import type { Db } from "../db";
import { AppError, ERROR_STATUS, type AppErrorCode } from "../errors";
import { getJob } from "../jobs/job";
import { JOB_HANDLERS } from "../jobs/job-handlers";
import { startImportCustomersJob, ZImportCustomersCounts, type ImportCustomersCounts, type ImportCustomersInvalid } from "../jobs/import-customers-job";
import { runJob } from "../jobs/run-job";

export type ImportCustomersResult = ({ ok: true } & ImportCustomersCounts) | ImportCustomersInvalid;

export async function importCustomersCsv({ db, now, principal, records }: {
  db: Db; now: Date; principal: Principal;
  /** the parsed file: records[0] is the header */
  records: string[][];
}): Promise<ImportCustomersResult> {
  const started = await startImportCustomersJob({ db, now, principal, records });
  if (!started.ok) return started;
  const run = await runJob({ db, jobId: started.job.id, handlers: JOB_HANDLERS, clock: () => now });
  const job = await getJob({ db, jobId: started.job.id });
  if (run.status !== "done" || job.status !== "done") {
    throw new AppError(isAppErrorCode(job.errorCode) ? job.errorCode : "INTERNAL", job.errorMessage ?? "The import did not finish.");
  }
  const r = ZImportCustomersCounts.parse(job.result);
  return { ok: true, created: r.created, updated: r.updated, kept_unsubscribed: r.kept_unsubscribed, total: r.total };
}

function isAppErrorCode(code: string | null): code is AppErrorCode {
  return code !== null && Object.hasOwn(ERROR_STATUS, code);
}

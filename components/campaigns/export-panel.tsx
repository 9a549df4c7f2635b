"use client";

import { useCallback, useState, useTransition, type ReactNode } from "react";
import { buttonClass } from "@/components/ui/button";
import { formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { useToast } from "@/components/ui/toast";
import type { ActionState } from "@/components/forms/action-state";
import type { JobView } from "@/lib/marketing/jobs/job";
import { JobProgress, useJob } from "./job-progress";

/** what a finished export job answers (recipients and customers alike) */
export type ExportReady = { rows: number; masked: boolean; file_name: string };

/**
 * An export job as its page follows it (recipients, customers): `begin` starts it with `startAction` and
 * polls it under `basePath` (initialJob: the user's latest, so a reload finds it again), a toast says when
 * the file is ready, `result` is the finished job's answer and `error` why it could not start.
 */
export function useExportJob<R extends ExportReady>(basePath: string, initialJob: JobView | null, startAction: () => Promise<ActionState<JobView>>) {
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [busy, start] = useTransition();
  const onFinished = useCallback(
    (job: JobView) => {
      if (job.status === "done") toast.show("The export is ready to download.");
    },
    [toast],
  );
  const exp = useJob(basePath, initialJob, onFinished);
  const job = exp.job;
  const result = job?.status === "done" ? (job.result as R | null) : null;

  function begin() {
    setError(null);
    start(async () => {
      const r = await startAction();
      if (r.ok && r.data) exp.start(r.data);
      else setError(r.message ?? "The export could not start.");
    });
  }
  return { job, open: exp.open, result, error, busy, begin };
}

/**
 * An export job's panel (recipients, customers): its progress while it runs, then the file ready to
 * download (`detail`: the line under the row count), or why it failed.
 */
export function ExportPanel({ job, open, label, result, detail, href, error }: {
  job: JobView | null; open: boolean; label: string; result: ExportReady | null; detail: ReactNode; href: string; error: string | null;
}) {
  return (
    <>
      {job && open ? (
        <div className="w-full sm:w-80">
          <JobProgress job={job} label={label} unit="rows" />
        </div>
      ) : null}
      {result ? (
        <div className="w-full rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900 sm:w-80" data-testid="export-ready" role="status">
          <p className="font-semibold">Export ready: {formatInt(result.rows)} rows{result.masked ? ", numbers masked" : ""}</p>
          {detail}
          <a href={href} className={buttonClass("secondary", "sm", "mt-2")} download={result.file_name}>
            Download CSV
          </a>
        </div>
      ) : null}
      {error || job?.status === "failed" ? (
        <Notice tone="error" className="w-full sm:w-80">
          {error ?? `The export failed: ${job?.error?.message ?? "try again."}`}
        </Notice>
      ) : null}
    </>
  );
}

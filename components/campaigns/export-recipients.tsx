"use client";

import { useCallback, useState, useTransition, type ReactNode } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { formatDateTime, formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { useToast } from "@/components/ui/toast";
import { startExportJobAction } from "@/app/(dashboard)/campaigns/job-actions";
import type { JobView } from "@/lib/marketing/jobs/job";
import { JobProgress, useCampaignJob } from "./job-progress";

type ExportResult = { rows: number; masked: boolean; file_name: string; expires_at: string };

/**
 * "Export CSV" as a job: the file is produced on the server in chunks with rows done of total shown in
 * `panel`, then offered there for download (kept 24 hours). `initialJob`: the user's latest export of this
 * campaign, so a reload finds it again, still running or ready. The page puts the button among its
 * actions and the panel after them.
 */
export function useRecipientsExport(campaignId: string, initialJob: JobView | null): { button: ReactNode; panel: ReactNode } {
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [busy, start] = useTransition();
  const onFinished = useCallback(
    (job: JobView) => {
      if (job.status === "done") toast.show("The export is ready to download.");
    },
    [toast],
  );
  const exp = useCampaignJob(campaignId, initialJob, onFinished);
  const job = exp.job;
  const result = job?.status === "done" ? (job.result as ExportResult | null) : null;

  function begin() {
    setError(null);
    start(async () => {
      const r = await startExportJobAction(campaignId);
      if (r.ok && r.data) exp.start(r.data);
      else setError(r.message ?? "The export could not start.");
    });
  }

  const button = (
    <Button variant="secondary" onClick={begin} pending={busy || exp.open} disabled={exp.open}>
      Export CSV
    </Button>
  );
  const panel = (
    <>
      {job && exp.open ? (
        <div className="w-full sm:w-80">
          <JobProgress job={job} label="Exporting recipients" unit="rows" />
        </div>
      ) : null}
      {result ? (
        <div className="w-full rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900 sm:w-80" data-testid="export-ready" role="status">
          <p className="font-semibold">Export ready: {formatInt(result.rows)} rows{result.masked ? ", numbers masked" : ""}</p>
          <p className="mt-1 text-xs">Kept until {formatDateTime(result.expires_at)} UTC.</p>
          <a href={`/api/dashboard/campaigns/${campaignId}/jobs/${job?.id}/download`} className={buttonClass("secondary", "sm", "mt-2")} download={result.file_name}>
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
  return { button, panel };
}

"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/components/ui/format";
import { startExportJobAction } from "@/app/(dashboard)/campaigns/job-actions";
import type { JobView } from "@/lib/marketing/jobs/job";
import { ExportPanel, useExportJob } from "./export-panel";

type ExportResult = { rows: number; masked: boolean; file_name: string; expires_at: string };

/**
 * "Export CSV" as a job: the file is produced on the server in chunks with rows done of total shown in
 * `panel`, then offered there for download (kept 24 hours). `initialJob`: the user's latest export of this
 * campaign, so a reload finds it again, still running or ready. The page puts the button among its
 * actions and the panel after them.
 */
export function useRecipientsExport(campaignId: string, initialJob: JobView | null): { button: ReactNode; panel: ReactNode } {
  const { job, open, result, error, busy, begin } = useExportJob<ExportResult>(
    `/api/dashboard/campaigns/${campaignId}/jobs`, initialJob, () => startExportJobAction(campaignId));

  const button = (
    <Button variant="secondary" onClick={begin} pending={busy || open} disabled={open}>
      Export CSV
    </Button>
  );
  const panel = (
    <ExportPanel job={job} open={open} label="Exporting recipients" result={result} error={error}
      href={`/api/dashboard/campaigns/${campaignId}/jobs/${job?.id}/download`}
      detail={result ? <p className="mt-1 text-xs">Kept until {formatDateTime(result.expires_at)} UTC.</p> : null} />
  );
  return { button, panel };
}

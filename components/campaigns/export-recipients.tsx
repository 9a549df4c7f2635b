"use client";

import { useCallback, useState, useTransition, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/components/ui/format";
import { useToast } from "@/components/ui/toast";
import { startExportJobAction } from "@/app/(dashboard)/campaigns/job-actions";
import type { JobView } from "@/lib/marketing/jobs/job";
import { ExportPanel } from "./export-panel";
import { useCampaignJob } from "./job-progress";

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
    <ExportPanel job={job} open={exp.open} label="Exporting recipients" result={result} error={error}
      href={`/api/dashboard/campaigns/${campaignId}/jobs/${job?.id}/download`}
      detail={result ? <p className="mt-1 text-xs">Kept until {formatDateTime(result.expires_at)} UTC.</p> : null} />
  );
  return { button, panel };
}

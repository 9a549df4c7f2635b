"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { formatInt } from "@/components/ui/format";
import { ProgressBar } from "@/components/ui/progress";
import type { JobView } from "@/lib/marketing/jobs/job";

/** Follows one campaign job (adding the audience, activating, exporting): see useJob. */
export function useCampaignJob(campaignId: string, initial: JobView | null, onFinished?: (job: JobView) => void) {
  return useJob(`/api/dashboard/campaigns/${campaignId}/jobs`, initial, onFinished);
}

/**
 * Follows one job read at `${basePath}/${id}`: the one the page rendered, or the one `start` was given.
 * Polls it while it is queued or running (each poll also resumes a job whose runner is gone), and calls
 * onFinished once when it ends while the page watched it.
 */
export function useJob(basePath: string, initial: JobView | null, onFinished?: (job: JobView) => void) {
  const [started, setStarted] = useState<JobView | null>(null);
  const base = started ?? initial;
  const { data, error } = useQuery({
    queryKey: ["job", basePath, base?.id ?? null],
    queryFn: async (): Promise<JobView> => {
      const res = await fetch(`${basePath}/${base?.id}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    },
    enabled: base !== null && isOpen(base),
    refetchInterval: (q) => (q.state.data && !isOpen(q.state.data) ? false : 700),
    refetchIntervalInBackground: true,
    staleTime: 0,
    retry: 3,
  });
  const job = data && data.id === base?.id ? data : base;
  const open = job !== null && isOpen(job);
  const reported = useRef<string | null>(null);
  useEffect(() => {
    // a job that had already ended when the page rendered has nothing new to report
    if (job && !isOpen(job) && reported.current !== job.id && !(initial?.id === job.id && !isOpen(initial))) {
      reported.current = job.id;
      onFinished?.(job);
    }
  }, [job, initial, onFinished]);
  return { job, start: setStarted, open, pollError: error && open ? "Progress could not be read; retrying…" : null };
}

function isOpen(job: JobView): boolean {
  return job.status === "queued" || job.status === "running";
}

/** Rows done of total while a job runs: a bar with the numbers, announced politely. */
export function JobProgress({ job, label, unit, note }: { job: JobView; label: string; unit: string; note?: string }) {
  const total = Math.max(job.total_rows, job.done_rows);
  const pct = total > 0 ? (100 * job.done_rows) / total : job.status === "running" ? null : 0;
  const finishing = total > 0 && job.done_rows >= total;
  return (
    <div className="space-y-1.5" aria-live="polite" data-testid="job-progress" data-job-status={job.status}>
      <p className="flex flex-wrap justify-between gap-x-4 text-sm text-slate-700">
        <span>{label}</span>
        <span className="tabular-nums" data-testid="job-progress-count">
          {job.status === "queued" ? "Starting…" : finishing ? "Finishing…" : `${formatInt(job.done_rows)} of ${formatInt(total)} ${unit}`}
        </span>
      </p>
      <ProgressBar value={pct} label={label} />
      <p className="text-xs text-slate-500">{note ? `${note} ` : ""}You can leave or reload this page: the work goes on and its progress is shown here again.</p>
    </div>
  );
}

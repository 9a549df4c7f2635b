"use client";

import { useCallback, useState, useTransition } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { formatDateTime, formatInt } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { useToast } from "@/components/ui/toast";
import { JobProgress, useJob } from "@/components/campaigns/job-progress";
import { startExportCustomersJobAction } from "@/app/(dashboard)/customers/actions";
import type { TCustomerListFilters } from "@/lib/marketing/customers/search-customers";
import type { JobView } from "@/lib/marketing/jobs/job";

type ExportResult = { rows: number; masked: boolean; file_name: string; expires_at: string; filters: TCustomerListFilters };

const FILTER_LABELS: Record<keyof TCustomerListFilters, string> = { q: "Search", tier: "Tier", city: "City", tag: "Tag", subscription: "Subscription", reachable: "WhatsApp" };

/** the filters an export was made with, in the table's words ("Tier premium · City Lisbon"), or "all customers" */
function filtersLabel(filters: TCustomerListFilters): string {
  const parts = (Object.keys(FILTER_LABELS) as Array<keyof TCustomerListFilters>)
    .filter((k) => filters[k])
    .map((k) => `${FILTER_LABELS[k]} ${k === "reachable" ? "not reachable" : filters[k]}`);
  return parts.length ? parts.join(" · ") : "all customers";
}

/**
 * "Export N customers": the customers the table's filters choose (`count` of them, as the table says) as a
 * CSV the import reads back, produced on the server in chunks with rows done of total shown, then offered
 * for download (kept 24 hours). `initialJob`: the user's latest customers export, so a reload finds it
 * again, still running or ready.
 */
export function CustomersExport({ filters, count, initialJob }: { filters: TCustomerListFilters; count: number; initialJob: JobView | null }) {
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [busy, start] = useTransition();
  const onFinished = useCallback(
    (job: JobView) => {
      if (job.status === "done") toast.show("The export is ready to download.");
    },
    [toast],
  );
  const exp = useJob("/api/dashboard/jobs", initialJob, onFinished);
  const job = exp.job;
  const result = job?.status === "done" ? (job.result as ExportResult | null) : null;

  function begin() {
    setError(null);
    start(async () => {
      const r = await startExportCustomersJobAction(filters);
      if (r.ok && r.data) exp.start(r.data);
      else setError(r.message ?? "The export could not start.");
    });
  }

  return (
    <>
      <Button variant="secondary" onClick={begin} pending={busy || exp.open} disabled={exp.open || count === 0} data-testid="export-customers">
        Export {formatInt(count)} {count === 1 ? "customer" : "customers"}
      </Button>
      {job && exp.open ? (
        <div className="w-full sm:w-80">
          <JobProgress job={job} label="Exporting customers" unit="rows" />
        </div>
      ) : null}
      {result ? (
        <div className="w-full rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900 sm:w-80" data-testid="export-ready" role="status">
          <p className="font-semibold">Export ready: {formatInt(result.rows)} rows{result.masked ? ", numbers masked" : ""}</p>
          <p className="mt-1 break-words text-xs">{filtersLabel(result.filters)} · kept until {formatDateTime(result.expires_at)} UTC.</p>
          <a href={`/api/dashboard/jobs/${job?.id}/download`} className={buttonClass("secondary", "sm", "mt-2")} download={result.file_name}>
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

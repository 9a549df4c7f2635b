"use client";

import { Button } from "@/components/ui/button";
import { formatDateTime, formatInt } from "@/components/ui/format";
import { ExportPanel, useExportJob } from "@/components/campaigns/export-panel";
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
  const { job, open, result, error, busy, begin } = useExportJob<ExportResult>("/api/dashboard/jobs", initialJob, () => startExportCustomersJobAction(filters));

  return (
    <>
      <Button variant="secondary" onClick={begin} pending={busy || open} disabled={open || count === 0} data-testid="export-customers">
        Export {formatInt(count)} {count === 1 ? "customer" : "customers"}
      </Button>
      <ExportPanel job={job} open={open} label="Exporting customers" result={result} error={error} href={`/api/dashboard/jobs/${job?.id}/download`}
        detail={result ? <p className="mt-1 break-words text-xs">{filtersLabel(result.filters)} · kept until {formatDateTime(result.expires_at)} UTC.</p> : null} />
    </>
  );
}

/**
 * Downloads a finished customers export's CSV: its parts streamed in order (never the whole file in
 * memory). Only who made the export, while it is kept (see openCustomersExport).
 */
import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { csvDownload } from "@/lib/http/csv-download";
import { openCustomersExport } from "@/lib/marketing/jobs/export-customers-job";

export const dynamic = "force-dynamic";
// parts are read four at a time (up to 20,000 rows); a slow client reading 1,000,000 rows needs the time
export const maxDuration = 300;

export const GET = apiRoute<{ jobId: string }>({}, async ({ db, now, principal, params }) => {
  const { fileName, parts } = await openCustomersExport({ db, now, principal, jobId: params.jobId });
  return csvDownload(parts, fileName);
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);

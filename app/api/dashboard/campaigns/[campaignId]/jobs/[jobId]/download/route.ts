/**
 * Downloads a finished export job's CSV: its parts streamed in order (never the whole file in memory).
 * Only who made the export, while it is kept (see openRecipientsExport).
 */
import { apiRoute } from "@/lib/http/api-route";
import { openRecipientsExport } from "@/lib/marketing/jobs/export-recipients-job";

export const dynamic = "force-dynamic";
// parts are read four at a time (up to 20,000 rows); a slow client reading 1,000,000 rows needs the time
export const maxDuration = 300;

export const GET = apiRoute<{ campaignId: string; jobId: string }>({}, async ({ db, now, principal, params }) => {
  const { fileName, parts } = await openRecipientsExport({ db, now, principal, campaignId: params.campaignId, jobId: params.jobId });
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await parts.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
});

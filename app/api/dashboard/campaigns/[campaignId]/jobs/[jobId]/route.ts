/**
 * A campaign's job (adding the audience, activating) as the page polls it: done_rows of total_rows,
 * then the answer or the failure. A job left without a live runner is resumed after the answer.
 */
import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { getJob, jobView } from "@/lib/marketing/jobs/job";
import { continueJobAfterResponse } from "@/lib/server/jobs";

export const dynamic = "force-dynamic";
// a resumed job works for up to this long after the answer
export const maxDuration = 300;

export const GET = apiRoute<{ campaignId: string; jobId: string }>({}, async ({ db, params, now }) => {
  const view = jobView(await getJob({ db, jobId: params.jobId, campaignId: params.campaignId }), now);
  if (view.resumable) continueJobAfterResponse(view.id, { maxDurationSeconds: maxDuration });
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);

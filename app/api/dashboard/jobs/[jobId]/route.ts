/**
 * A job that belongs to no campaign (a customer import or export) as the page polls it, for who started it
 * (or an admin): done_rows of total_rows,
 * then the answer or the failure. A job left without a live runner is resumed after the answer.
 */
import { apiRoute, otherMethods } from "@/lib/http/api-route";
import { getOwnJob, jobView } from "@/lib/marketing/jobs/job";
import { continueJobAfterResponse } from "@/lib/server/jobs";

export const dynamic = "force-dynamic";
// a resumed job works for up to this long after the answer
export const maxDuration = 300;

export const GET = apiRoute<{ jobId: string }>({}, async ({ db, params, now, principal }) => {
  const job = await getOwnJob({ db, jobId: params.jobId, principal });
  const view = jobView(job, now);
  if (view.resumable) continueJobAfterResponse(view.id, { maxDurationSeconds: maxDuration });
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
});

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);

/** Every kind of job and the handler that works its chunks. */
import type { JobKind } from "./job";
import type { JobHandler } from "./run-job";
import { activateJob } from "./activate-job";
import { addAudienceJob } from "./add-audience-job";

export const JOB_HANDLERS: Record<JobKind, JobHandler> = {
  add_audience: addAudienceJob,
  activate: activateJob,
};

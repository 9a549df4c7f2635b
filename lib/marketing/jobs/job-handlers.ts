/** Every kind of job and the handler that works its chunks. */
import type { JobKind } from "./job";
import type { JobHandler } from "./run-job";
import { activateJob } from "./activate-job";
import { addAudienceJob } from "./add-audience-job";
import { exportCustomersJob } from "./export-customers-job";
import { exportRecipientsJob } from "./export-recipients-job";
import { importCustomersJob } from "./import-customers-job";

export const JOB_HANDLERS: Record<JobKind, JobHandler> = {
  add_audience: addAudienceJob,
  activate: activateJob,
  import_customers: importCustomersJob,
  export_recipients: exportRecipientsJob,
  export_customers: exportCustomersJob,
};

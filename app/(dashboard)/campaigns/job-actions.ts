"use server";

import { z } from "@/lib/zod";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { formatDay } from "@/components/ui/format";
import { AppError } from "@/lib/marketing/errors";
import { jobView, type JobView } from "@/lib/marketing/jobs/job";
import { startActivateJob } from "@/lib/marketing/jobs/activate-job";
import { startAddAudienceJob } from "@/lib/marketing/jobs/add-audience-job";
import { startExportRecipientsJob } from "@/lib/marketing/jobs/export-recipients-job";
import { continueJobAfterResponse } from "@/lib/server/jobs";
import { getTemplatesApi } from "@/lib/server/templates";
import { actionError, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** the campaign page's maxDuration: the job works this long after the answer, then the page's polls resume it */
const MAX_DURATION_SECONDS = 300;

/** Starts adding the campaign's target audience (or answers the one under way); the page polls its progress. */
export async function startAddAudienceJobAction(campaignId: string): Promise<ActionState<JobView>> {
  try {
    const { principal } = await requireActionUser("change");
    const now = new Date();
    const { job } = await startAddAudienceJob({ db: getDb(), now, timezone: getEnv().CAMPAIGN_TIMEZONE, campaignId, principal });
    continueJobAfterResponse(job.id, { maxDurationSeconds: MAX_DURATION_SECONDS });
    return { ok: true, data: jobView(job, now) };
  } catch (error) {
    return actionError(error);
  }
}

const ZDayInput = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "choose a date");

/** Starts activating a draft; what can be refused up front (date, template, recipients) is refused here. */
export async function startActivateJobAction(campaignId: string, startDate: string): Promise<ActionState<JobView>> {
  try {
    const { principal } = await requireActionUser("change");
    const parsed = ZDayInput.safeParse(startDate);
    if (!parsed.success) return { ok: false, errors: { start_date: ["choose a date"] }, message: "Choose a start date." };
    const now = new Date();
    const { job } = await startActivateJob({ db: getDb(), now, timezone: getEnv().CAMPAIGN_TIMEZONE, campaignId, startDate: parsed.data, principal, templates: getTemplatesApi() });
    continueJobAfterResponse(job.id, { maxDurationSeconds: MAX_DURATION_SECONDS });
    return { ok: true, data: jobView(job, now) };
  } catch (error) {
    return startDateInPast(error) ?? actionError(error);
  }
}

/**
 * A start date in the past, said beside the date in the dialog's words: the API's message names its field
 * ("start_date 2026-12-01 is in the past …"). `details.today` is the campaign time zone's today, which the
 * dialog takes as the earliest day (the page's may be a day behind after midnight).
 */
function startDateInPast(error: unknown): ActionState<never> | null {
  if (!(error instanceof AppError) || error.code !== "START_DATE_IN_PAST") return null;
  const { today, timezone } = error.details as { start_date: string; today: string; timezone: string };
  return {
    ok: false,
    code: error.code,
    details: { today },
    errors: { start_date: [`Pick today or a later day: today is ${formatDay(today)} (${timezone}).`] },
  };
}

/** Starts exporting the campaign's recipients (a viewer's file is masked), or answers the user's export under way. */
export async function startExportJobAction(campaignId: string): Promise<ActionState<JobView>> {
  try {
    const { principal } = await requireActionUser("view");
    const now = new Date();
    const { job } = await startExportRecipientsJob({ db: getDb(), now, principal, campaignId });
    continueJobAfterResponse(job.id, { maxDurationSeconds: MAX_DURATION_SECONDS });
    return { ok: true, data: jobView(job, now) };
  } catch (error) {
    return actionError(error);
  }
}

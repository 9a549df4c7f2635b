"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "@/lib/zod";
import { getDb, plainReadOf } from "@/lib/db";
import { appUrl, getEnv } from "@/lib/env";
import { cancelCampaign } from "@/lib/marketing/campaigns/cancel-campaign";
import { createCampaign, ZCreateCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { pauseCampaign, PAUSE_REASON_MAX } from "@/lib/marketing/campaigns/pause-campaign";
import { resumeCampaign } from "@/lib/marketing/campaigns/resume-campaign";
import { updateCampaign, ZUpdateCampaign } from "@/lib/marketing/campaigns/update-campaign";
import { ZTargetAudience } from "@/lib/marketing/campaigns/target-audience";
import { countAudience } from "@/lib/marketing/customers/audience-count";
import { AppError } from "@/lib/marketing/errors";
import { runScheduledProcessing } from "@/lib/marketing/processing/run-scheduled-processing";
import { addRecipients, MAX_PHONE_NUMBERS, type AddRecipientsResult } from "@/lib/marketing/recipients/add-recipients";
import { flushSandbox } from "@/lib/server/whatsapp";
import { getEngine } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";
import { actionError, fieldErrorsOf, readPayload, invalid, type ActionState } from "../_lib/action-state";
import { requireActionUser } from "../_lib/session";

/** Creates a draft (campaignId empty) or saves a draft's changes; the same zod schemas as the API. */
export async function saveCampaignAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  let id: string;
  try {
    const { principal } = await requireActionUser("change");
    const campaignId = String(formData.get("campaignId") ?? "");
    const payload = readPayload(formData);
    const db = getDb();
    const now = new Date();
    if (!campaignId) {
      const parsed = ZCreateCampaign.safeParse(payload);
      if (!parsed.success) return invalid(parsed.error);
      id = (await createCampaign({ db, now, input: parsed.data, principal, templates: getTemplatesApi(), appUrl: appUrl() })).id;
    } else {
      const parsed = ZUpdateCampaign.safeParse(payload);
      if (!parsed.success) return invalid(parsed.error);
      id = (await updateCampaign({ db, now, campaignId, input: parsed.data, principal, templates: getTemplatesApi(), appUrl: appUrl(), timezone: getEnv().CAMPAIGN_TIMEZONE })).id;
    }
    revalidatePath("/campaigns");
    revalidatePath(`/campaigns/${id}`);
  } catch (error) {
    return templateMismatch(error) ?? actionError(error);
  }
  redirect(`/campaigns/${id}?saved=1`);
}

/**
 * Values that do not fit their template, beside their fields: the API's message strings every problem into
 * one sentence naming the template ("The values do not fit template 'x' (en_US): body value #1 is empty; …").
 * `details` is the problems ({ path, message }), or for an A/B variant { variant, problems }.
 */
function templateMismatch(error: unknown): ActionState<never> | null {
  if (!(error instanceof AppError) || error.code !== "TEMPLATE_PARAMETERS_MISMATCH") return null;
  const variant = error.details && !Array.isArray(error.details) ? (error.details as { variant?: unknown; problems?: unknown }) : null;
  const prefix = variant && typeof variant.variant === "number" ? `variants.${variant.variant}.` : "";
  const errors = fieldErrorsOf(variant ? variant.problems : error.details, prefix);
  return Object.keys(errors).length ? { ok: false, code: error.code, message: "Check the highlighted fields.", errors } : null;
}

/** The live count of subscribed, active customers matching the audience filters. */
export async function countAudienceAction(audience: unknown): Promise<{ count: number | null }> {
  try {
    await requireActionUser("view");
    const parsed = ZTargetAudience.safeParse(audience);
    if (!parsed.success) return { count: null };
    return { count: await countAudience({ db: getDb(), audience: parsed.data }) };
  } catch {
    return { count: null };
  }
}

export async function pauseCampaignAction(campaignId: string, reason: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    const text = reason.trim().slice(0, PAUSE_REASON_MAX);
    await pauseCampaign({ db: getDb(), now: new Date(), campaignId, principal, reason: text || undefined });
    revalidatePath(`/campaigns/${campaignId}`);
    return { ok: true, message: "Paused: nothing more is sent until you resume." };
  } catch (error) {
    return actionError(error);
  }
}

/** `confirm`: the user confirmed resuming a campaign the failure guard paused (409 GUARD_CONFIRMATION_REQUIRED otherwise). */
export async function resumeCampaignAction(campaignId: string, confirm = false): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    await resumeCampaign({ db: getDb(), now: new Date(), timezone: getEnv().CAMPAIGN_TIMEZONE, campaignId, principal, templates: getTemplatesApi(), confirm });
    revalidatePath(`/campaigns/${campaignId}`);
    return { ok: true, message: "Resumed: pending recipients are rescheduled from today." };
  } catch (error) {
    return actionError(error);
  }
}

export async function cancelCampaignAction(campaignId: string): Promise<ActionState> {
  try {
    const { principal } = await requireActionUser("change");
    await cancelCampaign({ db: getDb(), now: new Date(), campaignId, principal });
    revalidatePath(`/campaigns/${campaignId}`);
    revalidatePath("/campaigns");
    return { ok: true, message: "Cancelled. Nothing more will be sent for this campaign." };
  } catch (error) {
    return actionError(error);
  }
}

const ZAddInput = z.union([
  z.object({ source: z.literal("audience") }),
  z.object({ source: z.literal("numbers"), phone_numbers: z.array(z.string().max(100)).min(1, "add at least one number").max(MAX_PHONE_NUMBERS) }),
]);

export async function addRecipientsAction(campaignId: string, input: unknown): Promise<ActionState<AddRecipientsResult>> {
  try {
    const { principal } = await requireActionUser("change");
    const parsed = ZAddInput.safeParse(input);
    if (!parsed.success) return invalid(parsed.error, parsed.error.issues[0]?.message ?? "Nothing to add.");
    const base = { db: getDb(), now: new Date(), timezone: getEnv().CAMPAIGN_TIMEZONE, campaignId, principal };
    const r =
      parsed.data.source === "audience"
        ? await addRecipients({ ...base, useTargetAudience: true })
        : await addRecipients({ ...base, phoneNumbers: parsed.data.phone_numbers });
    revalidatePath(`/campaigns/${campaignId}`);
    return { ok: true, message: `Added ${r.recipients_added.toLocaleString("en-US")} recipients.`, data: r };
  } catch (error) {
    return actionError(error);
  }
}

/**
 * Runs today's processing now, as the scheduler would (marketers and admins: whoever may activate a campaign
 * may send its day, as POST /api/marketing/process-daily allows them); in the sandbox also delivers due status events.
 */
export async function runProcessingAction(): Promise<ActionState<{ sent: number; failed: number; skipped: number; remaining: number }>> {
  try {
    await requireActionUser("change");
    const db = getDb();
    const now = new Date();
    const startedAt = performance.now();
    // bounded like the cron route: fits a 60 s function whatever page the button is on
    const { config, whatsapp } = await getEngine(db, { maxDurationMs: 60_000, forRun: true, now });
    const r = await runScheduledProcessing({ db, read: plainReadOf(db), now, whatsapp, config, templatesApi: getTemplatesApi(), startedAt });
    await flushSandbox().catch(() => undefined);
    revalidatePath("/", "layout");
    return {
      ok: true,
      message: r.campaigns_processed === 0 && r.messages_sent === 0 && r.stopped_reason === null
        // "Processed 0 campaigns" read as if nothing ran: say why nothing was sent
        ? `Nothing to send now: no active campaign has recipients left for today${r.outside_window.length ? ` (${r.outside_window.length} outside their send window)` : ""}.`
        : `Processed ${r.campaigns_processed} campaign${r.campaigns_processed === 1 ? "" : "s"}: ${r.messages_sent.toLocaleString("en-US")} sent, ${r.failed} failed, ${r.skipped} skipped${r.has_more ? "; more remains for today, run again" : ""}.`,
      data: { sent: r.messages_sent, failed: r.failed, skipped: r.skipped, remaining: r.remaining },
    };
  } catch (error) {
    return actionError(error);
  }
}

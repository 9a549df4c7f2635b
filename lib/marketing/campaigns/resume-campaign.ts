import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { Principal } from "../auth/api-tokens";
import { assertTemplateApproved } from "../templates/check-campaign-template";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError } from "../errors";
import { packSchedule, scheduleExtent } from "../recipients/pack-schedule";
import { firstSendableDay, readSendWindow } from "../sending/send-window";
import { dateToDay, dayInZone } from "../time";
import { assertBudgetAllowsResume } from "../cost/budget";
import { parseCampaignId } from "./campaign-id";
import { lockCampaign } from "./lock-campaign";

/**
 * paused → active: pending recipients are re-scheduled from today (or the start date, if later; or the
 * next allowed day of the send window once today's has closed). A campaign the failure guard paused
 * resumes only with `confirm` (409 GUARD_CONFIRMATION_REQUIRED otherwise), and the guard then judges only
 * the attempts made after the resume. A campaign the budget paused resumes once the budget has room for its
 * next message, or with `confirm` (409 BUDGET_CONFIRMATION_REQUIRED otherwise).
 */
export async function resumeCampaign({ db, now, timezone, campaignId, principal, templates = null, confirm = false }: {
  db: Db; now: Date; timezone: string; campaignId: string; principal?: Principal | null;
  /** the user confirmed resuming a campaign paused by the failure guard */
  confirm?: boolean;
  /** the template library (lib/server/templates.ts); null = not available: not checked */
  templates?: TemplatesApi | null;
}) {
  // 422 TEMPLATE_NOT_APPROVED (may ask Meta: outside the transaction)
  const current = await db.marketingCampaign.findUnique({ where: { id: parseCampaignId(campaignId) } });
  if (current?.status === "paused") await assertTemplateApproved({ db, now, api: templates, templateName: current.templateName, languageCode: current.languageCode });

  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (c.status !== "paused") throw new AppError("INVALID_TRANSITION", `Only a paused campaign can be resumed; this one is ${c.status}.`, { status: c.status });
    if (c.pausedBy === "failure_guard" && !confirm) {
      throw new AppError("GUARD_CONFIRMATION_REQUIRED", `The failure guard paused this campaign (${c.pauseReason ?? "too many failed sends"}). Confirm to resume it anyway.`, { paused_by: c.pausedBy, pause_reason: c.pauseReason });
    }
    // 409 BUDGET_CONFIRMATION_REQUIRED: a budget pause lifts with room for the next message or a confirmation
    if (c.pausedBy === "budget") await assertBudgetAllowsResume(tx, { campaignId: c.id, today: dayInZone(now, timezone), confirm, pauseReason: c.pauseReason });
    const window = readSendWindow(c.sendWindow);
    const first = firstSendableDay(window, now, timezone);
    const start = c.startDate ? dateToDay(c.startDate) : first;
    const fromDay = start > first ? start : first;
    await packSchedule(tx, { campaignId: c.id, fromDay, dailyLimit: c.dailySendLimit, now, timezone, window });
    await tx.marketingCampaign.update({
      where: { id: c.id },
      data: { status: "active", pausedAt: null, pausedBy: null, pausedByActor: null, pauseReason: null, updatedAt: now, ...(c.pausedBy === "failure_guard" ? { guardResetAt: now } : {}) },
    });
    const extent = await scheduleExtent(tx, c.id);
    await audit(tx, { actor: principal?.actor ?? "system", action: "campaign.resume", entityType: "campaign", entityId: c.id, details: { from: fromDay, paused_by: c.pausedBy }, now });
    return {
      campaign_id: c.id,
      status: "active" as const,
      estimated_completion_date: extent.lastDay,
      message: `Campaign '${c.name}' resumed`,
    };
  }, { timeout: 120_000, maxWait: 10_000 });
}

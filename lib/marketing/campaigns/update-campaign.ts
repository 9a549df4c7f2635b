import { z } from "@/lib/zod";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { Principal } from "../auth/api-tokens";
import { assertTrackable } from "../engagement/tracked-link";
import { checkCampaignTemplate } from "../templates/check-campaign-template";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError } from "../errors";
import { parseCampaignId } from "./campaign-id";
import { campaignJson } from "./campaign-json";
import { jsonOrDbNull, ZCampaignFields } from "./create-campaign";
import { packSchedule } from "../recipients/pack-schedule";
import { firstSendableDay, normalizeSendWindow } from "../sending/send-window";
import { dateToDay } from "../time";
import { lockCampaign } from "./lock-campaign";
import { checkVariants, reassignVariants } from "../ab/check-variants";
import { readAbTest, readVariants } from "../ab/variants";
import { campaignInStatus, isRunningCampaign } from "./campaign-status";

/**
 * Everything of a draft can change; of an active or paused campaign only name, description, priority, the
 * send window (its pending recipients are re-packed onto the new window's days), the failure guard and the budget.
 */
export const ZUpdateCampaign = ZCampaignFields.partial().strict();
export type TUpdateCampaign = z.input<typeof ZUpdateCampaign>;

const LIVE_EDITABLE = new Set(["name", "description", "priority", "send_window", "failure_guard", "budget"]);

export async function updateCampaign({ db, now, campaignId, input, principal, templates = null, timezone = "UTC", appUrl = null }: {
  db: Db; now: Date; campaignId: string; input: TUpdateCampaign; principal?: Principal | null;
  /** the app's public URL (APP_URL): tracked links need a template button pointing at {appUrl}/r/{{1}} */
  appUrl?: string | null;
  /** CAMPAIGN_TIMEZONE (re-packing a live campaign's schedule onto a new send window) */
  timezone?: string;
  /** the template library (lib/server/templates.ts); null = not available: accepted unverified */
  templates?: TemplatesApi | null;
}) {
  const data = ZUpdateCampaign.parse(input);
  // a draft's template, language or values changed: check the result against the template (422s)
  let check: Awaited<ReturnType<typeof checkCampaignTemplate>> | undefined;
  if (data.template_name !== undefined || data.language_code !== undefined || data.template_components !== undefined) {
    const current = await db.marketingCampaign.findUnique({ where: { id: parseCampaignId(campaignId) } });
    if (current?.status === "draft") {
      check = await checkCampaignTemplate({
        db, now, api: templates,
        templateName: data.template_name ?? current.templateName,
        languageCode: data.language_code ?? current.languageCode,
        components: data.template_components ?? current.templateComponents,
      });
      assertTrackable({ components: check.components, template: check.template, appUrl });
    }
  }
  // a draft's variants or test settings changed: each variant's template is checked (422s)
  let ab: Awaited<ReturnType<typeof checkVariants>> | undefined;
  if (data.variants !== undefined || data.ab_test !== undefined) {
    const current = await db.marketingCampaign.findUnique({ where: { id: parseCampaignId(campaignId) } });
    if (current?.status === "draft") {
      ab = await checkVariants({
        db, now, api: templates,
        variants: data.variants === undefined ? readVariants(current.variants) : data.variants,
        abTest: data.ab_test === undefined ? readAbTest(current.abTest) : data.ab_test,
      });
    }
  }
  const updated = await db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    const keys = Object.keys(data).filter((k) => data[k as keyof typeof data] !== undefined);
    if (c.status !== "draft") {
      const frozen = keys.filter((k) => !LIVE_EDITABLE.has(k));
      if (c.status === "completed" || c.status === "cancelled" || frozen.length > 0) {
        throw new AppError("INVALID_TRANSITION", `${campaignInStatus(c.status)} cannot change ${frozen.length ? frozen.join(", ") : "any more"}.`, { status: c.status, fields: frozen });
      }
    }
    const u = await tx.marketingCampaign.update({
      where: { id: c.id },
      data: {
        name: data.name,
        description: data.description,
        templateName: data.template_name,
        languageCode: data.language_code,
        dailySendLimit: data.daily_send_limit,
        priority: data.priority,
        targetAudience: data.target_audience,
        templateComponents: (check?.components ?? data.template_components) as object[] | undefined,
        templateVerified: check?.verified,
        templateWarnings: check?.warnings,
        sendWindow: data.send_window === undefined ? undefined : jsonOrDbNull(data.send_window && normalizeSendWindow(data.send_window)),
        failureGuard: data.failure_guard === undefined ? undefined : jsonOrDbNull(data.failure_guard),
        budget: data.budget,
        variants: ab && data.variants !== undefined ? jsonOrDbNull(ab.variants) : undefined,
        abTest: data.ab_test === undefined ? undefined : jsonOrDbNull(data.ab_test),
        updatedAt: now,
      },
    });
    // the draft's recipients take the variant the new split gives them
    if (ab) await reassignVariants(tx, u);
    if (data.send_window !== undefined && isRunningCampaign(c.status)) {
      const window = data.send_window && normalizeSendWindow(data.send_window);
      const first = firstSendableDay(window, now, timezone);
      const start = c.startDate ? dateToDay(c.startDate) : first;
      await packSchedule(tx, { campaignId: c.id, fromDay: start > first ? start : first, dailyLimit: c.dailySendLimit, now, timezone, window });
    }
    await audit(tx, { actor: principal?.actor ?? "system", action: "campaign.update", entityType: "campaign", entityId: c.id, details: { fields: keys }, now });
    return u;
  });
  return campaignJson(updated);
}

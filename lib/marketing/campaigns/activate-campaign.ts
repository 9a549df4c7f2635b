import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { Principal } from "../auth/api-tokens";
import { assertTemplateApproved, assertTestSendDone } from "../templates/check-campaign-template";
import { audit } from "../audit";
import { Prisma, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { packSchedule, scheduleExtent } from "../recipients/pack-schedule";
import { readSendWindow } from "../sending/send-window";
import { addDays, dayInZone, dayToDate, ZDay, type Day } from "../time";
import { parseCampaignId } from "./campaign-id";
import { campaignInStatus } from "./campaign-status";
import { lockCampaign } from "./lock-campaign";
import { estimateCampaignCost } from "../cost/estimate-campaign-cost";
import { stageMarkets } from "../cost/stage-markets";
import { readVariants } from "../ab/variants";

/**
 * draft → active: assigns every pending recipient a scheduled_send_date in daily_send_limit batches from
 * start_date (default tomorrow in the campaign time zone) in one set-based UPDATE, which also sets the
 * market of those that have none (cost/stage-markets.ts: each row is written once); the schedule rows
 * appear by trigger. estimated_days / estimated_completion_date are the number of send days and the last.
 * With a send window only its allowed days get recipients (and count as send days). estimated_cost is the
 * audience priced by market at the rate card in force on start_date (cost_uncovered_recipients: not priced).
 */
export async function activateCampaign({ db, now, timezone, campaignId, startDate, principal, templates = null }: {
  db: Db; now: Date; timezone: string; campaignId: string; startDate?: Day; principal?: Principal | null;
  /** the template library (lib/server/templates.ts); null = not available: not checked */
  templates?: TemplatesApi | null;
}) {
  const start = activationStartDay({ now, timezone, startDate });

  // 422 TEMPLATE_NOT_APPROVED (may ask Meta: outside the transaction)
  await assertActivationTemplates({ db, now, campaignId, templates });

  const activated = await db.$transaction((tx) => activateLocked(tx, { now, timezone, campaignId, start, actor: principal?.actor ?? "system" }), { timeout: 120_000, maxWait: 10_000 });
  // what the audience will cost at the rate card in force on the start date (cost/estimate-campaign-cost.ts)
  const estimate = await estimateCampaignCost({ db, campaignId: activated.campaign_id, day: start });
  return { ...activated, estimated_cost: estimate.estimated, cost_currency: estimate.currency, cost_uncovered_recipients: estimate.uncovered };
}

/** How far ahead a campaign may be scheduled to start (a start years away is a typo, and its schedule's end could pass year 9999). */
export const MAX_START_DAYS_AHEAD = 365;

/** The latest start date a campaign may be given today. */
export function latestStartDay(now: Date, timezone: string): Day {
  return addDays(dayInZone(now, timezone), MAX_START_DAYS_AHEAD);
}

/** The first send day: start_date (not in the past, at most a year ahead), default tomorrow in the campaign time zone. */
export function activationStartDay({ now, timezone, startDate }: { now: Date; timezone: string; startDate?: Day }): Day {
  const today = dayInZone(now, timezone);
  const start = startDate ?? addDays(today, 1);
  if (!ZDay.safeParse(start).success) throw new AppError("VALIDATION_FAILED", "start_date must be a date YYYY-MM-DD.", [{ path: "start_date", message: "must be a date YYYY-MM-DD" }]);
  if (start < today) throw new AppError("START_DATE_IN_PAST", `start_date ${start} is in the past (today is ${today} in ${timezone}).`, { start_date: start, today, timezone });
  const latest = latestStartDay(now, timezone);
  if (start > latest) throw new AppError("VALIDATION_FAILED", `start_date ${start} is more than a year ahead: the latest is ${latest}.`, [{ path: "start_date", message: `must be within a year: ${latest} at the latest` }]);
  return start;
}

/** Template approval checks before activating a draft (they may ask Meta: run them outside a transaction). */
export async function assertActivationTemplates({ db, now, campaignId, templates }: { db: Db; now: Date; campaignId: string; templates: TemplatesApi | null }) {
  const current = await db.marketingCampaign.findUnique({ where: { id: parseCampaignId(campaignId) } });
  if (current?.status === "draft") {
    await assertTemplateApproved({ db, now, api: templates, templateName: current.templateName, languageCode: current.languageCode });
    // an A/B test sends every variant's template: each must be approved too
    for (const v of readVariants(current.variants) ?? []) await assertTemplateApproved({ db, now, api: templates, templateName: v.template_name, languageCode: v.language_code });
  }
}

/** Only a draft is activated (409 INVALID_TRANSITION otherwise; a paused campaign is resumed instead). */
export function assertActivatable(status: string) {
  if (status !== "draft") throw new AppError("INVALID_TRANSITION", `${campaignInStatus(status)} cannot be activated${status === "paused" ? " (resume it)" : ""}.`, { status });
}

/** The draft → active transition itself, in the caller's transaction (the campaign is locked here). */
export async function activateLocked(tx: Tx, { now, timezone, campaignId, start, actor }: {
  now: Date; timezone: string; campaignId: string; start: Day; actor: string;
}) {
  const c = await lockCampaign(tx, campaignId);
  assertActivatable(c.status);
  await assertTestSendDone({ db: tx, campaign: c }); // 409 TEST_SEND_REQUIRED
  const [{ n }] = await tx.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND stage = 'pending'`);
  const pending = Number(n);
  if (pending === 0) throw new AppError("NO_RECIPIENTS", "The campaign has no recipients to send to: add recipients first.");
  // each recipient is written once: its day and (when it has none yet) its market in one UPDATE
  const staged = await stageMarkets(tx, c.id);
  if (staged > 0) await tx.$executeRaw(Prisma.sql`ANALYZE staged_markets`);
  await packSchedule(tx, { campaignId: c.id, fromDay: start, dailyLimit: c.dailySendLimit, now, timezone, window: readSendWindow(c.sendWindow), stagedMarkets: staged > 0 });
  await tx.marketingCampaign.update({
    where: { id: c.id },
    data: { status: "active", startDate: dayToDate(start), startedAt: now, updatedAt: now, pauseReason: null, pausedBy: null, pausedByActor: null },
  });
  const extent = await scheduleExtent(tx, c.id);
  await audit(tx, { actor, action: "campaign.activate", entityType: "campaign", entityId: c.id, details: { start_date: start, recipients: pending }, now });
  return {
    campaign_id: c.id,
    status: "active" as const,
    recipients_scheduled: pending,
    daily_limit: c.dailySendLimit,
    start_date: start,
    estimated_days: extent.days,
    estimated_completion_date: extent.lastDay,
    message: `Campaign activated. Sending ${c.dailySendLimit} messages/day starting ${start}`,
  };
}

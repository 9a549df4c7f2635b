import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { lockCampaign } from "../campaigns/lock-campaign";
import { Prisma, type Db } from "../db";
import { AppError } from "../errors";
import { dateToDay, dayInZone } from "../time";
import { packSchedule } from "./pack-schedule";

/**
 * On the marketer's explicit request: recipients whose send outcome is unknown (the process stopped, or
 * WhatsApp timed out, after the request went out — they MAY have received it) go back to pending and are
 * scheduled again. A completed campaign re-opens as active; a cancelled one refuses (409).
 * Recipients whose outcome became unknown less than `quietPeriodMs` ago (default 1 hour) are not retried
 * yet: a late status may still prove the send (and then the customer must not get it twice).
 */
export const RETRY_UNKNOWN_QUIET_PERIOD_MS = 3600_000;

export async function retryUnknownRecipients({ db, now, timezone, campaignId, principal, quietPeriodMs = RETRY_UNKNOWN_QUIET_PERIOD_MS }: {
  db: Db; now: Date; timezone: string; campaignId: string; principal?: Principal | null; quietPeriodMs?: number;
}) {
  const quietSince = new Date(now.getTime() - quietPeriodMs);
  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (c.status === "cancelled" || c.status === "draft") throw new AppError("INVALID_TRANSITION", `Recipients of a ${c.status} campaign cannot be retried.`, { status: c.status });
    const count = await tx.$executeRaw(Prisma.sql`
      UPDATE campaign_recipients SET status = 'pending', claim_id = NULL, claimed_at = NULL, sent_on = NULL,
        scheduled_send_date = NULL, next_attempt_at = NULL, deferred_reason = NULL,
        failure_reason = NULL, error_code = NULL, updated_at = ${now}::timestamptz
      WHERE campaign_id = ${c.id}::uuid AND stage = 'unknown' AND (outcome_unknown_at IS NULL OR outcome_unknown_at <= ${quietSince}::timestamptz)`);
    const [{ waiting }] = await tx.$queryRaw<Array<{ waiting: bigint }>>(Prisma.sql`
      SELECT count(*) AS waiting FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND stage = 'unknown'`);
    if (count > 0) {
      const today = dayInZone(now, timezone);
      const start = c.startDate ? dateToDay(c.startDate) : today;
      await packSchedule(tx, { campaignId: c.id, fromDay: start > today ? start : today, dailyLimit: c.dailySendLimit, now, timezone });
      if (c.status === "completed") {
        await tx.marketingCampaign.update({ where: { id: c.id }, data: { status: "active", completedAt: null, updatedAt: now } });
      }
    }
    await audit(tx, { actor: principal?.actor ?? "system", action: "campaign.retry_unknown", entityType: "campaign", entityId: c.id, details: { recipients: count, waiting: Number(waiting) }, now });
    return {
      campaign_id: c.id, recipients_retried: count, recipients_waiting: Number(waiting),
      message: `${count} recipients with an unknown outcome will be sent again`
        + (Number(waiting) > 0 ? ` (${waiting} became unknown less than ${Math.round(quietPeriodMs / 60_000)} minutes ago: retry them later)` : ""),
    };
  }, { timeout: 60_000 });
}

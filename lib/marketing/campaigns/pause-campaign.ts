import { alertLiteral } from "../alerts/alert-text";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { createAlert } from "../alerts/create-alert";
import { Prisma, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { lockCampaign } from "./lock-campaign";

/** active → paused. Sends already in flight finish; nothing new is claimed. */
export async function pauseCampaign({ db, now, campaignId, principal, reason }: {
  db: Db; now: Date; campaignId: string; principal?: Principal | null; reason?: string;
}) {
  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (c.status !== "active") throw new AppError("INVALID_TRANSITION", `Only an active campaign can be paused; this one is ${c.status}.`, { status: c.status });
    await tx.marketingCampaign.update({
      where: { id: c.id },
      data: { status: "paused", pausedAt: now, pausedBy: "user", pausedByActor: principal?.actor ?? "system", pauseReason: reason ?? null, updatedAt: now },
    });
    await audit(tx, { actor: principal?.actor ?? "system", action: "campaign.pause", entityType: "campaign", entityId: c.id, details: reason ? { reason } : {}, now });
    return { campaign_id: c.id, status: "paused" as const, message: `Campaign '${c.name}' paused` };
  });
}

/**
 * WhatsApp refused a campaign's template (a template-class error of a send or of a `failed` status):
 * active → paused (paused_by 'template') with the reason, an audit row and an alert. True when it paused.
 */
export async function pauseCampaignForTemplateError(tx: Tx, { campaignId, reason, now }: { campaignId: string; reason: string; now: Date }): Promise<boolean> {
  const paused = await tx.$queryRaw<Array<{ name: string }>>(Prisma.sql`
    UPDATE marketing_campaigns SET status = 'paused', paused_by = 'template', pause_reason = ${reason}, paused_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
    WHERE id = ${campaignId}::uuid AND status = 'active'
    RETURNING name`);
  if (paused.length === 0) return false;
  await audit(tx, { actor: "system", action: "campaign.pause", entityType: "campaign", entityId: campaignId, details: { paused_by: "template", reason }, now });
  await createAlert(tx, {
    severity: "warning", kind: "campaign_paused_template", campaignId, text: templatePauseAlertText(paused[0].name, reason),
    dedupeKey: `campaign_paused_template:${campaignId}:${now.toISOString()}`,
  }, now);
  return true;
}

/** The alert text of a template pause (quoted for Slack / Teams): the same for every path that pauses for a template. */
export function templatePauseAlertText(campaignName: string, reason: string): string {
  return `Campaign '${alertLiteral(campaignName)}' was paused: ${alertLiteral(reason.replace(/^Paused automatically: /, ""), 500)}`;
}

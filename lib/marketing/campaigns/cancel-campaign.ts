import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type Db } from "../db";
import { AppError } from "../errors";
import { lockCampaign } from "./lock-campaign";
import { campaignInStatus, isOpenCampaign } from "./campaign-status";

/**
 * draft | active | paused → cancelled, for good. Unsent recipients stay 'pending' (never sent: the
 * processor only takes active campaigns) and the remaining schedule days are marked cancelled.
 */
export async function cancelCampaign({ db, now, campaignId, principal }: {
  db: Db; now: Date; campaignId: string; principal?: Principal | null;
}) {
  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (!isOpenCampaign(c.status)) throw new AppError("INVALID_TRANSITION", `${campaignInStatus(c.status)} cannot be cancelled.`, { status: c.status });
    const actor = principal?.actor ?? "system";
    await tx.marketingCampaign.update({ where: { id: c.id }, data: { status: "cancelled", cancelledAt: now, cancelledByActor: actor, updatedAt: now } });
    await tx.$executeRaw(Prisma.sql`
      UPDATE campaign_send_schedule SET status = 'cancelled', updated_at = ${now}::timestamptz
      WHERE campaign_id = ${c.id}::uuid AND status IN ('pending', 'processing')`);
    await audit(tx, { actor, action: "campaign.cancel", entityType: "campaign", entityId: c.id, details: { from: c.status }, now });
    return { campaign_id: c.id, status: "cancelled" as const, message: `Campaign '${c.name}' cancelled` };
  });
}

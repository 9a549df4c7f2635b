import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import type { Db } from "../db";
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
      data: { status: "paused", pausedAt: now, pausedBy: "user", pauseReason: reason ?? null, updatedAt: now },
    });
    await audit(tx, { actor: principal?.actor ?? "system", action: "campaign.pause", entityType: "campaign", entityId: c.id, details: reason ? { reason } : {}, now });
    return { campaign_id: c.id, status: "paused" as const, message: `Campaign '${c.name}' paused` };
  });
}

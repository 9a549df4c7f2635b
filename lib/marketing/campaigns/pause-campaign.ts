import { z } from "@/lib/zod";
import { alertLiteral } from "../alerts/alert-text";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { createAlert, type AlertSeverity } from "../alerts/create-alert";
import { Prisma, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { lockCampaign } from "./lock-campaign";

/** Who paused a campaign (marketing_campaigns.paused_by). */
export type PausedBy = "user" | "template" | "failure_guard" | "budget";

/** One campaign to pause, with the reason shown to the marketer. */
export type Pause = {
  campaignId: string;
  reason: string | null;
  /** added to the audit entry's details */
  audit?: Record<string, unknown>;
  /** the alert's details (automatic pauses only) */
  alert?: Record<string, unknown>;
};

export type Paused = { campaign_id: string; name: string; pause_reason: string | null };

/** An automatic pause raises an alert: how serious, and what the marketer is told to do next. */
const PAUSE_ALERTS: Record<Exclude<PausedBy, "user">, { severity: AlertSeverity; after: string }> = {
  template: { severity: "warning", after: "" },
  budget: { severity: "warning", after: "" },
  failure_guard: { severity: "critical", after: ". Check the failures, then resume it (confirmation required)." },
};

/**
 * The one write that pauses campaigns: each campaign still active → paused (paused_by `by`, the reason,
 * paused_at), an audit entry `campaign.pause` per campaign and, for an automatic pause, an alert per
 * campaign (which emits `alert.created`). A campaign no longer active is left alone. Runs in the caller's
 * transaction; returns the campaigns it paused.
 */
export async function pauseCampaigns(tx: Tx, { by, now, actor = "system", pauses }: {
  by: PausedBy; now: Date; actor?: string; pauses: Pause[];
}): Promise<Paused[]> {
  if (pauses.length === 0) return [];
  const paused = await tx.$queryRaw<Paused[]>(Prisma.sql`
    UPDATE marketing_campaigns c
    SET status = 'paused', paused_by = ${by}, paused_by_actor = ${by === "user" ? actor : null}, pause_reason = x.reason,
        paused_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
    FROM unnest(${pauses.map((p) => p.campaignId)}::uuid[], ${pauses.map((p) => p.reason)}::text[]) AS x(id, reason)
    WHERE c.id = x.id AND c.status = 'active'
    RETURNING c.id::text AS campaign_id, c.name, c.pause_reason`);
  const byId = new Map(pauses.map((p) => [p.campaignId, p]));
  for (const p of paused) {
    const extra = byId.get(p.campaign_id)?.audit ?? {};
    const details = by === "user" ? (p.pause_reason ? { reason: p.pause_reason } : {}) : { paused_by: by, reason: p.pause_reason, ...extra };
    await audit(tx, { actor, action: "campaign.pause", entityType: "campaign", entityId: p.campaign_id, details, now });
    if (by === "user") continue;
    const kind = `campaign_paused_${by}`;
    await createAlert(tx, {
      severity: PAUSE_ALERTS[by].severity, kind, campaignId: p.campaign_id,
      text: `Campaign '${alertLiteral(p.name)}' was paused: ${alertLiteral((p.pause_reason ?? "").replace(/^Paused automatically: /, ""), 500)}${PAUSE_ALERTS[by].after}`,
      details: byId.get(p.campaign_id)?.alert, dedupeKey: `${kind}:${p.campaign_id}:${now.toISOString()}`,
    }, now);
  }
  return paused;
}

/** The API's pause body: an optional reason, shown on the campaign and in campaign.paused (the dashboard asks for one too). */
export const PAUSE_REASON_MAX = 500;
export const ZPauseRequest = z.object({ reason: z.string().trim().max(PAUSE_REASON_MAX).optional() }).strict().optional();

/** A user (or API token) pauses an active campaign. Sends already in flight finish; nothing new is claimed. */
export async function pauseCampaign({ db, now, campaignId, principal, reason }: {
  db: Db; now: Date; campaignId: string; principal?: Principal | null; reason?: string;
}) {
  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (c.status !== "active") throw new AppError("INVALID_TRANSITION", `Only an active campaign can be paused; this one is ${c.status}.`, { status: c.status });
    await pauseCampaigns(tx, { by: "user", now, actor: principal?.actor ?? "system", pauses: [{ campaignId: c.id, reason: reason ?? null }] });
    return { campaign_id: c.id, status: "paused" as const, message: `Campaign '${c.name}' paused` };
  });
}

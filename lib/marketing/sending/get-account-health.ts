/**
 * GET /api/marketing/health and the overview's account card: the send hold (on or off, why, since when),
 * quality, tier, unique users reached in the last 24 hours against the effective messaging limit, and
 * the campaigns an automatic guard paused (failure guard, template, account).
 */
import type { DbOrTx } from "../db";
import { uniqueUsersReached } from "../processing/claim-batch";
import { getSendingSettings } from "./sending-settings";
import { describeSendWindow } from "./send-window";

export async function getAccountHealth({ db, now, messagingLimit }: {
  db: DbOrTx; now: Date;
  /** the effective messaging limit (lib/server/engine.ts: WHATSAPP_MESSAGING_LIMIT, else the reported tier); null = unlimited */
  messagingLimit: number | null;
}) {
  const [s, reached, paused, alerts] = await Promise.all([
    getSendingSettings(db),
    uniqueUsersReached(db, new Date(now.getTime() - 24 * 3600_000)),
    db.marketingCampaign.findMany({
      where: { status: "paused", pausedBy: { in: ["failure_guard", "template", "account"] } },
      orderBy: [{ pausedAt: "desc" }, { id: "asc" }],
      take: 100,
      select: { id: true, name: true, pausedBy: true, pauseReason: true, pausedAt: true },
    }),
    db.alert.count({ where: { readAt: null } }),
  ]);
  return {
    send_hold: { active: s.sendHold.active, reason: s.sendHold.reason, since: s.sendHold.since?.toISOString() ?? null },
    quality_rating: s.qualityRating,
    messaging_limit_tier: s.messagingLimitTier,
    messaging_limit: messagingLimit,
    unique_users_24h: reached,
    messaging_limit_used_pct: messagingLimit ? Math.round((1000 * reached) / messagingLimit) / 10 : null,
    frequency_cap: s.frequencyCap,
    failure_guard: s.failureGuard,
    default_send_window: s.defaultSendWindow,
    default_send_window_label: describeSendWindow(s.defaultSendWindow),
    guard_paused_campaigns: paused.map((c) => ({
      id: c.id, name: c.name, paused_by: c.pausedBy, pause_reason: c.pauseReason, paused_at: c.pausedAt?.toISOString() ?? null,
    })),
    unread_alerts: alerts,
  };
}

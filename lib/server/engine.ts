/**
 * Server-only adapter: the campaign engine's configuration from lib/env.ts, and the WhatsApp client.
 */
import "server-only";
import type { Db } from "@/lib/marketing/db";
import { getEnv, messagingLimitFromEnv } from "@/lib/env";
import { messagingLimitForTier } from "@/lib/marketing/sending/account-health";
import type { EngineConfig } from "@/lib/marketing/engine-config";
import { planTimeBudget } from "@/lib/marketing/processing/time-budget";
import { getWhatsAppClient } from "@/lib/server/whatsapp";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

/** The settings that need no database (time zone, limits, budget). */
export function getEngineSettings(): Omit<EngineConfig, "messagingLimit"> & { messagingLimit: number | null | undefined } {
  const env = getEnv();
  return {
    timezone: env.CAMPAIGN_TIMEZONE,
    messagingLimit: messagingLimitFromEnv(env),
    timeBudgetMs: env.PROCESSOR_TIME_BUDGET_MS,
    // a claim is stale well after any request could still be in flight
    staleClaimMs: Math.max(10 * 60_000, 4 * env.WHATSAPP_REQUEST_TIMEOUT_MS),
    alertWebhookUrl: env.ALERT_WEBHOOK_URL ?? null,
  };
}

/**
 * The engine config for a run: WHATSAPP_MESSAGING_LIMIT when set ("unlimited" → none), otherwise the
 * messaging-limit tier WhatsApp last reported for the number (settings.messaging_limit_tier: TIER_250,
 * TIER_1K, TIER_2K, TIER_10K, TIER_100K; TIER_UNLIMITED or none → no limit).
 */
export async function getEngine(db: Db, options: {
  /** the calling route's maxDuration: the run's time budget fits inside it (see planTimeBudget) */
  maxDurationMs?: number;
} = {}): Promise<{ config: EngineConfig; whatsapp: WhatsAppClient }> {
  let settings = getEngineSettings();
  if (options.maxDurationMs !== undefined) {
    const budget = planTimeBudget({ maxDurationMs: options.maxDurationMs, requestTimeoutMs: getEnv().WHATSAPP_REQUEST_TIMEOUT_MS, configuredBudgetMs: settings.timeBudgetMs });
    settings = { ...settings, timeBudgetMs: budget.sendBudgetMs, deadlineMs: budget.deadlineMs };
  }
  let messagingLimit = settings.messagingLimit;
  if (messagingLimit === undefined) {
    const row = await db.setting.findUnique({ where: { id: 1 }, select: { messagingLimitTier: true } });
    messagingLimit = messagingLimitForTier(row?.messagingLimitTier);
  }
  return { config: { ...settings, messagingLimit }, whatsapp: getWhatsAppClient() };
}

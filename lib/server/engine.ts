/**
 * Server-only adapter: the campaign engine's configuration from lib/env.ts, and the WhatsApp client.
 */
import "server-only";
import type { Db } from "@/lib/marketing/db";
import { getEnv, messagingLimitFromEnv } from "@/lib/env";
import { alertEndpointAllowsPrivateNetwork } from "@/lib/marketing/events/alert-endpoint";
import { effectiveMessagingLimit } from "@/lib/marketing/sending/account-health";
import { refreshMessagingLimit } from "@/lib/marketing/sending/refresh-messaging-limit";
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
    alertWebhookAllowPrivateNetwork: env.ALERT_WEBHOOK_URL !== undefined && alertEndpointAllowsPrivateNetwork({
      url: env.ALERT_WEBHOOK_URL, production: env.NODE_ENV === "production", explicitlyAllowed: env.ALERT_WEBHOOK_ALLOW_PRIVATE_NETWORK === "1",
    }),
  };
}

/**
 * The engine config: WHATSAPP_MESSAGING_LIMIT when set ("unlimited" → none), otherwise the messaging-limit
 * tier WhatsApp last reported for the number (settings.messaging_limit_tier: TIER_250, TIER_2K, TIER_10K,
 * TIER_100K, TIER_UNLIMITED → none), and before WhatsApp reported any, a new number's 250 unique
 * customers a day. For a processor run (`forRun`), the limit and quality are first read from WhatsApp
 * when they never were, then at most hourly (refreshMessagingLimit; a failed read is logged, never fatal).
 */
export async function getEngine(db: Db, options: {
  /** the calling route's maxDuration: the run's time budget fits inside it (see planTimeBudget) */
  maxDurationMs?: number;
  /** a processor run: read the messaging limit from WhatsApp first when it is due */
  forRun?: boolean;
  now?: Date;
} = {}): Promise<{ config: EngineConfig; whatsapp: WhatsAppClient }> {
  let settings = getEngineSettings();
  if (options.maxDurationMs !== undefined) {
    const budget = planTimeBudget({ maxDurationMs: options.maxDurationMs, requestTimeoutMs: getEnv().WHATSAPP_REQUEST_TIMEOUT_MS, configuredBudgetMs: settings.timeBudgetMs });
    settings = { ...settings, timeBudgetMs: budget.sendBudgetMs, deadlineMs: budget.deadlineMs };
  }
  const whatsapp = getWhatsAppClient();
  if (options.forRun) {
    const read = await refreshMessagingLimit({ db, now: options.now ?? new Date(), whatsapp });
    if (!read.ran && read.reason !== "read recently") console.warn("[engine] messaging limit not read from WhatsApp:", read.reason);
  }
  let messagingLimit = settings.messagingLimit;
  if (messagingLimit === undefined) {
    const row = await db.setting.findUnique({ where: { id: 1 }, select: { messagingLimitTier: true } });
    messagingLimit = effectiveMessagingLimit(undefined, row?.messagingLimitTier);
  }
  return { config: { ...settings, messagingLimit }, whatsapp };
}

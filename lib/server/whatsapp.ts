/**
 * Server-only adapter: THE WhatsApp client of this process, built from lib/env.ts (one per process so
 * its rate limiter is shared by every send of the process). In sandbox mode (no WHATSAPP_ACCESS_TOKEN)
 * it also starts an in-process pump that delivers the sandbox's due status events every few seconds,
 * so `npm run dev` shows the funnel moving; flushSandbox() does one round on demand (e.g. from the cron).
 */
import "server-only";
import { getDb } from "@/lib/db";
import { getEnv, isSandbox } from "@/lib/env";
import { withRetry } from "@/lib/marketing/db";
import { createWhatsAppClient } from "@/lib/whatsapp/create-client";
import { flushSandboxEvents, type SandboxDeliver } from "@/lib/whatsapp/sandbox";
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import { applyParsedWebhook, mergeParsedWebhooks, parseWebhookPayload, type ParsedWebhook, type WebhookLog, type WebhookSummary } from "@/lib/whatsapp/webhook/handle-webhook-payload";

const SANDBOX_PUMP_MS = 3_000;

const globalForWhatsApp = globalThis as unknown as { __whatsappClient?: WhatsAppClient; __sandboxPump?: ReturnType<typeof setInterval> };

export function getWhatsAppClient(): WhatsAppClient {
  if (!globalForWhatsApp.__whatsappClient) {
    const env = getEnv();
    globalForWhatsApp.__whatsappClient = createWhatsAppClient({
      apiUrl: env.WHATSAPP_API_URL,
      apiVersion: env.WHATSAPP_API_VERSION,
      phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
      accessToken: env.WHATSAPP_ACCESS_TOKEN,
      maxMps: env.WHATSAPP_MAX_MPS,
      timeoutMs: env.WHATSAPP_REQUEST_TIMEOUT_MS,
      db: getDb(),
      now: () => new Date(),
    });
  }
  if (globalForWhatsApp.__whatsappClient.mode === "sandbox") startSandboxPump();
  return globalForWhatsApp.__whatsappClient;
}

/**
 * The sandbox's webhooks go through the webhook handling like Meta's: each payload parsed (one that does
 * not parse is dropped and counted), then all applied in the flush's transaction.
 */
export function sandboxWebhookDeliverer({ now, timezone, log = console }: { now: Date; timezone: string; log?: WebhookLog }): SandboxDeliver<WebhookSummary> {
  return async (tx, payloads) => {
    const parsed: ParsedWebhook[] = [];
    let dropped = 0;
    for (const payload of payloads) {
      try {
        parsed.push(parseWebhookPayload(payload));
      } catch {
        dropped++;
      }
    }
    if (dropped > 0) log.warn("[sandbox] dropped sandbox events the webhook handling does not accept", { dropped });
    return { dropped, summary: await applyParsedWebhook({ tx, now, timezone, log }, mergeParsedWebhooks(parsed)) };
  };
}

/** Delivers the sandbox's due events now (no-op with a real WhatsApp account). */
export async function flushSandbox(now: Date = new Date()) {
  if (!isSandbox()) return { delivered: 0, dropped: 0, summary: null };
  const deliver = sandboxWebhookDeliverer({ now, timezone: getEnv().CAMPAIGN_TIMEZONE });
  return withRetry(() => flushSandboxEvents({ db: getDb(), now, deliver }));
}

function startSandboxPump() {
  if (globalForWhatsApp.__sandboxPump || process.env.NEXT_PHASE === "phase-production-build") return;
  let running = false;
  globalForWhatsApp.__sandboxPump = setInterval(() => {
    if (running) return;
    running = true;
    flushSandbox()
      .catch((error) => console.warn("[sandbox] flush failed:", error instanceof Error ? error.message : "unknown"))
      .finally(() => {
        running = false;
      });
  }, SANDBOX_PUMP_MS);
  globalForWhatsApp.__sandboxPump.unref?.();
}

/**
 * Server-only adapter: THE WhatsApp client of this process, built from lib/env.ts (one per process so
 * its rate limiter is shared by every send of the process). In sandbox mode (SANDBOX=1, or no WHATSAPP_ACCESS_TOKEN outside production)
 * it also starts an in-process pump that delivers the sandbox's due status events every few seconds,
 * so `npm run dev` shows the funnel moving; flushSandbox() does one round on demand (e.g. from the cron).
 */
import "server-only";
import { getDb, plainReadOf } from "@/lib/db";
import { getEnv, isSandbox, whatsappAccessToken } from "@/lib/env";
import { createWhatsAppClient } from "@/lib/whatsapp/create-client";
import { SANDBOX_ENGAGEMENT, SANDBOX_FAILURES } from "@/lib/whatsapp/sandbox";
import { flushSandbox as flushSandboxEvents } from "@/lib/marketing/delivery/flush-sandbox";
import { sendSlotLeaser } from "@/lib/marketing/sending/lease-send-slots";
import { createSharedPacer } from "@/lib/whatsapp/shared-pacer";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

const SANDBOX_PUMP_MS = 3_000;

const globalForWhatsApp = globalThis as unknown as { __whatsappClient?: WhatsAppClient; __sandboxPump?: ReturnType<typeof setInterval> };

export function getWhatsAppClient(): WhatsAppClient {
  if (!globalForWhatsApp.__whatsappClient) {
    const env = getEnv();
    // every process sending from this number (cron runs, Run now, test sends, other instances) shares one schedule
    const db = getDb();
    const pacer = env.WHATSAPP_PHONE_NUMBER_ID
      ? createSharedPacer({ perSecond: env.WHATSAPP_MAX_MPS, lease: sendSlotLeaser(db, env.WHATSAPP_PHONE_NUMBER_ID, plainReadOf(db)) })
      : undefined;
    globalForWhatsApp.__whatsappClient = createWhatsAppClient({
      apiUrl: env.WHATSAPP_API_URL,
      apiVersion: env.WHATSAPP_API_VERSION,
      phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
      accessToken: whatsappAccessToken(env),
      maxMps: env.WHATSAPP_MAX_MPS,
      timeoutMs: env.WHATSAPP_REQUEST_TIMEOUT_MS,
      db,
      now: () => new Date(),
      // the demo shows taps on tracked buttons and replies moving too
      sandboxEngagement: SANDBOX_ENGAGEMENT,
      sandboxFailures: sandboxFailures(env.SANDBOX_FAILURE_CODES),
      pacer,
    });
  }
  if (globalForWhatsApp.__whatsappClient.mode === "sandbox") startSandboxPump();
  return globalForWhatsApp.__whatsappClient;
}

/** Delivers the sandbox's due events now (no-op with a real WhatsApp account). */
export async function flushSandbox(now: Date = new Date()) {
  if (!isSandbox()) return { delivered: 0, summary: null };
  return flushSandboxEvents({ db: getDb(), now, timezone: getEnv().CAMPAIGN_TIMEZONE });
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

/** SANDBOX_FAILURE_CODES: only these of the sandbox's failure codes (with their usual weights). */
function sandboxFailures(codes: string | undefined) {
  if (codes === undefined) return undefined;
  const wanted = codes.split(",").map((c) => Number(c.trim()));
  const unknown = wanted.filter((c) => !SANDBOX_FAILURES.some(([code]) => code === c));
  if (unknown.length > 0) {
    throw new Error(`SANDBOX_FAILURE_CODES: the sandbox does not simulate ${unknown.join(", ")} (it knows ${SANDBOX_FAILURES.map(([c]) => c).join(", ")})`);
  }
  return SANDBOX_FAILURES.filter(([code]) => wanted.includes(code));
}

/**
 * Server-only adapter: THE WhatsApp client of this process, built from lib/env.ts (one per process so
 * its rate limiter is shared by every send of the process).
 */
import "server-only";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { createWhatsAppClient } from "@/lib/whatsapp/create-client";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

const globalForWhatsApp = globalThis as unknown as { __whatsappClient?: WhatsAppClient };

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
  return globalForWhatsApp.__whatsappClient;
}

/**
 * The WhatsApp client for a configuration: the Cloud API when an access token is configured,
 * otherwise the built-in sandbox.
 */
import type { PrismaClient as Db } from "@/lib/generated/prisma/client";
import { createCloudWhatsAppClient } from "./cloud-client";
import { createSandboxWhatsAppClient } from "./sandbox";
import type { WhatsAppClient } from "./types";

export type WhatsAppClientConfig = {
  apiUrl: string;
  apiVersion: string;
  phoneNumberId?: string;
  /** none → sandbox */
  accessToken?: string;
  maxMps: number;
  timeoutMs: number;
  /** the sandbox records its simulated events in the database */
  db: Db;
  now?: () => Date;
  fetch?: typeof fetch;
  /** sandbox only */
  random?: () => number;
};

export function createWhatsAppClient(config: WhatsAppClientConfig): WhatsAppClient {
  if (config.accessToken) {
    if (!config.phoneNumberId) throw new Error("WHATSAPP_PHONE_NUMBER_ID is required when WHATSAPP_ACCESS_TOKEN is set");
    return createCloudWhatsAppClient({
      apiUrl: config.apiUrl,
      apiVersion: config.apiVersion,
      phoneNumberId: config.phoneNumberId,
      accessToken: config.accessToken,
      maxMps: config.maxMps,
      timeoutMs: config.timeoutMs,
      fetch: config.fetch,
    });
  }
  return createSandboxWhatsAppClient({ db: config.db, now: config.now ?? (() => new Date()), random: config.random, maxMps: config.maxMps });
}

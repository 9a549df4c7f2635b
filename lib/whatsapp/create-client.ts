/**
 * The WhatsApp client for a configuration: the Cloud API when an access token is configured,
 * otherwise the built-in sandbox.
 */
import { createCloudWhatsAppClient } from "./cloud-client";
import { createSandboxWhatsAppClient, type SandboxEngagement, type SandboxEventStore, type SandboxOdds } from "./sandbox";
import type { SendPacer } from "./shared-pacer";
import type { WhatsAppClient } from "./types";

export type WhatsAppClientConfig = {
  apiUrl: string;
  apiVersion: string;
  phoneNumberId?: string;
  /** none → sandbox */
  accessToken?: string;
  maxMps: number;
  timeoutMs: number;
  /** the sandbox records its simulated events in the database (sandbox_events) */
  db: SandboxEventStore;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Cloud API only: the send schedule shared with the other processes sending from this number */
  pacer?: SendPacer;
  /** sandbox only */
  random?: () => number;
  /** sandbox only: overrides of SANDBOX_ODDS */
  sandboxOdds?: Partial<SandboxOdds>;
  /** sandbox only: the failure codes it simulates with their weights (default SANDBOX_FAILURES) */
  sandboxFailures?: ReadonlyArray<readonly [code: number, weight: number]>;
  /** sandbox only: simulate taps on tracked buttons and replies */
  sandboxEngagement?: SandboxEngagement | null;
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
      pacer: config.pacer,
    });
  }
  return createSandboxWhatsAppClient({ db: config.db, now: config.now ?? (() => new Date()), random: config.random, maxMps: config.maxMps, odds: config.sandboxOdds, failures: config.sandboxFailures, engagement: config.sandboxEngagement });
}

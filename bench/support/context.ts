/** What every scenario receives: options, the database, the production server, shared state. */
import type { Db } from "@/lib/marketing/db";
import type { Server } from "./server";

export type Options = {
  quick: boolean;
  customers: number;
  audience: number;
  processing: number;
  campaigns: number;
  baseline: number;
  /** messages of scenario 4 whose statuses scenario 5 posts */
  webhookMessages: number;
  webhookConcurrency: number;
  statusesPerPost: number;
  importBatch: number;
  importConcurrency: number;
  /** requests per endpoint in scenario 6 */
  samples: number;
  /** daily_send_limit of the audience campaign (scenarios 2, 3, 6) */
  dailyLimit: number;
  /** events applied in scenario 7's status-ingestion comparison, and the baseline's time cap */
  baselineEvents: number;
  baselineCapMs: number;
  /** scenarios 7c/7d: recipients of the applier's campaign, statuses per measurement, offered rate of 7d */
  applierRecipients: number;
  applierStatuses: number;
  applierRate: number;
  /** scenario 7e: statuses/s offered (one number at Meta's cap) */
  numberRate: number;
  /** scenario 4: EngineConfig.concurrency / batchSize (null = the engine's defaults) */
  sendConcurrency: number | null;
  batchSize: number | null;
  only: Set<string> | null;
  out: string;
};

export const API_TOKEN = "bench-marketing-token-0123456789abcdef";
export const APP_SECRET = "bench-app-secret-0123456789abcdef012345";
export const AUTH_SECRET = "bench-auth-secret-0123456789abcdef0123456789";
export const FIRST_PHONE = 12025500000n;
export const AUDIENCE_TAG = "newsletter";

export type Context = {
  opts: Options;
  db: Db;
  /** the bench database */
  url: string;
  server: Server | null;
  today: string;
  tomorrow: string;
  log: (message: string) => void;
  state: {
    audienceCampaignId?: string;
    /** scenario 4: per run, the campaigns it processed */
    processedSets: string[][];
  };
};

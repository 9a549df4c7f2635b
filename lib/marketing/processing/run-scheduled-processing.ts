/**
 * A scheduled run, the same for the cron route, the dashboard's "Run now" and the dev auto-processor: at
 * most hourly a template sync (a template Meta paused or disabled pauses its campaigns before anything is
 * sent), then the daily processing, then every endpoint's outbound events (never failing the run).
 */
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import type { Db, PlainRead } from "../db";
import type { EngineConfig } from "../engine-config";
import { deliverEvents } from "../events/deliver-events";
import { maybeSyncTemplates } from "../templates/sync-templates";
import type { Day } from "../time";
import { runDailyProcessing, type DailyProcessingResult, type ProcessingLog } from "./run-daily-processing";

export async function runScheduledProcessing({ db, read, now, whatsapp, config, templatesApi, date, startedAt, log = () => {} }: {
  db: Db; now: Date;
  /** a plain pg query on the client's pool, for the processor's most frequent statements (runDailyProcessing) */
  read?: PlainRead; whatsapp: WhatsAppClient; config: EngineConfig;
  /** the template library's source (null: not configured, no sync) */
  templatesApi: TemplatesApi | null;
  date?: Day;
  /** performance.now() when the request started (`now` is that instant): the time budget counts from it */
  startedAt?: number;
  log?: ProcessingLog;
}): Promise<DailyProcessingResult> {
  const t0 = startedAt ?? performance.now();
  const templates = await maybeSyncTemplates({ db, now, api: templatesApi });
  if (templates.ran && templates.paused_campaigns.length > 0) log("template sync paused campaigns", { paused_campaigns: templates.paused_campaigns });
  try {
    return await runDailyProcessing({ db, read, now, whatsapp, config, date, startedAt: t0, log });
  } finally {
    await deliverEvents({ db, now: new Date() });
  }
}

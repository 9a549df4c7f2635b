import { z } from "zod";
import { apiRoute, parseInput, queryObject } from "@/lib/http/api-route";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { ZDay } from "@/lib/marketing/time";
import { getEngine } from "@/lib/server/engine";
import { maybeSyncTemplates } from "@/lib/marketing/templates/sync-templates";
import { getTemplatesApi } from "@/lib/server/templates";
import { deliverEvents } from "@/lib/marketing/events/deliver-events";

export const dynamic = "force-dynamic";
// the run fits inside this (Vercel's Hobby limit): planTimeBudget keeps claiming and sending to
// min(PROCESSOR_TIME_BUDGET_MS, 60 s − margin − finishing − one request timeout), counted from the request's start
export const maxDuration = 60;

const ZQuery = z.object({ date: ZDay.optional() }).strict();

/** Vercel Cron calls GET (with Authorization: Bearer <CRON_SECRET>); integrations may POST. */
const handler = apiRoute({ auth: "cron", mutation: true }, async ({ db, now, query }) => {
  // the budget counts from the request's start (`now`), template sync included
  const startedAt = performance.now() - (Date.now() - now.getTime());
  const q = parseInput(ZQuery, queryObject(query));
  const { config, whatsapp } = await getEngine(db, { maxDurationMs: maxDuration * 1000, forRun: true, now });
  // at most hourly: a template Meta paused or disabled pauses its campaigns before anything is sent
  const templates = await maybeSyncTemplates({ db, now, api: getTemplatesApi() });
  if (templates.ran && templates.paused_campaigns.length > 0) console.info("[process-daily] template sync paused campaigns", JSON.stringify(templates.paused_campaigns));
  return runDailyProcessing({
    db, now, whatsapp, config, date: q.date, startedAt,
    log: (message, fields) => console.info(`[process-daily] ${message}`, fields ? JSON.stringify(fields) : ""),
  }).finally(() => deliverEvents({ db, now: new Date() })); // outbound events go at the end of every run (never throws)
});

export const GET = handler;
export const POST = handler;

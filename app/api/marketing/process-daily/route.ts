import { z } from "@/lib/zod";
import { plainReadOf } from "@/lib/db";
import { apiRoute, parseInput, queryObject, otherMethods } from "@/lib/http/api-route";
import { runScheduledProcessing } from "@/lib/marketing/processing/run-scheduled-processing";
import { ZDay } from "@/lib/marketing/time";
import { getEngine } from "@/lib/server/engine";
import { getTemplatesApi } from "@/lib/server/templates";

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
  return runScheduledProcessing({
    db, read: plainReadOf(db), now, whatsapp, config, templatesApi: getTemplatesApi(), date: q.date, startedAt,
    log: (message, fields) => console.info(`[process-daily] ${message}`, fields ? JSON.stringify(fields) : ""),
  });
});

export const GET = handler;
export const POST = handler;

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);

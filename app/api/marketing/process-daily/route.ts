import { z } from "zod";
import { apiRoute, parseInput, queryObject } from "@/lib/http/api-route";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { ZDay } from "@/lib/marketing/time";
import { getEngine } from "@/lib/server/engine";
import { maybeSyncTemplates } from "@/lib/marketing/templates/sync-templates";
import { getTemplatesApi } from "@/lib/server/templates";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

const ZQuery = z.object({ date: ZDay.optional() }).strict();

/** Vercel Cron calls GET (with Authorization: Bearer <CRON_SECRET>); integrations may POST. */
const handler = apiRoute({ auth: "cron", mutation: true }, async ({ db, now, query }) => {
  const q = parseInput(ZQuery, queryObject(query));
  const { config, whatsapp } = await getEngine(db, { forRun: true, now });
  // at most hourly: a template Meta paused or disabled pauses its campaigns before anything is sent
  const templates = await maybeSyncTemplates({ db, now, api: getTemplatesApi() });
  if (templates.ran && templates.paused_campaigns.length > 0) console.info("[process-daily] template sync paused campaigns", JSON.stringify(templates.paused_campaigns));
  return runDailyProcessing({
    db, now, whatsapp, config, date: q.date,
    log: (message, fields) => console.info(`[process-daily] ${message}`, fields ? JSON.stringify(fields) : ""),
  });
});

export const GET = handler;
export const POST = handler;

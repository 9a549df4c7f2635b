/**
 * Child process: one daily-processor instance (what one Vercel function invocation of
 * /api/marketing/process-daily does): its own database pool and its own Cloud API client (with its own
 * WHATSAPP_MAX_MPS rate limiter, and the send schedule shared with the others through the database), pointed at the fake Graph API. Waits for {"go":true}, then calls
 * runDailyProcessing until it reports nothing more to do, and answers with the totals and its peak RSS.
 */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { createDb, plainReadOf } from "@/lib/db";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { sendSlotLeaser } from "@/lib/marketing/sending/lease-send-slots";
import { createCloudWhatsAppClient } from "@/lib/whatsapp/cloud-client";
import { createSharedPacer } from "@/lib/whatsapp/shared-pacer";
import { ownPeakRssMb } from "./memory";
import { onParentMessage, toParent } from "./children";

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};

// BENCH_TRACE_DIR: the processor's log, each line with its time since start (ms), to see where a run waits
const traceFile = process.env.BENCH_TRACE_DIR ? path.join(process.env.BENCH_TRACE_DIR, `processor-${process.pid}.log`) : null;
const traceStart = performance.now();
const trace = (message: string, fields?: Record<string, unknown>) => {
  if (traceFile) appendFileSync(traceFile, `${(performance.now() - traceStart).toFixed(0)}\t${message}\t${JSON.stringify(fields ?? {})}\n`);
};

// a processor profiled with --cpu-prof (BENCH_PROCESSOR_NODE_FLAGS) writes its profile while it exits: the
// parent's SIGTERM must not cut that short
if (process.execArgv.includes("--cpu-prof")) process.on("SIGTERM", () => {});

try {
  const db = createDb(env("DATABASE_URL"), { max: Number(process.env.DATABASE_POOL_MAX ?? "10") });
  await db.$queryRaw`SELECT 1`;
  // the pool's plain query, for the leases and the marks (runDailyProcessing)
  const read = plainReadOf(db);
  // every block of instants this processor leased (the schedule's clock, ms): the parent checks the schedule
  // itself never handed out more than the cap in any second, whatever the fake's log shows
  const leases: Array<[firstAt: number, slots: number, intervalMs: number]> = [];
  const leaseSlots = sendSlotLeaser(db, "1098765432", read);
  const pacer = createSharedPacer({
    perSecond: Number(env("WHATSAPP_MAX_MPS")),
    lease: async (slots, intervalMs) => {
      const answer = await leaseSlots(slots, intervalMs);
      leases.push([answer.firstAt, slots, intervalMs]);
      return answer;
    },
  });
  // the shared schedule's instants this processor leased, used and gave up, once a second
  if (traceFile) setInterval(() => trace("slots", pacer.slots), 1000).unref();
  const whatsapp = createCloudWhatsAppClient({
    apiUrl: env("WHATSAPP_API_URL"), apiVersion: "v23.0", phoneNumberId: "1098765432", accessToken: "bench-access-token",
    maxMps: Number(env("WHATSAPP_MAX_MPS")), timeoutMs: 15_000,
    // the send schedule shared with the other processors, as the app's client does
    pacer,
  });
  const config = {
    timezone: "UTC", messagingLimit: null, timeBudgetMs: Number(process.env.PROCESSOR_TIME_BUDGET_MS ?? "50000"),
    // unset = the engine's defaults (ENGINE_DEFAULTS)
    ...(process.env.BENCH_SEND_CONCURRENCY ? { concurrency: Number(process.env.BENCH_SEND_CONCURRENCY) } : {}),
    ...(process.env.BENCH_BATCH_SIZE ? { batchSize: Number(process.env.BENCH_BATCH_SIZE) } : {}),
  };
  toParent({ ready: true });
  onParentMessage((m) => {
    if (!m.go) return;
    void (async () => {
      const t0 = performance.now();
      trace("go");
      const totals = { calls: 0, sent: 0, failed: 0, skipped: 0, unknown: 0, retried: 0 };
      for (;;) {
        const r = await runDailyProcessing({ db, read, now: new Date(), whatsapp, config, log: trace });
        totals.calls++;
        totals.sent += r.messages_sent;
        totals.failed += r.failed;
        totals.skipped += r.skipped;
        totals.unknown += r.unknown;
        totals.retried += r.retried;
        trace("call ended", { sent: r.messages_sent, has_more: r.has_more });
        if (!r.has_more) break;
      }
      const ms = performance.now() - t0;
      await db.$disconnect();
      toParent({ done: true, ms, ...totals, peakRssMb: ownPeakRssMb(), leases });
      process.exit(0);
    })().catch((error: unknown) => {
      toParent({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      process.exit(1);
    });
  });
} catch (error) {
  toParent({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(1);
}

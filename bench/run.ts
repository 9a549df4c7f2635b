/**
 * `npm run bench [-- --quick] [-- --customers N ...]`: builds a dataset in a fresh embedded PostgreSQL
 * (durable: fsync, synchronous_commit and full_page_writes on), runs the scenarios, prints one
 * table and writes bench/results/latest.json. Measurements, never assertions: targets are printed next to
 * the figures for reference. See README "Performance" and `--help`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db";
import { Prisma, type Db } from "@/lib/marketing/db";
import { insertCustomers } from "@/lib/demo/factories";
import { addDays, dayInZone } from "@/lib/marketing/time";
import { ensureDatabase, freePort, startEmbeddedPostgres } from "../scripts/embedded-postgres";
import { addAudience, activateAudience } from "./scenarios/audience";
import { applierScenarios } from "./scenarios/applier";
import { baseline } from "./scenarios/baseline";
import { importCustomers } from "./scenarios/import-customers";
import { processing } from "./scenarios/processing";
import { readLatency } from "./scenarios/read-latency";
import { webhookIngestion } from "./scenarios/webhook";
import { API_TOKEN, APP_SECRET, AUDIENCE_TAG, AUTH_SECRET, FIRST_PHONE, type Context, type Options } from "./support/context";
import { renderMarkdown, renderTable, writeJson, type BenchResult } from "./support/report";
import { postgresProcesses, watchInEveryScenario } from "./support/memory";
import { ensureBuild, startServer, type Server } from "./support/server";

const HELP = `npm run bench -- [flags]
  --quick                 1/20 of the default sizes (development)
  --customers N           scenario 1: customers imported through the API (default 1,000,000)
  --audience N            scenarios 2, 3, 6: customers matching the campaign's audience (default = customers)
  --processing N          scenario 4: recipients due today (default 100,000)
  --campaigns N           scenario 4: campaigns they are spread over (default 20)
  --baseline N            scenario 7: recipients of the side-by-side comparison (default 100,000)
  --applier-recipients N  scenarios 7c–7e: recipients of the applier's campaign (default 1,000,000, at most --customers)
  --applier-statuses N    scenarios 7c, 7d: statuses applied in each, a third of it in 7e (default 300,000)
  --applier-rate N        scenario 7d: statuses/s offered while the applier works (default 10,000)
  --number-rate N         scenarios 5e, 7e: one number's rate of statuses (default 3,000: 1,000 msg/s × sent, delivered, read)
  --webhook-messages N    scenarios 5, 5e: messages of scenario 4 whose sent/delivered/read statuses are posted in each (default 20,000)
  --webhook-concurrency N scenarios 5, 5e: concurrent HTTP clients (default 8)
  --statuses-per-post N   scenarios 5, 7: statuses in one webhook POST (default 20)
  --import-concurrency N  scenario 1: concurrent import requests (default 1)
  --send-concurrency N    scenario 4: EngineConfig.concurrency of the processors (default: the engine's, 64)
  --batch-size N          scenario 4: EngineConfig.batchSize (default: the engine's, 500)
  --samples N             scenario 6: requests per API endpoint (default 200)
  --daily-limit N         scenarios 2, 3: daily_send_limit of the audience campaign (default 10,000)
  --only 1,2,4c           run only these scenarios (the dataset is built regardless)
  --out FILE              JSON results (default bench/results/latest.json)

Environment: BENCH_PG_SETTINGS="name=value,name=value" adds PostgreSQL settings for a profile, e.g.
  shared_preload_libraries=auto_explain,auto_explain.log_min_duration=100,auto_explain.log_analyze=on
  and BENCH_PG_LOG=FILE keeps the server's log there (never for figures you publish: logging slows the database);
  BENCH_PG_STATEMENTS=FILE loads pg_stat_statements and writes there, per scenario, the statements that took
  the most time in PostgreSQL (calls, total, mean, rows): where a scenario's database time goes`;

/** BENCH_PG_SETTINGS: extra PostgreSQL settings for profiling runs (see --help); BENCH_PG_STATEMENTS adds pg_stat_statements */
function extraPostgresSettings(): Record<string, string> {
  const raw = process.env.BENCH_PG_SETTINGS?.trim();
  const settings: Record<string, string> = raw ? Object.fromEntries(raw.split(",").map((kv) => {
    const i = kv.indexOf("=");
    if (i <= 0) throw new Error(`BENCH_PG_SETTINGS: "${kv}" is not name=value`);
    return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
  })) : {};
  if (statementsFile) {
    settings.shared_preload_libraries = [settings.shared_preload_libraries, "pg_stat_statements"].filter(Boolean).join(",");
    settings["pg_stat_statements.track"] = "all";
    settings["pg_stat_statements.track_planning"] = "on";
  }
  return settings;
}

/** BENCH_PG_STATEMENTS: where each scenario's heaviest statements are written (see --help) */
const statementsFile = process.env.BENCH_PG_STATEMENTS || null;

async function writeTopStatements(db: Db, scenario: string) {
  if (!statementsFile) return;
  type Row = { calls: bigint; total: number; mean: number; plan: number; rows: bigint; query: string };
  const top = (order: Prisma.Sql) => db.$queryRaw<Row[]>(Prisma.sql`
    SELECT calls, total_exec_time AS total, mean_exec_time AS mean, total_plan_time AS plan, rows, regexp_replace(query, '[[:space:]]+', ' ', 'g') AS query
    FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY ${order} DESC LIMIT 25`);
  const line = (r: Row) => `${Math.round(r.total)} ms\t${r.calls} calls\t${r.mean.toFixed(2)} ms\tplan ${Math.round(r.plan)} ms\t${r.rows} rows\t${r.query.slice(0, 400)}`;
  const [sum] = await db.$queryRaw<Array<{ exec: number; plan: number; calls: bigint }>>`
    SELECT coalesce(sum(total_exec_time), 0)::float8 AS exec, coalesce(sum(total_plan_time), 0)::float8 AS plan, coalesce(sum(calls), 0)::bigint AS calls
    FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'`;
  const byExec = await top(Prisma.sql`total_exec_time`);
  const byPlan = (await top(Prisma.sql`total_plan_time`)).slice(0, 10);
  fs.appendFileSync(statementsFile, `\n## scenario ${scenario}\n` +
    `all statements: ${sum.calls} calls, executing ${Math.round(sum.exec)} ms, planning ${Math.round(sum.plan)} ms\n` +
    byExec.map(line).join("\n") + "\n### most planning time\n" + byPlan.map(line).join("\n") + "\n");
  await db.$queryRaw`SELECT pg_stat_statements_reset()`;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false }, help: { type: "boolean", default: false },
      customers: { type: "string" }, audience: { type: "string" }, processing: { type: "string" }, campaigns: { type: "string" },
      baseline: { type: "string" }, "applier-recipients": { type: "string" }, "applier-statuses": { type: "string" }, "applier-rate": { type: "string" }, "number-rate": { type: "string" },
      "webhook-messages": { type: "string" }, "webhook-concurrency": { type: "string" },
      "statuses-per-post": { type: "string" }, "import-concurrency": { type: "string" }, samples: { type: "string" },
      "daily-limit": { type: "string" }, "send-concurrency": { type: "string" }, "batch-size": { type: "string" }, only: { type: "string" }, out: { type: "string" },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const q = values.quick ? 20 : 1;
  const int = (v: string | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v.replaceAll(/[_,]/g, ""));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive integer: ${v}`);
    return n;
  };
  const customers = int(values.customers, 1_000_000 / q);
  const processingN = int(values.processing, 100_000 / q);
  return {
    quick: values.quick ?? false,
    customers,
    audience: Math.min(customers, int(values.audience, customers)),
    processing: processingN,
    campaigns: int(values.campaigns, 20),
    baseline: Math.min(customers, int(values.baseline, 100_000 / q)),
    webhookMessages: Math.min(processingN, int(values["webhook-messages"], 20_000 / q)),
    webhookConcurrency: int(values["webhook-concurrency"], 8),
    statusesPerPost: int(values["statuses-per-post"], 20),
    importBatch: 10_000,
    importConcurrency: int(values["import-concurrency"], 1),
    samples: int(values.samples, values.quick ? 50 : 200),
    dailyLimit: Math.min(100_000, int(values["daily-limit"], 10_000)),
    baselineEvents: values.quick ? 3_000 : 30_000,
    baselineCapMs: values.quick ? 5_000 : 20_000,
    applierRecipients: Math.min(customers, int(values["applier-recipients"], 1_000_000 / q)),
    applierStatuses: int(values["applier-statuses"], 300_000 / q),
    applierRate: int(values["applier-rate"], 10_000),
    numberRate: int(values["number-rate"], 3_000),
    sendConcurrency: values["send-concurrency"] ? int(values["send-concurrency"], 64) : null,
    batchSize: values["batch-size"] ? int(values["batch-size"], 500) : null,
    only: values.only ? new Set(values.only.split(",").map((s) => s.trim())) : null,
    out: values.out ?? "bench/results/latest.json",
  };
}

function sh(cmd: string): string {
  const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
  return (r.stdout ?? "").trim();
}

function machine() {
  const mem = /Mem:\s+(\d+)\s+(\d+)\s+(\d+)/.exec(sh("free -g"));
  return {
    nproc: Number(sh("nproc")) || os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "?",
    memoryGb: mem ? { total: Number(mem[1]), used: Number(mem[2]), free: Number(mem[3]) } : null,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main() {
  const opts = parseOptions();
  const selected = (id: string) => !opts.only || opts.only.has(id) || [...opts.only].some((o) => o.startsWith(id) || id.startsWith(o));
  const started = Date.now();
  const host = machine();
  log(`sizes: customers ${opts.customers}, audience ${opts.audience}, processing ${opts.processing} / ${opts.campaigns} campaigns, baseline ${opts.baseline}${opts.quick ? " (--quick)" : ""}`);
  log(`machine: ${host.nproc} cores (${host.cpu}), ${host.memoryGb?.total ?? "?"} GB, node ${host.node}, load ${host.loadAverage.join(" ")}`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wac-bench-"));
  const cleanup: Array<() => Promise<void>> = [async () => fs.rmSync(tmp, { recursive: true, force: true })];
  const results: BenchResult[] = [];
  let pgVersion = "?";
  let build: string = "not needed";
  try {
    const pg = await startEmbeddedPostgres({ dir: path.join(tmp, "data"), persistent: false, durable: true, quiet: true,
      // commit times: the lag from a status's 200 to its recipient's commit (bench/support/lag.ts)
      settings: { track_commit_timestamp: "on", ...extraPostgresSettings() }, logFile: process.env.BENCH_PG_LOG || undefined });
    cleanup.unshift(() => pg.stop().catch(() => {}));
    // every scenario reports PostgreSQL's largest process (postmaster or backend) and, when it runs, the server
    watchInEveryScenario("postgres", postgresProcesses(pg.port));
    await ensureDatabase(pg.url("postgres"), "wac_bench");
    const url = pg.url("wac_bench");
    const migrate = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
    if (migrate.status !== 0) throw new Error(`migrate deploy failed:\n${migrate.stdout}${migrate.stderr}`);
    const db = createDb(url, { max: 10 });
    cleanup.unshift(() => db.$disconnect());
    if (statementsFile) {
      await db.$executeRawUnsafe("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      fs.writeFileSync(statementsFile, `# heaviest statements per scenario (pg_stat_statements), ${new Date().toISOString()}\n`);
    }
    const [v] = await db.$queryRaw<Array<{ version: string; fsync: string; sync: string }>>`
      SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync`;
    pgVersion = v.version;
    log(`PostgreSQL ${v.version} (embedded, fsync=${v.fsync}, synchronous_commit=${v.sync}) in ${tmp}`);

    let server: Server | null = null;
    if (["1", "5", "6"].some(selected)) {
      const t0 = Date.now();
      build = await ensureBuild(log);
      if (build === "built") build = `built in ${Math.round((Date.now() - t0) / 1000)} s`;
      const port = await freePort();
      server = await startServer({
        DATABASE_URL: url, AUTH_SECRET, NEXTAUTH_URL: `http://127.0.0.1:${port}`, MARKETING_API_TOKEN: API_TOKEN,
        WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_ACCESS_TOKEN: "bench-access-token-0123456789abcdef0123", WHATSAPP_VERIFY_TOKEN: "bench-verify-token-0123456789abcdef0123", CRON_SECRET: "bench-cron-secret-0123456789abcdef01234", WHATSAPP_PHONE_NUMBER_ID: "1098765432",
        WHATSAPP_API_URL: "http://127.0.0.1:9", WHATSAPP_MESSAGING_LIMIT: "unlimited", CAMPAIGN_TIMEZONE: "UTC",
      }, path.join(tmp, "server.log"), port);
      const s = server;
      cleanup.unshift(() => s.stop());
      watchInEveryScenario("server", () => [s.pid]);
      log(`production server (next start) on ${server.url}, pid ${server.pid}; build: ${build}`);
    }

    const today = dayInZone(new Date(), "UTC");
    const ctx: Context = { opts, db, url, server, today, tomorrow: addDays(today, 1), log, state: { processedSets: [] } };
    const run = async (id: string, fn: (c: Context) => Promise<BenchResult[]>, also: string[] = []) => {
      if (![id, ...also].some(selected)) return;
      log(`scenario ${id} …`);
      try {
        await writeTopStatements(db, "before " + id);
        results.push(...(await fn(ctx)));
        await writeTopStatements(db, id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`scenario ${id} failed: ${message}`);
        results.push({ id, scenario: `(failed) ${fn.name}`, size: "", wallMs: NaN, peakRssMb: {}, notes: [message.slice(0, 500)] });
      }
    };

    if (selected("1")) await run("1", importCustomers);
    else {
      await insertCustomers(db, { count: opts.customers, firstPhone: FIRST_PHONE, unsubscribedShare: 0, fixed: { tags: [AUDIENCE_TAG] } });
      log(`dataset: ${opts.customers} customers by the factory (scenario 1 not selected)`);
    }
    await run("2", addAudience, ["3"]); // scenario 3 activates the campaign scenario 2 fills
    await run("3", activateAudience);
    await run("4", processing);
    await run("5", webhookIngestion);
    await run("6", readLatency);
    await run("7", baseline);
    await run("7c", applierScenarios, ["7d", "7e"]);
  } finally {
    const serverLog = path.join(tmp, "server.log");
    if (fs.existsSync(serverLog)) {
      fs.mkdirSync(path.dirname(opts.out), { recursive: true });
      fs.copyFileSync(serverLog, path.join(path.dirname(opts.out), "server.log"));
    }
    for (const f of cleanup) await f().catch(() => {});
  }

  const totalS = Math.round((Date.now() - started) / 1000);
  const end = machine();
  console.log("");
  console.log(renderTable(results));
  console.log("");
  console.log(`PostgreSQL ${pgVersion} embedded, durable (fsync, synchronous_commit, full_page_writes on); ${host.nproc} cores, ${host.memoryGb?.total ?? "?"} GB; node ${host.node}; `
    + `load average ${host.loadAverage.join(" ")} at start, ${end.loadAverage.join(" ")} at end; total ${totalS} s.`);
  for (const r of results) for (const n of r.notes ?? []) console.log(`  ${r.id}: ${n}`);
  writeJson(opts.out, {
    date: new Date().toISOString(), options: { ...opts, only: opts.only ? [...opts.only] : null },
    machine: { ...host, loadAverageAtEnd: end.loadAverage, postgres: pgVersion, durable: true }, build, totalSeconds: totalS,
    results, markdown: renderMarkdown(results),
  });
  console.log(`\nresults: ${opts.out}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * Child process of scenarios 7c–7e: the webhook route's store and the applier, in-process in one node
 * process of their own (as in one server instance), so the process measured holds what they hold and
 * nothing the benchmark built before. Talks JSON lines (bench/support/children.ts):
 *  - {load}: reads the campaign's three disjoint sets of sent messages (every other row of the first
 *    2 × PER_RUN in a random order, and the next PER_RUN / 3 for 7e's paced stream);
 *  - {store: "drain"}: stores the first set's statuses (a payload at a time by each of `clients` clients, through
 *    the route's batched store: the payloads that arrive while its inserts are busy share one);
 *  - {apply: true}: one applyInbox drain;
 *  - {stream: "stream" | "paced", rate?}: stores that set's statuses paced at `rate` statuses/s (RATE by
 *    default) while the applier works as in the route (one applier per process, asked again after every answer);
 *  - {lag: true}: then the lag per status (read from commit times once the stream's memory was measured).
 * Each answer carries the process's peak RSS since the previous answer (its high-water mark is reset).
 * The statuses of a payload are built when it is stored; only their keys and answer times are kept.
 */
import { createDb } from "@/lib/db";
import { Prisma } from "@/lib/marketing/db";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { inboxRowsOf } from "@/lib/marketing/delivery/store-webhook-delivery";
import { applyInboxSoon } from "@/lib/server/inbox-applier";
import { inboxStoreOf } from "@/lib/server/inbox-store";
import { statusPayload, statusStream } from "../scenarios/webhook";
import { onParentMessage, toParent } from "./children";
import { statusKey, statusLag } from "./lag";
import { ownPeakRssMb, resetHwm } from "./memory";

type Msg = { id: string; wamid: string; phone: string };

const quiet = { warn: () => {}, info: () => {} };
const num = (k: string) => {
  const v = Number(process.env[k]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${k} is not set`);
  return v;
};

/** the next answer reports the peak from here (where not allowed: since the process started) */
const resetPeak = () => void resetHwm(process.pid);

// profiled with --cpu-prof (BENCH_APPLIER_NODE_FLAGS): the profile is written on a normal exit, which the
// parent's SIGTERM would otherwise skip
if (process.execArgv.includes("--cpu-prof")) process.on("SIGTERM", () => process.exit(0));

const db = createDb(process.env.DATABASE_URL!, { max: 10 });
// the route's store (app/api/whatsapp/webhook/route.ts): the one insert, prepared, on the client's own pool,
// shared by the deliveries that arrive while the process's inserts are busy (lib/server/inbox-store.ts)
const store = (payload: unknown) => inboxStoreOf(db)(inboxRowsOf(payload));
const campaignId = process.env.CAMPAIGN_ID!;
const perRun = num("PER_RUN");
const perPost = num("STATUSES_PER_POST");
const clients = num("CLIENTS");
const defaultRate = num("RATE");
const lagBy = Math.max(1, Math.floor((perPost * clients) / 3));
let sets: { drain: Msg[]; stream: Msg[]; paced: Msg[] } | null = null;
let streamed: { answeredAt: Map<string, number>; startedAt: number; offeredMs: number } | null = null;

/** the statuses of `msgs` as Meta sends them, cut into payloads of `perPost` */
function payloadsOf(msgs: Msg[]) {
  const events = statusStream(msgs, lagBy, Date.now() - 60_000);
  return { events: events.length, count: Math.ceil(events.length / perPost), at: (i: number) => events.slice(i * perPost, (i + 1) * perPost) };
}

async function handle(m: Record<string, unknown>) {
  if (m.load) {
    const rows = await db.$queryRaw<Msg[]>(Prisma.sql`
      SELECT id::text AS id, whatsapp_message_id AS wamid, phone_number AS phone FROM campaign_recipients
      WHERE campaign_id = ${campaignId}::uuid ORDER BY md5(id::text) LIMIT ${2 * perRun + Math.ceil(perRun / 3)}::int`);
    const first = rows.slice(0, 2 * perRun);
    sets = { drain: first.filter((_, i) => i % 2 === 0), stream: first.filter((_, i) => i % 2 === 1), paced: rows.slice(2 * perRun) };
    resetPeak();
    return { loaded: rows.length };
  }
  if (!sets) throw new Error("load first");
  if (m.store) {
    const p = payloadsOf(sets.drain);
    sets.drain = [];
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = next++; i < p.count; i = next++) await store(statusPayload(p.at(i)));
    }));
    const ms = performance.now() - t0;
    const peakRssMb = ownPeakRssMb();
    resetPeak();
    return { stored: p.events, ms, peakRssMb };
  }
  if (m.apply) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await applyInbox({ db, now: new Date(), timezone: "UTC", log: quiet });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const peakRssMb = ownPeakRssMb();
    resetPeak();
    // the process's own CPU over the drain (user + system): what the applier costs beside PostgreSQL's
    return { applied: r.applied, waiting: r.waiting, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb };
  }
  if (m.stream === "stream" || m.stream === "paced") {
    const set = m.stream;
    const p = payloadsOf(sets[set]);
    sets[set] = [];
    const rate = typeof m.rate === "number" && m.rate > 0 ? m.rate : defaultRate;
    const answeredAt = new Map<string, number>();
    const apply = async () => {
      await applyInbox({ db, now: new Date(), timezone: "UTC", log: quiet });
    };
    const interval = (1000 * perPost) / rate;
    const t0 = performance.now();
    const startedAt = Date.now();
    let next = 0;
    let late = 0;
    const appliers: Array<Promise<void>> = [];
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = next++; i < p.count; i = next++) {
        const wait = t0 + i * interval - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else if (wait < -interval) late++;
        const events = p.at(i);
        await store(statusPayload(events));
        const at = Date.now();
        for (const e of events) answeredAt.set(statusKey(e.m.wamid, e.status), at);
        appliers.push(applyInboxSoon(apply));
      }
    }));
    const offeredMs = performance.now() - t0;
    await Promise.all(appliers);
    await apply(); // whatever the last run left (it is idempotent)
    const peakRssMb = ownPeakRssMb();
    streamed = { answeredAt, startedAt, offeredMs };
    return { events: p.events, offeredMs, late, peakRssMb };
  }
  if (m.lag) {
    // measured after the stream (its memory watch has stopped): commit times of every status stored
    if (!streamed) throw new Error("stream first");
    const { answeredAt, startedAt, offeredMs } = streamed;
    const lag = await statusLag(db, answeredAt);
    return { spanMs: Number.isFinite(lag.lastCommitMs) ? lag.lastCommitMs - startedAt : offeredMs, lag };
  }
  throw new Error(`unknown message ${JSON.stringify(m)}`);
}

let queue = Promise.resolve();
onParentMessage((m) => {
  queue = queue.then(async () => toParent({ ...(await handle(m)), done: true })).catch((error: unknown) => {
    toParent({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    process.exit(1);
  });
});
toParent({ ready: true });

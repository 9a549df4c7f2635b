/**
 * Concurrency: the call patterns Vercel Cron and Meta really produce, through the real route
 * handler (GET /api/marketing/process-daily with CRON_SECRET) or real processes:
 *  - 4 processors as separate OS processes at once on the same day's work;
 *  - the same cron delivery twice at once, and again later; a slow run overlapped by the next one;
 *  - a failed run that is never retried: the next scheduled run (a day later) catches up, nothing stranded;
 *  - status webhooks (duplicated, reordered, some before our own write) concurrent with the processor.
 * Each: no phone twice per campaign (the fake Graph API's request log), limits held, counters = recount.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import { SECRETS } from "../support/secrets-env";
import { checkConsistency, maxAttemptsPerDay, seedCustomers, setClock, setupEngineTest, strandedCount, type EngineTest } from "./support";
import { callRoute, loadRoutes, logFigures, type RouteFile } from "../support/routes";
import { statusesPayload, type StatusInput } from "../whatsapp/fixtures";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";

let e: EngineTest;
let processDaily: RouteFile;
const figures = { cronDeliveries: 0, processes: 0, webhookBatches: 0, duplicatesFound: 0, fiveXx: 0 };
let base = 14000000000;

beforeAll(async () => {
  e = await setupEngineTest({ poolMax: 20 });
  processDaily = (await loadRoutes()).find((r) => r.file === "app/api/marketing/process-daily/route.ts")!;
});
afterAll(async () => {
  logFigures("cron-concurrency", figures);
  await e?.stop();
});
beforeEach(async () => {
  vi.useRealTimers();
  e.graph.reset();
  await e.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status IN ('active', 'paused')`;
});

async function campaignWith(n: number, limit: number, start: string) {
  const before = new Date(Date.parse(`${start}T00:00:00Z`) - 86_400_000);
  const b = base;
  base += 100_000;
  await seedCustomers(e.db, n, { base: b });
  const c = await createCampaign({ db: e.db, now: before, input: { name: `cron ${b}`, template_name: "promo", daily_send_limit: limit } });
  await addRecipients({ db: e.db, now: before, timezone: "UTC", campaignId: c.id, phoneNumbers: Array.from({ length: n }, (_, i) => String(b + i + 1)) });
  await activateCampaign({ db: e.db, now: before, timezone: "UTC", campaignId: c.id, startDate: start });
  return c.id;
}

/** a Vercel Cron delivery at `iso` (the route reads the clock) */
async function cron(iso: string) {
  setClock(iso);
  figures.cronDeliveries++;
  const res = await callRoute(processDaily, { method: "GET", headers: { authorization: `Bearer ${SECRETS.CRON_SECRET}`, "user-agent": "vercel-cron/1.0" } });
  if (res.status >= 500) figures.fiveXx++;
  return res;
}

function expectNoDuplicates() {
  const seen = new Map<string, number>();
  for (const s of e.graph.sends) seen.set(s.to!, (seen.get(s.to!) ?? 0) + 1);
  const dups = [...seen.values()].filter((n) => n > 1).length;
  figures.duplicatesFound += dups;
  expect(dups).toBe(0);
  return seen.size;
}

async function expectConsistent(campaignId: string) {
  const s = await checkConsistency(e.db, campaignId);
  expect(s.counters).toEqual(s.recount);
  expect(s.scheduleMismatches).toBe(0);
}

describe("processors in separate processes", () => {
  it("4 OS processes at once on the same day's work: each recipient exactly once, the daily limit held", async () => {
    const id = await campaignWith(300, 200, "2025-08-01");
    e.graph.setLatency(15);
    const children = [0, 1, 2, 3].map(() => new Promise<string>((resolve, reject) => {
      const out: string[] = [];
      const child = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "processor-child.ts")], {
        env: { ...process.env, DATABASE_URL: e.t.url, WA_API_URL: e.graph.url, NOW: "2025-08-01T10:00:00Z" }, stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.on("data", (d: Buffer) => out.push(d.toString()));
      child.stderr.on("data", (d: Buffer) => out.push(d.toString()));
      child.on("exit", (code) => (code === 0 ? resolve(out.join("")) : reject(new Error(`child exited ${code}: ${out.join("")}`))));
    }));
    figures.processes += 4;
    const outputs = await Promise.all(children);
    const sent = outputs.map((o) => Number(/"sent":(\d+)/.exec(o)?.[1] ?? "NaN"));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(200);
    expect(expectNoDuplicates()).toBe(200);
    expect(await maxAttemptsPerDay(e.db, id)).toBe(200);
    await expectConsistent(id);
  }, 90_000);
});

describe("Vercel Cron call patterns (through the route handler)", () => {
  it("the same delivery twice at once, and again a minute later: nobody twice, the limit held", async () => {
    const id = await campaignWith(150, 100, "2025-08-10");
    e.graph.setLatency(10);
    setClock("2025-08-10T09:00:00Z");
    const headers = { authorization: `Bearer ${SECRETS.CRON_SECRET}` };
    const [a, b] = await Promise.all([callRoute(processDaily, { method: "GET", headers }), callRoute(processDaily, { method: "GET", headers })]);
    figures.cronDeliveries += 2;
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((a.json as { messages_sent: number }).messages_sent + (b.json as { messages_sent: number }).messages_sent).toBe(100);
    expect((await cron("2025-08-10T09:01:00Z")).json).toMatchObject({ messages_sent: 0 });
    expect(expectNoDuplicates()).toBe(100);
    expect(await maxAttemptsPerDay(e.db, id)).toBe(100);
    await expectConsistent(id);
  });

  it("a slow run overlapped by the next scheduled run: they share the work, nobody twice", async () => {
    // five claim batches of 500: the first run is still claiming when the second has started (with three, a
    // slow start of the second under a loaded machine found the pipelined first run's last claim taken). At
    // 30 ms a send the first run sent all 2,500 before the second's first claim once, on a clean-clone CI run
    // beside other test runs: at 100 ms the whole test takes ~3.4 s here, and the second run has that long to claim
    const id = await campaignWith(2500, 2500, "2025-08-20");
    e.graph.setLatency(100);
    setClock("2025-08-20T09:00:00Z");
    const headers = { authorization: `Bearer ${SECRETS.CRON_SECRET}` };
    const slow = callRoute(processDaily, { method: "GET", headers });
    while (e.graph.sends.length < 10) await new Promise((r) => setTimeout(r, 5)); // the first run is mid-way
    const next = callRoute(processDaily, { method: "GET", headers });
    const [r1, r2] = await Promise.all([slow, next]);
    figures.cronDeliveries += 2;
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(200);
    const total = (r1.json as { messages_sent: number }).messages_sent + (r2.json as { messages_sent: number }).messages_sent;
    expect(total).toBe(2500);
    expect((r2.json as { messages_sent: number }).messages_sent).toBeGreaterThan(0); // the overlap really shared work
    expect(expectNoDuplicates()).toBe(2500);
    await expectConsistent(id);
  });

  it("a failed run is never retried: the next day's run catches up within the limit, nothing stranded", async () => {
    const id = await campaignWith(90, 30, "2025-09-01");
    // day 1: WhatsApp is down (HTTP 503 with an error body: retryable) — the run sends nothing
    e.graph.script({ error: { code: 131000, httpStatus: 503, title: "Something went wrong" } });
    const failed = await cron("2025-09-01T09:00:00Z");
    expect(failed.status).toBe(200);
    expect((failed.json as { messages_sent: number }).messages_sent).toBe(0);
    e.graph.reset();
    // day 2: the cron never came. Day 3: one run.
    const day3 = await cron("2025-09-03T09:00:00Z");
    expect(day3.status).toBe(200);
    expect((day3.json as { messages_sent: number }).messages_sent).toBe(30); // the daily limit, not 90
    expect(await strandedCount(e.db, "2025-09-03")).toBe(0);
    await expectConsistent(id);
    // then it continues a day at a time until done
    for (const day of ["2025-09-04", "2025-09-05"]) await cron(`${day}T09:00:00Z`);
    expect(expectNoDuplicates()).toBe(90);
    expect(await maxAttemptsPerDay(e.db, id)).toBe(30);
    const c = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
    expect(c.status).toBe("completed");
    expect(c.messagesSent).toBe(90);
    await expectConsistent(id);
  });
});

describe("status webhooks concurrent with the processor", () => {
  it("duplicated, reordered, some before our own write: final statuses are the most advanced, none backwards, counters right", async () => {
    const id = await campaignWith(100, 100, "2025-10-01");
    e.graph.setLatency(20);
    setClock("2025-10-01T09:00:00Z");
    let running = true;
    const run = cron("2025-10-01T09:00:00Z").finally(() => (running = false));
    // Meta's side: as soon as a wamid is handed out, statuses for it start arriving (sometimes before our write)
    const applied = new Set<string>();
    const webhooks = (async () => {
      while (running || applied.size < e.graph.wamids.length) {
        const fresh = e.graph.wamids.filter((w) => !applied.has(w)).slice(0, 25);
        if (fresh.length === 0) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        for (const w of fresh) applied.add(w);
        const events: StatusInput[] = fresh.flatMap((w) => [
          { id: w, status: "read", at: "2025-10-01T09:05:00Z" },
          { id: w, status: "sent", at: "2025-10-01T09:00:30Z" },
          { id: w, status: "delivered", at: "2025-10-01T09:01:00Z" },
        ]);
        const shuffled = [...events, ...events.slice(0, 10)].sort(() => Math.random() - 0.5);
        await Promise.all([0, 1].map((i) => handleWebhookPayload({
          db: e.db, now: new Date(), timezone: "UTC", log: { info() {}, warn() {}, error() {} } as never,
          payload: statusesPayload(i === 0 ? shuffled : [...shuffled].reverse()),
        })));
        figures.webhookBatches += 2;
      }
    })();
    const [res] = await Promise.all([run, webhooks]);
    expect(res.status).toBe(200);
    expect(expectNoDuplicates()).toBe(100);
    // a late replay of old statuses changes nothing
    await handleWebhookPayload({ db: e.db, now: new Date(), timezone: "UTC", log: { info() {}, warn() {}, error() {} } as never,
      payload: statusesPayload(e.graph.wamids.slice(0, 30).map((w) => ({ id: w, status: "delivered", at: "2025-10-01T09:01:00Z" }))) });
    const rows = await e.db.campaignRecipient.groupBy({ by: ["status"], where: { campaignId: id }, _count: true });
    expect(Object.fromEntries(rows.map((r) => [r.status, r._count]))).toEqual({ read: 100 });
    const c = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
    expect({ sent: c.messagesSent, delivered: c.messagesDelivered, read: c.messagesRead }).toEqual({ sent: 100, delivered: 100, read: 100 });
    await expectConsistent(id);
  });
});

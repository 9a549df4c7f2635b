/**
 * Crash safety with real processes and a real database restart:
 *  - a processor in a child process is SIGKILLed after WhatsApp (the fake Graph API) accepted requests
 *    and before we could record them; a later run, past the stale-claim timeout, reconciles: by the
 *    echoed biz_opaque_callback_data where a status webhook arrived, otherwise 'unknown' — never a resend;
 *  - the database is stopped mid-run: the run fails cleanly (an error, no hang) and, once the database is
 *    back, the next runs continue; nobody is sent twice, nothing is stranded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import { checkConsistency, cloudClient, seedCustomers } from "./support";
import { createTestDb, type TestDb } from "../../support/db";
import { startFakeGraphApi, type FakeGraphApi } from "../../support/fake-graph-api";
import { TEST_TEMPLATES } from "../../support/test-templates";
import { migrateDatabase } from "../../support/global-setup";
import { ensureDatabase, freePort, startEmbeddedPostgres, type RunningPostgres } from "../../../scripts/embedded-postgres";
import { createDb } from "@/lib/db";
import type { Db } from "@/lib/marketing/db";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import type { EngineConfig } from "@/lib/marketing/engine-config";
import { logFigures } from "../support/routes";

const figures = { crashesInjected: 0, dbRestarts: 0, duplicatesFound: 0, sendsObserved: 0 };
afterAll(() => logFigures("crash-recovery", figures));

const config = (over: Partial<EngineConfig> = {}): EngineConfig => ({ timezone: "UTC", messagingLimit: null, timeBudgetMs: 50_000, staleClaimMs: 10 * 60_000, ...over });

async function campaignWith(db: Db, n: number, base: number, limit: number, start: string) {
  const now = new Date(`${start}T00:00:00Z`);
  const before = new Date(now.getTime() - 86_400_000);
  await seedCustomers(db, n, { base });
  const c = await createCampaign({ db, now: before, input: { name: `crash ${base}`, template_name: "promo", daily_send_limit: limit } });
  await addRecipients({ db, now: before, timezone: "UTC", campaignId: c.id, phoneNumbers: Array.from({ length: n }, (_, i) => String(base + i + 1)) });
  await activateCampaign({ db, now: before, timezone: "UTC", campaignId: c.id, startDate: start });
  return c.id;
}

function duplicates(graph: FakeGraphApi): string[] {
  const seen = new Map<string, number>();
  for (const s of graph.sends) seen.set(s.to!, (seen.get(s.to!) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([p]) => p);
}

async function statuses(db: Db, campaignId: string) {
  const rows = await db.campaignRecipient.groupBy({ by: ["status"], where: { campaignId }, _count: true });
  return Object.fromEntries(rows.map((r) => [r.status, r._count]));
}

async function waitFor(cond: () => boolean, ms: number, what: string) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("a processor process killed between WhatsApp's acceptance and our write", () => {
  let t: TestDb;
  let graph: FakeGraphApi;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    t = await createTestDb();
    graph = await startFakeGraphApi({ templates: TEST_TEMPLATES });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await graph?.stop();
    await t?.drop();
  });

  it.each([
    { answered: 10, killAt: 15, base: 13100000000 },
    { answered: 0, killAt: 3, base: 13100100000 },
    { answered: 23, killAt: 27, base: 13100200000 },
  ])("SIGKILL after $answered answered + accepted sends up to $killAt → recovery reconciles (webhook echo) or marks unknown; no phone twice; nothing lost", async ({ answered, killAt, base }) => {
    graph.reset();
    await t.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status = 'active'`;
    const campaignId = await campaignWith(t.db, 40, base, 100, "2025-05-01");
    // the first sends are answered; after that WhatsApp accepts (records) each send but the answer never comes
    if (answered) graph.script({ times: answered });
    graph.script({ hang: true });
    const out: string[] = [];
    child = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "processor-child.ts")], {
      env: { ...process.env, DATABASE_URL: t.url, WA_API_URL: graph.url, NOW: "2025-05-01T10:00:00Z" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => out.push(d.toString()));
    child.stderr!.on("data", (d: Buffer) => out.push(d.toString()));
    await waitFor(() => graph.sends.length >= killAt, 30_000, `${killAt} accepted sends (child output: ${out.join("")})`);
    // let the answered ones be written, then kill while 5 accepted sends wait for their answer
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((r) => child!.once("exit", (_code, signal) => r(signal === "SIGKILL" ? -9 : _code)));
    child.kill("SIGKILL");
    expect(await exited).toBe(-9);
    figures.crashesInjected++;
    expect(out.join("")).not.toContain('"done":true');

    const accepted = graph.sends.slice(answered).map((s) => s.body as { to: string; biz_opaque_callback_data?: string });
    expect(accepted.length).toBeGreaterThanOrEqual(killAt - answered);
    const mid = await statuses(t.db, campaignId);
    // claimed: the accepted sends (WhatsApp has them, we never recorded them) and the rest of the batch not sent yet
    expect(mid.sending).toBeGreaterThanOrEqual(accepted.length);
    // marked as going out: exactly the claimed rows WhatsApp received a request for (the hanging ones, and
    // answered ones of the batch in flight, recorded only when the whole batch is)
    const claimed = await t.db.$queryRaw<Array<{ phone: string; marked: boolean }>>`
      SELECT phone_number AS phone, send_started_at IS NOT NULL AS marked FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND status = 'sending'`;
    const requested = new Set(graph.sends.map((s) => s.to!));
    expect(claimed.filter((r) => r.marked).map((r) => r.phone).sort()).toEqual(claimed.filter((r) => requested.has(r.phone)).map((r) => r.phone).sort());
    for (const a of accepted) expect(claimed.find((r) => r.phone === a.to)?.marked).toBe(true);
    // in flight at the kill: every request that went out for a row not recorded yet
    const inFlightPhones = claimed.filter((r) => r.marked).map((r) => r.phone);
    const inFlight = inFlightPhones.length;

    // WhatsApp's status webhooks echo our recipient id for two of them (with wamids we never saw)
    const echoed = accepted.slice(0, 2);
    await handleWebhookPayload({ db: t.db, now: new Date("2025-05-01T10:01:00Z"), timezone: "UTC", log: console, payload: {
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "1", phone_number_id: "1098765432" },
        statuses: echoed.map((a, i) => ({ id: `wamid.KILLED${base}.${i}`, status: "delivered", timestamp: String(Date.parse("2025-05-01T10:00:30Z") / 1000), recipient_id: a.to,
          biz_opaque_callback_data: a.biz_opaque_callback_data })) } }] }],
    } });

    graph.reset();
    const wa = cloudClient(graph);
    // a run inside the stale window leaves the claims alone (the dead run might still be alive) and sends the rest
    const early = await runDailyProcessing({ db: t.db, now: new Date("2025-05-01T10:05:00Z"), whatsapp: wa, config: config() });
    expect(early.reconciled).toEqual({ recovered: 0, unknown: 0 });
    // past the stale-claim timeout: reconciled, never resent
    const late = await runDailyProcessing({ db: t.db, now: new Date("2025-05-01T10:30:00Z"), whatsapp: wa, config: config() });
    // only the requests that went out can be 'unknown': the claimed-but-never-sent ones went back to pending and
    // were sent by this run (the echoed two were matched by the webhook itself, or are recovered here from the buffered events)
    expect(late.reconciled.unknown).toBe(inFlight - 2);

    const resentKilled = graph.sends.filter((s) => inFlightPhones.includes(s.to!));
    expect(resentKilled).toEqual([]);
    const allPhones = [...graph.sends.map((s) => s.to!)];
    figures.sendsObserved += allPhones.length + answered + accepted.length;
    expect(duplicates(graph)).toEqual([]);
    const final = await statuses(t.db, campaignId);
    expect(final).toEqual({ queued: 40 - inFlight, delivered: 2, unknown: inFlight - 2 });
    const rows = await t.db.campaignRecipient.findMany({ where: { campaignId, status: "delivered" } });
    expect(rows.map((r) => r.whatsappMessageId).sort()).toEqual([`wamid.KILLED${base}.0`, `wamid.KILLED${base}.1`]);
    const s = await checkConsistency(t.db, campaignId);
    expect(s.counters).toEqual(s.recount);
    expect(s.scheduleMismatches).toBe(0);
    expect((await t.db.marketingCampaign.findUniqueOrThrow({ where: { id: campaignId } })).status).toBe("completed");
  });
});

describe("the database restarted mid-run", () => {
  let tmp: string;
  let pg: RunningPostgres | undefined;
  let db: Db | undefined;
  let graph: FakeGraphApi;
  let port: number;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wac-restart-"));
    port = await freePort();
    pg = await startEmbeddedPostgres({ dir: path.join(tmp, "data"), port, persistent: true, quiet: true });
    await ensureDatabase(pg.url("postgres"), "restart_test");
    migrateDatabase(pg.url("restart_test"));
    db = createDb(pg.url("restart_test"), { max: 6 });
    graph = await startFakeGraphApi({ templates: TEST_TEMPLATES });
  }, 180_000);
  afterAll(async () => {
    await db?.$disconnect().catch(() => {});
    await graph?.stop();
    await pg?.stop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("fails cleanly (an error, no hang) and the next run continues; nobody twice, nothing stranded", async () => {
    const campaignId = await campaignWith(db!, 120, 13200000000, 200, "2025-06-01");
    graph.setLatency(40);
    const wa = cloudClient(graph, { timeoutMs: 3000 });
    const running = runDailyProcessing({ db: db!, now: new Date("2025-06-01T10:00:00Z"), whatsapp: wa, config: config({ batchSize: 10, concurrency: 4 }) });
    const run = running.then((r) => ({ kind: "result" as const, r }), (error: unknown) => ({ kind: "error" as const, error }));
    await waitFor(() => graph.sends.length >= 25, 30_000, "25 sends");
    await pg!.stop();
    figures.dbRestarts++;
    const outcome = await Promise.race([
      run,
      new Promise<{ kind: "hang" }>((r) => setTimeout(() => r({ kind: "hang" }), 45_000)),
    ]);
    expect(outcome.kind).not.toBe("hang");
    const sentBeforeRestart = graph.sends.length;
    pg = await startEmbeddedPostgres({ dir: path.join(tmp, "data"), port, persistent: true, quiet: true });

    // the next runs continue: first within the stale window, then past it (claims of the failed run → reconciled)
    const first = await runDailyProcessing({ db: db!, now: new Date("2025-06-01T10:02:00Z"), whatsapp: wa, config: config() });
    expect(first.stopped_reason).toBeNull();
    await runDailyProcessing({ db: db!, now: new Date("2025-06-01T10:30:00Z"), whatsapp: wa, config: config() });
    expect(duplicates(graph)).toEqual([]);
    figures.sendsObserved += graph.sends.length;
    const final = await statuses(db!, campaignId);
    // every recipient is final, or 'unknown' (a send in flight when the database went away: never resent blindly)
    expect(Object.keys(final).every((s) => ["queued", "unknown"].includes(s)), JSON.stringify(final)).toBe(true);
    expect((final.queued ?? 0) + (final.unknown ?? 0)).toBe(120);
    expect(final.queued ?? 0).toBeGreaterThanOrEqual(120 - (sentBeforeRestart - 0));
    expect(graph.sends.length).toBe(120);
    const s = await checkConsistency(db!, campaignId);
    expect(s.counters).toEqual(s.recount);
    expect(s.scheduleMismatches).toBe(0);
  }, 120_000);
});

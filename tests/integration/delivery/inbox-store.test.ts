/**
 * The webhook's store with group commit (lib/server/inbox-store.ts), on a real PostgreSQL: deliveries that
 * arrive while the process's inserts are busy are stored together in one statement, each answered with its
 * own summary once that statement committed; a statement that fails fails every delivery in it and stores
 * none of them, and the next deliveries are stored as usual. Statuses on Meta's documented shape.
 * Each statement's rows get its own received_at from the store's clock, so the test counts statements by them.
 * No timing: the first statements wait on a table lock the test holds until it lets them go.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboxRowsOf, type InboxRow } from "@/lib/marketing/delivery/store-webhook-delivery";
import { batchedInboxStore } from "@/lib/server/inbox-store";
import { Prisma } from "@/lib/marketing/db";
import { createTestDb, type TestDb } from "../../support/db";
import { waitUntilBlockedBy } from "../../support/locks";
import { statusesPayload } from "../whatsapp/fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

/** one delivery of `n` statuses of messages `wamid.<tag>.<i>` (Meta's shape: statuses[] of a messages change) */
const delivery = (tag: string, from: number, n: number, status = "delivered"): InboxRow[] =>
  inboxRowsOf(statusesPayload(Array.from({ length: n }, (_, i) => ({ id: `wamid.${tag}.${from + i}`, status, at: "2026-03-02T10:00:05Z" }))));

/** a clock that gives each statement its own instant */
function steppingClock() {
  let ms = Date.parse("2026-03-02T12:00:00Z");
  return () => new Date((ms += 1000));
}

async function statementsOf(tag: string) {
  return t.db.$queryRaw<Array<{ received_at: Date; n: number }>>(Prisma.sql`
    SELECT received_at, count(*)::int AS n FROM webhook_inbox WHERE whatsapp_message_id LIKE ${`wamid.${tag}.%`} GROUP BY received_at ORDER BY received_at`);
}

/** holds a lock that makes every insert into the inbox wait, until released (once); `pid`: its backend */
async function holdInbox() {
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE webhook_inbox IN SHARE MODE");
  const { rows: [{ pid }] } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  let released: Promise<void> | null = null;
  return { pid, release: () => (released ??= client.query("ROLLBACK").then(() => client.end())) };
}

/**
 * `busy()`'s deliveries start while the inbox is locked, and wait (until `waiting` sessions wait for the lock);
 * `queued()`'s arrive while those are busy. Then the lock goes, and every delivery's outcome is returned.
 */
async function whileBusy<T>(waiting: number, busy: () => Array<Promise<T>>, queued: () => Array<Promise<T>>): Promise<Array<PromiseSettledResult<T>>> {
  const { pid, release } = await holdInbox();
  try {
    const first = busy();
    await waitUntilBlockedBy(t.db, pid, waiting);
    // settled from here on: a rejection is awaited, not left unhandled while the lock is released
    const settled = Promise.allSettled([...first, ...queued()]);
    await release();
    return await settled;
  } finally {
    await release();
  }
}

const values = <T>(results: Array<PromiseSettledResult<T>>) => results.map((r) => {
  if (r.status === "rejected") throw r.reason;
  return r.value;
});

describe("the webhook's batched inbox store", () => {
  it("stores what arrives while two statements are busy in one statement; each delivery gets its own summary, a key shared by two stored once", async () => {
    const store = batchedInboxStore(t.db, { clock: steppingClock() });
    const answers = values(await whileBusy(2,
      // the first two go at once, alone (nothing was busy), and wait on the lock
      () => [store(delivery("G", 0, 20)), store(delivery("G", 20, 20))],
      // these ten arrive while both are busy: one statement once one of them ends. The last repeats the
      // first five statuses of the one before it, and of the first delivery (stored already by then)
      () => [...Array.from({ length: 10 }, (_, k) => store(delivery("G", 40 + k * 20, 20))), store([...delivery("G", 40 + 9 * 20, 5), ...delivery("G", 0, 5)])]));
    const statements = await statementsOf("G");
    const seen = JSON.stringify({ answers, statements: statements.map((s) => s.n) });
    expect(answers.slice(0, 12).map((a) => a.stored), seen).toEqual(Array(12).fill(20));
    expect(answers[12], seen).toEqual({ events: 10, stored: 0, duplicates: 10, quarantined: 0, ignored: 0 });
    expect(statements.map((s) => s.n), seen).toEqual([20, 20, 200]);
    const [{ queued }] = await t.db.$queryRaw<Array<{ queued: number }>>(Prisma.sql`
      SELECT count(*)::int AS queued FROM webhook_inbox_pending WHERE whatsapp_message_id LIKE 'wamid.G.%'`);
    expect(queued).toBe(240);
  });

  it("a delivery the database refuses fails alone: the statement it shared fails, and each of its deliveries is stored again by itself", async () => {
    const store = batchedInboxStore(t.db, { clock: steppingClock(), maxInFlight: 1 });
    const bad: InboxRow[] = [{ ...delivery("F", 100, 1)[0], recipient_id: "not-a-uuid", dedupe_key: "s:wamid.F.bad:delivered" }];
    const results = await whileBusy(1,
      () => [store(delivery("F", 0, 20))],
      // one statement: a good delivery with a row the database refuses
      () => [store(delivery("F", 20, 20)), store(bad), store(delivery("F", 40, 20))]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(String((results[2] as PromiseRejectedResult).reason)).toContain("uuid");
    // the first alone, the shared statement's rows none (it failed), then the two good deliveries each alone
    expect((await statementsOf("F")).map((s) => s.n)).toEqual([20, 20, 20]);
    const [{ bad: stored }] = await t.db.$queryRaw<Array<{ bad: number }>>(Prisma.sql`SELECT count(*)::int AS bad FROM webhook_inbox WHERE dedupe_key = 's:wamid.F.bad:delivered'`);
    expect(stored).toBe(0);
  });

  it("a delivery larger than a statement's rows goes alone; an empty one stores nothing and touches nothing", async () => {
    const store = batchedInboxStore(t.db, { clock: steppingClock(), maxRows: 50 });
    const answers = values(await whileBusy(2,
      () => [store(delivery("L", 0, 10)), store(delivery("L", 10, 10))],
      () => [store(delivery("L", 20, 30)), store(delivery("L", 50, 30)), store(delivery("L", 80, 80)), store([])]));
    expect(answers.map((a) => a.stored)).toEqual([10, 10, 30, 30, 80, 0]);
    // 30 + 30 > 50: each of those alone, and the 80 alone
    expect((await statementsOf("L")).map((s) => s.n)).toEqual([10, 10, 30, 30, 80]);
  });
});

/**
 * withRetry against real PostgreSQL through Prisma: a deadlock in a raw query (Prisma's P2010 carrying the
 * SQLSTATE) is retried. Two transactions lock two rows in opposite orders; PostgreSQL kills one of them
 * with 40P01, and withRetry runs that unit of work again. A transaction whose connection dies before its
 * COMMIT gives that connection back to the pool (the pool neither shrinks nor hangs on its end). The client's
 * transaction runner gives its unit of work a plain `read` on the transaction's own connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgErrorCode, readRows, transactionRunnerOf, withRetry, Prisma, type PlainRead } from "@/lib/marketing/db";
import { createDb, pgPoolOf } from "@/lib/db";
import { createTestDb, type TestDb } from "../support/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await t.db.$executeRawUnsafe("CREATE TABLE retry_probe (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
  await t.db.$executeRawUnsafe("INSERT INTO retry_probe (id) VALUES (1), (2)");
});
afterAll(async () => {
  await t.drop();
});

describe("database errors", () => {
  it("reads the SQLSTATE of a raw query that failed", async () => {
    const error = await t.db.$queryRaw`SELECT 1 / (SELECT 0) AS x`.catch((e: unknown) => e);
    expect(pgErrorCode(error)).toBe("22012");
  });

  it("a deadlock between two raw-query transactions is retried, and both units of work complete", async () => {
    let attempts = 0;
    const both = { a: false, b: false };
    const unit = (first: number, second: number, key: "a" | "b") => withRetry(() => t.db.$transaction(async (tx) => {
      attempts++;
      await tx.$executeRaw`UPDATE retry_probe SET n = n + 1 WHERE id = ${first}`;
      await new Promise((r) => setTimeout(r, 200)); // both hold their first row
      await tx.$executeRaw`UPDATE retry_probe SET n = n + 1 WHERE id = ${second}`;
      both[key] = true;
    }, { timeout: 20_000 }));
    await Promise.all([unit(1, 2, "a"), unit(2, 1, "b")]);
    expect(both).toEqual({ a: true, b: true });
    expect(attempts).toBeGreaterThanOrEqual(3); // one of the two ran again
    const rows = await t.db.$queryRaw<Array<{ n: number }>>`SELECT n FROM retry_probe ORDER BY id`;
    expect(rows.map((r) => r.n)).toEqual([2, 2]);
  });

  it("a connection that dies before its transaction's COMMIT is given back: the pool does not shrink, and $disconnect ends", async () => {
    const db = createDb(t.url, { max: 2 });
    const pool = pgPoolOf(db)!;
    // the server ends the transaction's connection (as a restart or a failover does) before it commits
    const ended = await db.$transaction(async (tx) => {
      const [{ pid }] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
      await t.db.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
    }).then(() => null, (e: unknown) => e);
    expect(ended).toBeInstanceOf(Error);
    expect(pool.totalCount - pool.idleCount).toBe(0); // nothing checked out
    // both connections of the pool are usable (before, each such transaction kept one for good)
    const both = await Promise.all([1, 2].map(() => db.$transaction((tx) => tx.$queryRaw<Array<{ one: number }>>`SELECT 1 AS one`, { maxWait: 5_000 })));
    expect(both.map((r) => r[0].one)).toEqual([1, 1]);
    const closed = await Promise.race([db.$disconnect().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5_000))]);
    expect(closed).toBe(true);
  });

  it("the client's transaction runner gives each unit of work a plain read on its own transaction's connection, refused once it ended", async () => {
    const run = transactionRunnerOf(t.db);
    let kept: PlainRead | undefined;
    let reads = 0;
    let bothRead!: () => void;
    const both = new Promise<void>((r) => { bothRead = r; });
    // two at once: each read is its own transaction's (the same backend, its uncommitted row seen, the other's not)
    const seen = await Promise.all([1, 2].map((id) => run(async (tx, read) => {
      expect(read).toBeDefined();
      kept = read;
      await tx.$executeRaw`UPDATE retry_probe SET n = n + 100 WHERE id = ${id}`;
      const [{ pid }] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
      await new Promise((r) => setTimeout(r, 100)); // both open
      const rows = await readRows<{ pid: number; ns: number[] }>(tx, Prisma.sql`
        SELECT pg_backend_pid() AS pid, ARRAY(SELECT n FROM retry_probe ORDER BY id) AS ns`, read);
      if (++reads === 2) bothRead();
      await both; // neither commits before the other has read
      return { pid, read: rows[0] };
    }, { timeout: 10_000, maxWait: 5_000 })));
    for (const s of seen) expect(s.read.pid).toBe(s.pid);
    expect(seen[0].pid).not.toBe(seen[1].pid);
    expect(seen.map((s) => s.read.ns)).toEqual([[102, 2], [2, 102]]);
    await expect(kept!({ name: "", text: "SELECT 1", values: [] })).rejects.toThrow(/transaction has ended/);
    // a unit of work that throws is rolled back, its read's writes with it
    await expect(run(async (tx, read) => {
      await readRows(tx, Prisma.sql`UPDATE retry_probe SET n = 0 RETURNING id`, read);
      throw new Error("boom");
    }, { timeout: 10_000, maxWait: 5_000 })).rejects.toThrow("boom");
    const rows = await t.db.$queryRaw<Array<{ n: number }>>`SELECT n FROM retry_probe ORDER BY id`;
    expect(rows.map((r) => r.n)).toEqual([102, 102]);
  });
});

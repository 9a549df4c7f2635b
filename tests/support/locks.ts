/** Waiting for lock waits: a test that holds a lock goes on once the sessions it meant to block wait for it. */
import { Prisma, type Db } from "@/lib/marketing/db";

/** Resolves once `n` other sessions wait for a lock that backend `pid` holds (at most 20 s). */
export async function waitUntilBlockedBy(db: Db, pid: number, n = 1): Promise<void> {
  for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
    const [{ waiting }] = await db.$queryRaw<Array<{ waiting: number }>>(Prisma.sql`
      SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`);
    if (waiting >= n) return;
  }
  throw new Error(`${n} session(s) never waited for a lock that backend ${pid} holds`);
}

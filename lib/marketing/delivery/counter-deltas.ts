/**
 * Campaign counters, the send schedule and campaign_analytics follow campaign_recipients through
 * statement triggers that append deltas to counter_deltas (no row shared between writers). This folds
 * them in, one fold at a time, in short transactions of their own; readers fold first, so what they read
 * equals a recount at that moment. The applier and the processor fold after their work.
 */
import { Prisma, type DbOrTx } from "../db";

export async function foldCounterDeltas(db: DbOrTx, { chunk = 50_000, maxChunks = 100 }: { chunk?: number; maxChunks?: number } = {}): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxChunks; i++) {
    const [row] = await db.$queryRaw<Array<{ n: number }>>(Prisma.sql`SELECT fold_counter_deltas(${chunk}::int) AS n`);
    total += Number(row.n);
    if (Number(row.n) < chunk) break;
  }
  return total;
}

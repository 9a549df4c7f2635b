/**
 * The lag from a status's 200 (the moment its webhook answer reached the client, or the in-process store
 * returned) to the moment its recipient row reflects it: the commit time of the applier's transaction
 * that marked the status's inbox row applied, which is the transaction that wrote the recipient row.
 * PostgreSQL keeps commit times when track_commit_timestamp is on (the bench's cluster sets it), so
 * nothing polls while the load runs. Both clocks are this machine's wall clock.
 */
import { Prisma, type Db } from "@/lib/marketing/db";
import { latencySummary } from "./stats";

/** The inbox's de-duplication key of a status (store-webhook-delivery.ts). */
export const statusKey = (wamid: string, status: string) => `s:${wamid}:${status}`;

export type LagSummary = { p50: number; p99: number; max: number; n: number; notApplied: number;
  /** epoch ms of the last commit that applied one of them (NaN when none was applied) */
  lastCommitMs: number };

/** `answeredAt`: de-duplication key → epoch ms of its 200. */
export async function statusLag(db: Db, answeredAt: Map<string, number>): Promise<LagSummary> {
  const keys = [...answeredAt.keys()];
  const lags: number[] = [];
  let lastCommitMs = NaN;
  for (let i = 0; i < keys.length; i += 50_000) {
    const rows = await db.$queryRaw<Array<{ key: string; at: number | null }>>(Prisma.sql`
      SELECT dedupe_key AS key, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::float8 AS at
      FROM webhook_inbox WHERE dedupe_key = ANY(${keys.slice(i, i + 50_000)}::text[]) AND state = 'applied'`);
    for (const r of rows) {
      if (r.at === null) continue;
      lags.push(r.at - answeredAt.get(r.key)!);
      if (!(r.at <= lastCommitMs)) lastCommitMs = r.at;
    }
  }
  const l = latencySummary(lags);
  return { p50: l.p50, p99: l.p99, max: lags.length ? lags.reduce((a, b) => Math.max(a, b), -Infinity) : NaN, n: lags.length, notApplied: keys.length - lags.length, lastCommitMs };
}

export const fmtLag = (l: LagSummary) =>
  `lag 200 → recipient p50 ${l.p50.toFixed(0)} ms / p99 ${l.p99.toFixed(0)} ms (max ${l.max.toFixed(0)} ms, ${l.n} statuses${l.notApplied ? `, ${l.notApplied} not applied` : ""})`;

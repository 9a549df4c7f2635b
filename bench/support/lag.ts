/**
 * The lag from a status's 200 (the moment its webhook answer reached the client, or the in-process store
 * returned) to the moment its recipient row reflects it: the commit time of the applier's transaction
 * that wrote the recipient row. Measured on each message's last status (read): nothing writes the row
 * after it (an earlier status applied later changes nothing), so the row's own commit time is that of
 * the transaction that applied the read; it needs nothing of the applier's own bookkeeping, so the same
 * measure holds for every design of the applier. PostgreSQL keeps commit times when
 * track_commit_timestamp is on (the bench's cluster sets it), so nothing polls while the load runs. Both
 * clocks are this machine's wall clock.
 */
import { Prisma, type Db } from "@/lib/marketing/db";
import { latencySummary } from "./stats";

/** The inbox's de-duplication key of a status (store-webhook-delivery.ts). */
export const statusKey = (wamid: string, status: string) => `s:${wamid}:${status}`;

export type LagSummary = { p50: number; p99: number; max: number; n: number; notApplied: number;
  /** epoch ms of the last commit that applied one of them (NaN when none was applied) */
  lastCommitMs: number };

/** `answeredAt`: de-duplication key → epoch ms of its 200; the read statuses among them are measured. */
export async function statusLag(db: Db, answeredAt: Map<string, number>): Promise<LagSummary> {
  const reads = new Map<string, number>();
  for (const [key, at] of answeredAt) if (key.endsWith(":read")) reads.set(key.slice(2, -":read".length), at);
  const wamids = [...reads.keys()];
  const lags: number[] = [];
  let lastCommitMs = NaN;
  for (let i = 0; i < wamids.length; i += 50_000) {
    const rows = await db.$queryRaw<Array<{ wamid: string; at: number | null }>>(Prisma.sql`
      SELECT whatsapp_message_id AS wamid, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::float8 AS at
      FROM campaign_recipients WHERE whatsapp_message_id = ANY(${wamids.slice(i, i + 50_000)}::text[]) AND status = 'read'`);
    for (const r of rows) {
      if (r.at === null) continue;
      lags.push(r.at - reads.get(r.wamid)!);
      if (!(r.at <= lastCommitMs)) lastCommitMs = r.at;
    }
  }
  const l = latencySummary(lags);
  return { p50: l.p50, p99: l.p99, max: lags.length ? lags.reduce((a, b) => Math.max(a, b), -Infinity) : NaN, n: lags.length, notApplied: wamids.length - lags.length, lastCommitMs };
}

export const fmtLag = (l: LagSummary) =>
  `lag 200 → recipient p50 ${l.p50.toFixed(0)} ms / p99 ${l.p99.toFixed(0)} ms (max ${l.max.toFixed(0)} ms, ${l.n} read statuses${l.notApplied ? `, ${l.notApplied} not applied` : ""})`;

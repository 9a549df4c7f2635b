/**
 * How many subscribed, active customers match a target audience, for pages viewed often (the campaign
 * page), without counting a large audience on every view:
 *   - up to EXACT_UP_TO matches the count is exact and live: the count stops reading after EXACT_UP_TO + 1
 *     matching customers, so it costs little however large the audience is;
 *   - above that, the last full count (audience_counts) is shown with its time, "about N … as of HH:MM";
 *     an audience whose last full count is above EXACT_UP_TO is not counted on the view at all (it stays
 *     "counted" until a recount finds it at or below EXACT_UP_TO);
 *     when there is none yet, PostgreSQL's planner estimate ("about N", estimated);
 *   - a full count older than FRESH_MS (or missing) is redone by `refresh`, which the caller runs after its
 *     answer (Next's `after()`); one recount runs at a time per audience, across processes (a claim on the
 *     audience_counts row that expires after CLAIM_MS, so a recount that died does not block the next).
 * The rule is the one adding recipients by audience applies (audienceWhere).
 */
import { Prisma, type DbOrTx } from "../db";
import type { TTargetAudience } from "../campaigns/target-audience";
import { audienceWhere } from "../recipients/add-recipients";
import { customerMatchKey } from "./customer-match";

export const EXACT_UP_TO = 10_000;
export const FRESH_MS = 10 * 60_000;
const CLAIM_MS = 2 * 60_000;

export type AudienceCount =
  | { kind: "exact"; count: number }
  /** the last full count, made at countedAt */
  | { kind: "counted"; count: number; countedAt: Date }
  /** the planner's estimate (no full count yet) */
  | { kind: "estimated"; count: number };

/** The audience as a stable key: the same filter always gives the same key (any case, tags sorted, keys ordered). */
export function audienceKey(a: TTargetAudience): string {
  return JSON.stringify(customerMatchKey(a));
}

export async function audienceCountForView({ db, audience, now }: { db: DbOrTx; audience: TTargetAudience; now: Date }): Promise<{
  value: AudienceCount;
  /** recounts the audience into audience_counts; null when the shown value needs no recount */
  refresh: (() => Promise<void>) | null;
}> {
  const where = audienceWhere(audience);
  const key = audienceKey(audience);
  const refresh = () => refreshAudienceCount({ db, audience, now: new Date() });
  const [cached] = await db.$queryRaw<Array<{ count: number | null; counted_at: Date | null }>>(Prisma.sql`
    SELECT count, counted_at FROM audience_counts WHERE key = ${key}`);
  // a large audience counted before is shown as counted, without reading 10,001 customers on every view
  if (cached?.count != null && cached.counted_at && cached.count > EXACT_UP_TO) return counted(cached.count, cached.counted_at);
  const [bounded] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    SELECT count(*) AS n FROM (SELECT 1 FROM user_profiles u WHERE ${where} LIMIT ${EXACT_UP_TO + 1}::int) x`);
  const n = Number(bounded.n);
  if (n <= EXACT_UP_TO) return { value: { kind: "exact", count: n }, refresh: null };
  return { value: { kind: "estimated", count: Math.max(EXACT_UP_TO + 1, await plannerEstimate(db, where)) }, refresh };

  function counted(count: number, countedAt: Date) {
    const stale = now.getTime() - countedAt.getTime() > FRESH_MS;
    return { value: { kind: "counted" as const, count, countedAt }, refresh: stale ? refresh : null };
  }
}

/** PostgreSQL's estimate of the rows matching `where` (from its statistics; no row is read). */
async function plannerEstimate(db: DbOrTx, where: Prisma.Sql): Promise<number> {
  const rows = await db.$queryRaw<Array<{ "QUERY PLAN": unknown }>>(Prisma.sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM user_profiles u WHERE ${where}`);
  const plan = rows[0]?.["QUERY PLAN"];
  const parsed = (typeof plan === "string" ? JSON.parse(plan) : plan) as Array<{ Plan?: { "Plan Rows"?: number } }> | undefined;
  return Math.round(parsed?.[0]?.Plan?.["Plan Rows"] ?? 0);
}

/**
 * Counts the audience and stores the count. Does nothing while another recount of the same audience is
 * running (claimed less than CLAIM_MS ago).
 */
export async function refreshAudienceCount({ db, audience, now }: { db: DbOrTx; audience: TTargetAudience; now: Date }): Promise<void> {
  const key = audienceKey(audience);
  const claimed = await db.$queryRaw<Array<{ key: string }>>(Prisma.sql`
    INSERT INTO audience_counts AS a (key, refresh_started_at) VALUES (${key}, ${now}::timestamptz)
    ON CONFLICT (key) DO UPDATE SET refresh_started_at = excluded.refresh_started_at
    WHERE a.refresh_started_at IS NULL OR a.refresh_started_at < ${new Date(now.getTime() - CLAIM_MS)}::timestamptz
    RETURNING a.key`);
  if (claimed.length === 0) return;
  try {
    const [row] = await db.$queryRaw<Array<{ n: bigint; at: Date }>>(Prisma.sql`
      SELECT count(*) AS n, statement_timestamp() AS at FROM user_profiles u WHERE ${audienceWhere(audience)}`);
    await db.$executeRaw(Prisma.sql`
      UPDATE audience_counts SET count = ${Number(row.n)}::int, counted_at = ${row.at}::timestamptz, refresh_started_at = NULL
      WHERE key = ${key} AND refresh_started_at = ${now}::timestamptz`);
  } catch (error) {
    await db.$executeRaw(Prisma.sql`UPDATE audience_counts SET refresh_started_at = NULL WHERE key = ${key} AND refresh_started_at = ${now}::timestamptz`);
    throw error;
  }
}

/**
 * The exact count, for the campaign form while its audience is edited (audienceCountForView bounds the
 * count instead, for a page viewed often).
 */
export async function countAudience({ db, audience }: { db: DbOrTx; audience: TTargetAudience }): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM user_profiles u WHERE ${audienceWhere(audience)}`);
  return Number(row?.n ?? 0);
}

import { Prisma, type DbOrTx } from "../db";

/** The most common failure reasons among some campaigns (index range scans on (campaign_id, status, id)). */
export async function topFailureReasons({ db, campaignIds }: { db: DbOrTx; campaignIds: string[] }) {
  if (campaignIds.length === 0) return [];
  const rows = await db.$queryRaw<Array<{ reason: string | null; code: number | null; n: bigint }>>(Prisma.sql`
    SELECT failure_reason AS reason, error_code AS code, count(*) AS n FROM campaign_recipients
    WHERE campaign_id = ANY(${campaignIds}::uuid[]) AND stage = 'failed'
    GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 5`);
  return rows.map((r) => ({ reason: r.reason ?? "No reason recorded", code: r.code, count: Number(r.n) }));
}

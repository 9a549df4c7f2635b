/**
 * What jobs store beside their row is temporary: an export's file (job_parts) is kept EXPORT_RETENTION_MS
 * after the export started, and staged input rows (job_rows) only until their job ends (its chunks and its
 * failure delete them; this catches anything left). One bounded step per call (at most `limit` parts and
 * `limit` × 50 rows), from every processor run and whenever an export finishes; the next call continues.
 */
import { Prisma, type DbOrTx } from "../db";

export const EXPORT_RETENTION_MS = 24 * 60 * 60_000;
/** parts (up to 5,000 CSV lines each) deleted by one call */
const PRUNE_PARTS = 50;

export async function pruneJobFiles({ db, now, limit = PRUNE_PARTS }: { db: DbOrTx; now: Date; limit?: number }): Promise<{ parts: number; rows: number }> {
  const cutoff = new Date(now.getTime() - EXPORT_RETENTION_MS);
  const parts = await db.$executeRaw(Prisma.sql`
    DELETE FROM job_parts WHERE (job_id, seq) IN (
      SELECT p.job_id, p.seq FROM job_parts p JOIN jobs j ON j.id = p.job_id
      WHERE j.created_at < ${cutoff}::timestamptz
      ORDER BY p.job_id, p.seq LIMIT ${limit}::int)`);
  const rows = await db.$executeRaw(Prisma.sql`
    DELETE FROM job_rows WHERE (job_id, row_no) IN (
      SELECT r.job_id, r.row_no FROM job_rows r JOIN jobs j ON j.id = r.job_id
      WHERE j.status IN ('done', 'failed')
      ORDER BY r.job_id, r.row_no LIMIT ${limit * 50}::int)`);
  return { parts, rows };
}

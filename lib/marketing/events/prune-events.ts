/**
 * Outbound events (and their delivery log, ON DELETE CASCADE) are kept OUTBOUND_EVENT_RETENTION_DAYS, far
 * past a delivery's day of retries, so the Settings log and "send again" have them; then deleted. A reply's
 * text in a reply.received event goes with the inbound message's (settings.inbound_retention_days) when that
 * is sooner. One bounded step of each per processor run, oldest first on the created_at index; the next run
 * continues.
 */
import { Prisma, type Db } from "../db";
import { inboundRetentionDays } from "../messages/prune-inbound-bodies";

export const OUTBOUND_EVENT_RETENTION_DAYS = 30;
export const OUTBOUND_PRUNE_BATCH = 5_000;
const DAY_MS = 24 * 60 * 60_000;

export async function pruneOutboundEvents({ db, now, limit = OUTBOUND_PRUNE_BATCH }: { db: Db; now: Date; limit?: number }): Promise<{ deleted: number; bodiesRemoved: number }> {
  const deleted = await db.$executeRaw(Prisma.sql`
    DELETE FROM outbound_events WHERE id IN (
      SELECT id FROM outbound_events WHERE created_at < ${new Date(now.getTime() - OUTBOUND_EVENT_RETENTION_DAYS * DAY_MS)}::timestamptz
      ORDER BY created_at LIMIT ${limit}::int)`);
  const retentionDays = await inboundRetentionDays(db);
  const bodiesRemoved = retentionDays >= OUTBOUND_EVENT_RETENTION_DAYS ? 0 : await db.$executeRaw(Prisma.sql`
    UPDATE outbound_events SET data = (data - 'body') || '{"body_deleted": true}'::jsonb WHERE id IN (
      SELECT id FROM outbound_events
      WHERE created_at < ${new Date(now.getTime() - retentionDays * DAY_MS)}::timestamptz AND type = 'reply.received' AND data ? 'body'
      ORDER BY created_at LIMIT ${limit}::int)`);
  return { deleted, bodiesRemoved };
}

/**
 * Inbound message bodies are kept settings.inbound_retention_days (default 90) after they arrived, then
 * deleted (body and payload; the row stays, for counts and the conversation's timeline). One bounded step
 * per processor run: at most `limit` messages, oldest first, on the (direction, created_at) index; the
 * next run continues.
 */
import { Prisma, type Db } from "../db";

export const INBOUND_PRUNE_BATCH = 5_000;

/** settings.inbound_retention_days (default 90): how long inbound message texts are kept, wherever they are */
export async function inboundRetentionDays(db: Db): Promise<number> {
  const row = await db.setting.findUnique({ where: { id: 1 }, select: { inboundRetentionDays: true } });
  return row?.inboundRetentionDays ?? 90;
}

export async function pruneInboundBodies({ db, now, limit = INBOUND_PRUNE_BATCH }: { db: Db; now: Date; limit?: number }): Promise<{ pruned: number; retentionDays: number }> {
  const retentionDays = await inboundRetentionDays(db);
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60_000);
  const pruned = await db.$executeRaw(Prisma.sql`
    UPDATE whatsapp_messages SET body = NULL, payload = NULL, updated_at = ${now}::timestamptz
    WHERE id IN (
      SELECT id FROM whatsapp_messages
      WHERE direction = 'inbound' AND created_at < ${cutoff}::timestamptz AND (body IS NOT NULL OR payload IS NOT NULL)
      ORDER BY created_at LIMIT ${limit}::int)`);
  return { pruned, retentionDays };
}

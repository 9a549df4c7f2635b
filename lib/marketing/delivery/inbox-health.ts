/** The webhook inbox on the health page: what waits, what was quarantined or ignored (count and latest reasons). */
import { Prisma, type DbOrTx } from "../db";

export async function getInboxHealth(db: DbOrTx) {
  const [counts] = await db.$queryRaw<Array<{ pending: bigint; quarantined: bigint; ignored: bigint; oldest_pending: Date | null }>>(Prisma.sql`
    SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'quarantined') AS quarantined,
           count(*) FILTER (WHERE state = 'ignored') AS ignored, min(received_at) FILTER (WHERE state = 'pending') AS oldest_pending
    FROM webhook_inbox`);
  const latest = await db.$queryRaw<Array<{ field: string; kind: string; reason: string | null; received_at: Date }>>(Prisma.sql`
    SELECT field, kind, reason, received_at FROM webhook_inbox WHERE state = 'quarantined' ORDER BY id DESC LIMIT 10`);
  return {
    pending: Number(counts.pending),
    oldest_pending_at: counts.oldest_pending?.toISOString() ?? null,
    quarantined: Number(counts.quarantined),
    ignored: Number(counts.ignored),
    latest_quarantined: latest.map((q) => ({ field: q.field, kind: q.kind, reason: q.reason, received_at: q.received_at.toISOString() })),
  };
}

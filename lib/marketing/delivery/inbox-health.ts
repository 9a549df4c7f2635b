/** The webhook inbox on the health page: what waits, what was quarantined or ignored (count and latest reasons). */
import { Prisma, type DbOrTx } from "../db";

export async function getInboxHealth(db: DbOrTx) {
  // waiting: the applier's queue; quarantined and ignored: the inbox's own state (a partial index each)
  const [counts] = await db.$queryRaw<Array<{ pending: bigint; quarantined: bigint; ignored: bigint; oldest_pending: Date | null }>>(Prisma.sql`
    SELECT (SELECT count(*) FROM webhook_inbox_pending) AS pending,
           (SELECT count(*) FROM webhook_inbox WHERE state = 'quarantined') AS quarantined,
           (SELECT count(*) FROM webhook_inbox WHERE state = 'ignored') AS ignored,
           (SELECT received_at FROM webhook_inbox WHERE id = (SELECT min(id) FROM webhook_inbox_pending)) AS oldest_pending`);
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

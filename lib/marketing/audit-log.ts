/** The audit log for admins, newest first, keyset-paged on (created_at, id). */
import { Prisma, type DbOrTx } from "./db";
import { escapeLike } from "./sql-like";
import { parseUuid } from "./uuid";

export async function findAuditEntries({ db, before, action, limit = 50 }: { db: DbOrTx; before?: string; action?: string; limit?: number }) {
  let cursor: { at: Date; id: string } | null = null;
  if (before) {
    const [at, id] = before.split("_");
    const d = new Date(at);
    if (!Number.isNaN(d.getTime()) && parseUuid(id ?? "") !== null) cursor = { at: d, id };
  }
  const cond: Prisma.Sql[] = [];
  if (cursor) cond.push(Prisma.sql`(a.created_at, a.id) < (${cursor.at}, ${cursor.id}::uuid)`);
  if (action) cond.push(Prisma.sql`a.action LIKE ${escapeLike(action) + "%"}`);
  const rows = await db.$queryRaw<Array<{ id: string; actor: string; action: string; entity_type: string; entity_id: string | null; details: unknown; created_at: Date; user_email: string | null }>>(Prisma.sql`
    SELECT a.id, a.actor, a.action, a.entity_type, a.entity_id, a.details, a.created_at, u.email AS user_email
    FROM audit_log a
    LEFT JOIN users u ON a.actor LIKE 'user:%' AND u.id::text = substring(a.actor from 6)
    ${cond.length ? Prisma.sql`WHERE ${Prisma.join(cond, " AND ")}` : Prisma.empty}
    ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? `${last.created_at.toISOString()}_${last.id}` : null };
}

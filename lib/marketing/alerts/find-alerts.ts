import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { Prisma, type Db, type DbOrTx } from "../db";
import { AppError } from "../errors";
import { cursorDate, cursorUuid, decodeCursor, encodeCursor } from "../pagination";
import { ZUuid } from "../uuid";

export type AlertJson = {
  id: string; severity: string; kind: string; campaign_id: string | null; text: string; details: unknown;
  read: boolean; read_at: string | null; created_at: string;
};

/** The most recent alerts, newest first (after `cursor`, the previous page's next_cursor), and how many are unread. */
export async function findAlerts({ db, limit = 20, unreadOnly = false, cursor }: { db: DbOrTx; limit?: number; unreadOnly?: boolean; cursor?: string }) {
  const take = Math.min(Math.max(limit, 1), 200);
  const key = cursor ? decodeCursor(cursor, 2) : null;
  const after = key ? { OR: [{ createdAt: { lt: cursorDate(key[0]) } }, { createdAt: cursorDate(key[0]), id: { lt: cursorUuid(key[1]) } }] } : {};
  const [found, unread] = await Promise.all([
    db.alert.findMany({
      where: { AND: [unreadOnly ? { readAt: null } : {}, after] },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: take + 1,
    }),
    db.alert.count({ where: { readAt: null } }),
  ]);
  const rows = found.slice(0, take);
  const last = rows[rows.length - 1];
  const next_cursor = found.length > take ? encodeCursor([last.createdAt.toISOString(), last.id]) : null;
  const alerts: AlertJson[] = rows.map((a) => ({
    id: a.id, severity: a.severity, kind: a.kind, campaign_id: a.campaignId, text: a.text, details: a.details,
    read: a.readAt !== null, read_at: a.readAt?.toISOString() ?? null,
    created_at: a.createdAt.toISOString(),
  }));
  return { alerts, unread, next_cursor };
}

export const ZMarkAlertsRead = z.union([
  z.object({ ids: z.array(ZUuid).min(1).max(500) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
export type TMarkAlertsRead = z.infer<typeof ZMarkAlertsRead>;

/** Marks alerts read (given ids, or all); viewers may not. */
export async function markAlertsRead({ db, now, input, principal }: { db: Db; now: Date; input: TMarkAlertsRead; principal?: Principal | null }) {
  if (principal && principal.role === "viewer") throw new AppError("FORBIDDEN", "Your role can view but not change anything.");
  const filter = "ids" in input ? Prisma.sql`AND id = ANY(${input.ids}::uuid[])` : Prisma.empty;
  const marked = await db.$executeRaw(Prisma.sql`UPDATE alerts SET read_at = ${now}::timestamptz WHERE read_at IS NULL ${filter}`);
  return { marked };
}

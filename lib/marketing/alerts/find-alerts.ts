import { z } from "zod";
import type { Principal } from "../auth/api-tokens";
import { Prisma, type Db, type DbOrTx } from "../db";
import { AppError } from "../errors";

export type AlertJson = {
  id: string; severity: string; kind: string; campaign_id: string | null; text: string; details: unknown;
  read: boolean; read_at: string | null; delivery_status: string; delivery_attempts: number; created_at: string;
};

/** The most recent alerts, newest first, and how many are unread. */
export async function findAlerts({ db, limit = 20, unreadOnly = false }: { db: DbOrTx; limit?: number; unreadOnly?: boolean }) {
  const [rows, unread] = await Promise.all([
    db.alert.findMany({
      where: unreadOnly ? { readAt: null } : {},
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: Math.min(Math.max(limit, 1), 200),
    }),
    db.alert.count({ where: { readAt: null } }),
  ]);
  const alerts: AlertJson[] = rows.map((a) => ({
    id: a.id, severity: a.severity, kind: a.kind, campaign_id: a.campaignId, text: a.text, details: a.details,
    read: a.readAt !== null, read_at: a.readAt?.toISOString() ?? null,
    delivery_status: a.deliveryStatus, delivery_attempts: a.deliveryAttempts, created_at: a.createdAt.toISOString(),
  }));
  return { alerts, unread };
}

export const ZMarkAlertsRead = z.union([
  z.object({ ids: z.array(z.uuid()).min(1).max(500) }).strict(),
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

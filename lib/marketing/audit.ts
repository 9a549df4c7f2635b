import type { DbOrTx } from "./db";

export async function audit(db: DbOrTx, entry: {
  actor: string; action: string; entityType: string; entityId?: string | null; details?: Record<string, unknown>; now: Date;
}) {
  await db.auditLog.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      details: (entry.details ?? {}) as object,
      createdAt: entry.now,
    },
  });
}

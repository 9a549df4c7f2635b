/**
 * API tokens managed in Settings: create (the secret is returned once, only its hash is stored; optionally
 * expiring after a number of days), list (prefix, role, last use, expiry), revoke.
 */
import { z } from "@/lib/zod";
import { audit } from "../audit";
import { createApiToken, ROLES, type Principal, type Role } from "../auth/api-tokens";
import type { Db } from "../db";
import { AppError } from "../errors";

export const ZCreateApiToken = z.object({
  name: z.string().trim().min(1, "give the token a name, e.g. the integration using it").max(100),
  role: z.enum(ROLES as [Role, ...Role[]], { message: "choose admin, marketer or viewer" }),
  /** days until the token stops working; absent = it never expires */
  expires_in_days: z.coerce.number().int("a whole number of days").min(1, "at least 1 day").max(3650, "at most 3650 days").optional(),
});
export type TCreateApiToken = z.infer<typeof ZCreateApiToken>;

export async function listApiTokens({ db, now }: { db: Db; now: Date }) {
  const rows = await db.apiToken.findMany({
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, name: true, prefix: true, role: true, lastUsedAt: true, expiresAt: true, revokedAt: true, createdAt: true, createdBy: { select: { email: true, name: true } } },
  });
  return rows.map((r) => ({ ...r, expired: r.expiresAt !== null && r.expiresAt.getTime() <= now.getTime() }));
}

export async function issueApiToken({ db, now, actor, input }: { db: Db; now: Date; actor: Principal; input: TCreateApiToken }) {
  return db.$transaction(async (tx) => {
    const expiresAt = input.expires_in_days ? new Date(now.getTime() + input.expires_in_days * 86_400_000) : null;
    const { token, apiToken } = await createApiToken({ db: tx, name: input.name, role: input.role, createdById: actor.kind === "user" ? actor.id : null, now, expiresAt });
    await audit(tx, { actor: actor.actor, action: "api_token.create", entityType: "api_token", entityId: apiToken.id, details: { name: input.name, role: input.role, expires_at: expiresAt?.toISOString() ?? null }, now });
    return { token, id: apiToken.id, prefix: apiToken.prefix, name: apiToken.name, role: apiToken.role, expiresAt };
  });
}

export async function revokeApiToken({ db, now, actor, tokenId }: { db: Db; now: Date; actor: Principal; tokenId: string }) {
  return db.$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: tokenId } });
    if (!row) throw new AppError("NOT_FOUND", "This token does not exist.");
    if (row.revokedAt) return row;
    const updated = await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: now } });
    await audit(tx, { actor: actor.actor, action: "api_token.revoke", entityType: "api_token", entityId: tokenId, details: { name: row.name }, now });
    return updated;
  });
}

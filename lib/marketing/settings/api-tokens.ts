/**
 * API tokens managed in Settings: create (the secret is returned once, only its hash is stored),
 * list (prefix, role, last use), revoke.
 */
import { z } from "zod";
import { audit } from "../audit";
import { createApiToken, ROLES, type Principal, type Role } from "../auth/api-tokens";
import type { Db } from "../db";
import { AppError } from "../errors";

export const ZCreateApiToken = z.object({
  name: z.string().trim().min(1, "give the token a name, e.g. the integration using it").max(100),
  role: z.enum(ROLES as [Role, ...Role[]], { message: "choose admin, marketer or viewer" }),
});
export type TCreateApiToken = z.infer<typeof ZCreateApiToken>;

export async function listApiTokens({ db }: { db: Db }) {
  return db.apiToken.findMany({
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, name: true, prefix: true, role: true, lastUsedAt: true, revokedAt: true, createdAt: true, createdBy: { select: { email: true, name: true } } },
  });
}

export async function issueApiToken({ db, now, actor, input }: { db: Db; now: Date; actor: Principal; input: TCreateApiToken }) {
  return db.$transaction(async (tx) => {
    const { token, apiToken } = await createApiToken({ db: tx, name: input.name, role: input.role, createdById: actor.kind === "user" ? actor.id : null, now });
    await audit(tx, { actor: actor.actor, action: "api_token.create", entityType: "api_token", entityId: apiToken.id, details: { name: input.name, role: input.role }, now });
    return { token, id: apiToken.id, prefix: apiToken.prefix, name: apiToken.name, role: apiToken.role };
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

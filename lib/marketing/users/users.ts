/**
 * The people who sign in to the dashboard: list, invite (create with a password), change role,
 * disable / enable, reset password. Only admins call these (the adapters check); the rules that keep the
 * workspace usable live here: the last active admin can be neither demoted nor disabled, nobody
 * disables themself.
 */
import { z } from "@/lib/zod";
import { audit } from "../audit";
import { ROLES, type Principal, type Role } from "../auth/api-tokens";
import { hashPassword } from "../auth/passwords";
import type { Db } from "../db";
import { AppError } from "../errors";

const ZRole = z.enum(ROLES as [Role, ...Role[]], { message: "choose admin, marketer or viewer" });
export const ZPassword = z.string().min(12, "at least 12 characters").max(200, "at most 200 characters");

export const ZCreateUser = z.object({
  email: z.string().trim().toLowerCase().email("enter a valid email address").max(320),
  name: z.string().trim().max(200).optional().transform((v) => (v ? v : undefined)),
  role: ZRole,
  password: ZPassword,
});
export type TCreateUser = z.infer<typeof ZCreateUser>;

export const ZUpdateUser = z.object({
  role: ZRole.optional(),
  disabled: z.boolean().optional(),
  password: ZPassword.optional(),
});
export type TUpdateUser = z.infer<typeof ZUpdateUser>;

export type UserRow = { id: string; email: string; name: string | null; role: Role; disabled: boolean; lastLoginAt: Date | null; createdAt: Date };

export async function listUsers({ db }: { db: Db }): Promise<UserRow[]> {
  const rows = await db.user.findMany({
    orderBy: [{ disabled: "asc" }, { createdAt: "asc" }],
    select: { id: true, email: true, name: true, role: true, disabled: true, lastLoginAt: true, createdAt: true },
  });
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}

export async function createUser({ db, now, actor, input }: { db: Db; now: Date; actor: Principal; input: TCreateUser }) {
  const existing = await db.user.findUnique({ where: { email: input.email } });
  if (existing) throw new AppError("CONFLICT", "A user with this email already exists.", [{ path: "email", message: "already has an account" }]);
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email: input.email, name: input.name ?? null, role: input.role, passwordHash, createdAt: now },
      select: { id: true, email: true, name: true, role: true },
    });
    await audit(tx, { actor: actor.actor, action: "user.create", entityType: "user", entityId: user.id, details: { email: user.email, role: user.role }, now });
    return user;
  });
}

export async function updateUser({ db, now, actor, userId, input }: { db: Db; now: Date; actor: Principal; userId: string; input: TUpdateUser }) {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return db.$transaction(async (tx) => {
    // serialise admin changes: two admins demoting each other at once cannot leave nobody in charge
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('users.admins'))`;
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new AppError("NOT_FOUND", "This user does not exist.");
    if (input.disabled === true && actor.id === userId) throw new AppError("CONFLICT", "You cannot disable your own account.");
    const losesAdmin = user.role === "admin" && !user.disabled && ((input.role !== undefined && input.role !== "admin") || input.disabled === true);
    if (losesAdmin) {
      const admins = await tx.user.count({ where: { role: "admin", disabled: false } });
      if (admins <= 1) throw new AppError("CONFLICT", "The workspace needs at least one active admin.");
    }
    // a new password or role ends the user's sessions signed before it (lib/auth.ts checks the version)
    const endsSessions = !!passwordHash || (input.role !== undefined && input.role !== user.role);
    const updated = await tx.user.update({
      where: { id: userId },
      data: { role: input.role, disabled: input.disabled, passwordHash, ...(endsSessions ? { sessionVersion: { increment: 1 } } : {}) },
      select: { id: true, email: true, name: true, role: true, disabled: true, sessionVersion: true },
    });
    const details: Record<string, unknown> = {};
    if (input.role !== undefined && input.role !== user.role) details.role = { from: user.role, to: input.role };
    if (input.disabled !== undefined && input.disabled !== user.disabled) details.disabled = input.disabled;
    if (passwordHash) details.password = "reset";
    await audit(tx, { actor: actor.actor, action: "user.update", entityType: "user", entityId: userId, details, now });
    return updated;
  });
}

/**
 * The first admin of a fresh deployment: while the workspace has no user at all, the configured
 * ADMIN_EMAIL / ADMIN_PASSWORD become an admin — once. Every process may call this on start (several
 * serverless instances start together): a transaction-scoped advisory lock serialises them, the user count
 * is read under it and the email's unique index backs it, so exactly one user is created. Once anyone
 * exists, nothing happens, even if the variables change later (passwords are changed in Settings).
 */
import { z } from "@/lib/zod";
import { audit } from "../audit";
import { hashPassword } from "../auth/passwords";
import type { Db } from "../db";
import { AppError } from "../errors";
import { ZPassword } from "./users";

export const ZFirstAdmin = z.object({
  email: z.string().trim().toLowerCase().email("ADMIN_EMAIL must be a valid email address").max(320),
  password: ZPassword,
});

export type FirstAdminResult = { created: true; userId: string; email: string } | { created: false };

/** Throws VALIDATION_FAILED (before touching the database) when the configured admin is not acceptable. */
export function parseFirstAdmin(input: { email?: string; password?: string }): z.infer<typeof ZFirstAdmin> {
  const parsed = ZFirstAdmin.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path[0] === "password" ? "ADMIN_PASSWORD" : "ADMIN_EMAIL", message: i.message }));
    throw new AppError("VALIDATION_FAILED", `The first admin cannot be created: ${details.map((d) => `${d.path}: ${d.message}`).join("; ")}.`, details);
  }
  return parsed.data;
}

export async function ensureFirstAdmin({ db, now, email, password }: { db: Db; now: Date; email?: string; password?: string }): Promise<FirstAdminResult> {
  const admin = parseFirstAdmin({ email, password });
  // the cheap check first: a running workspace never pays for the password hash
  if ((await db.user.count()) > 0) return { created: false };
  const passwordHash = await hashPassword(admin.password);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('users.first-admin'))`;
    if ((await tx.user.count()) > 0) return { created: false } as const;
    const user = await tx.user.create({
      data: { email: admin.email, name: "Admin", role: "admin", passwordHash, createdAt: now },
      select: { id: true, email: true },
    });
    await audit(tx, { actor: "system", action: "user.create", entityType: "user", entityId: user.id, details: { email: user.email, role: "admin", source: "ADMIN_EMAIL" }, now });
    return { created: true, userId: user.id, email: user.email } as const;
  });
}

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DbOrTx } from "../db";
import { AppError } from "../errors";

export type Role = "admin" | "marketer" | "viewer";
export const ROLES: readonly Role[] = ["admin", "marketer", "viewer"];

export type Principal = {
  kind: "user" | "token" | "env-token" | "cron";
  id: string | null;
  role: Role;
  /** written to the audit log: "user:<id>", "token:<id>", "env-token", "cron" */
  actor: string;
  email?: string | null;
};

export const TOKEN_PREFIX = "wac_";

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A new API token: 32 random bytes, base64url, with a recognisable prefix. Only its hash is stored. */
export function generateApiToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: sha256Hex(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export async function createApiToken({ db, name, role, createdById, now, expiresAt = null }: {
  db: DbOrTx; name: string; role: Role; createdById: string | null; now: Date; expiresAt?: Date | null;
}) {
  const { token, hash, prefix } = generateApiToken();
  const row = await db.apiToken.create({ data: { name, role, prefix, tokenHash: hash, createdById, createdAt: now, expiresAt } });
  return { token, apiToken: row };
}

/**
 * Resolves a bearer token: the static MARKETING_API_TOKEN / CRON_SECRET, or a stored token (by hash).
 * An expired stored token is refused with TOKEN_EXPIRED (the caller learns to make a new one), a revoked
 * or unknown one is simply not authenticated. Records last_used_at (at most once a minute, so a busy
 * integration does not write on every call).
 */
export async function verifyBearerToken({ db, token, now, marketingApiToken, cronSecret, allowCron }: {
  db: DbOrTx;
  token: string;
  now: Date;
  marketingApiToken?: string;
  cronSecret?: string;
  allowCron: boolean;
}): Promise<Principal | null> {
  if (!token || token.length > 512) return null;
  if (allowCron && cronSecret && constantTimeEqual(token, cronSecret)) {
    return { kind: "cron", id: null, role: "marketer", actor: "cron" };
  }
  if (marketingApiToken && constantTimeEqual(token, marketingApiToken)) {
    return { kind: "env-token", id: null, role: "admin", actor: "env-token" };
  }
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: sha256Hex(token) } });
  if (!row || row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("TOKEN_EXPIRED", `This API token expired on ${row.expiresAt.toISOString()}: an admin can create a new one in Settings → API tokens.`);
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { kind: "token", id: row.id, role: row.role as Role, actor: `token:${row.id}` };
}

export function canMutate(p: Principal): boolean {
  return p.role === "admin" || p.role === "marketer";
}

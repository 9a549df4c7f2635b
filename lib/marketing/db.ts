/** The database types the domain is written against (the client itself is passed in). */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
/** Either the client or an open transaction. */
export type DbOrTx = Db | Tx;
export { Prisma };

/** Retries a unit of work on serialization failures and deadlocks (SQLSTATE 40001 / 40P01). */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts || !isRetryableDbError(error)) throw error;
      await new Promise((r) => setTimeout(r, 10 * 2 ** i + Math.random() * 20));
    }
  }
}

export function pgErrorCode(error: unknown): string | undefined {
  // driver-adapter errors carry the SQLSTATE in `cause.originalCode` or `meta.code`; pg errors in `code`
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const k of ["originalCode", "code"]) {
      const v = o[k];
      if (typeof v === "string" && /^[0-9A-Z]{5}$/.test(v)) return v;
    }
    const meta = o.meta as Record<string, unknown> | undefined;
    if (meta && typeof meta.code === "string" && /^[0-9A-Z]{5}$/.test(meta.code)) return meta.code;
    e = o.cause;
  }
  return undefined;
}

export function isRetryableDbError(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === "40001" || code === "40P01";
}

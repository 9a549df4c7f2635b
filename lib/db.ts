/**
 * THE Prisma client of the app (one per process, cached on globalThis so dev reloads reuse it).
 * Domain code receives a `Db` as a parameter; scripts and tests create their own with createDb().
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/marketing/db";

export type { Db };

export function createDb(connectionString: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { __db?: Db };

export function getDb(): Db {
  if (!globalForDb.__db) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm run dev` (embedded database) or set it.");
    globalForDb.__db = createDb(url, { max: Number(process.env.DATABASE_POOL_MAX ?? 10) });
  }
  return globalForDb.__db;
}

/**
 * THE Prisma client of the app (one per process, cached on globalThis so dev reloads reuse it).
 * Domain code receives a `Db` as a parameter; scripts and tests create their own with createDb().
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/marketing/db";

export type { Db };

// on the client itself under a registered symbol, not in a module-level map: the production build bundles
// this module into each route's chunk, and the client (cached on globalThis) is made by whichever came first
const POOL = Symbol.for("whatsapp-campaigns.pg-pool");
type WithPool = { [POOL]?: pg.Pool };

export function createDb(connectionString: string, options: { max?: number } = {}): Db {
  // the client's own pool, kept so the few statements that skip the ORM share its connections
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  (db as unknown as WithPool)[POOL] = pool;
  return db;
}

/**
 * The pg pool under a client made by createDb: for a hot statement that needs no ORM work (the webhook's
 * inbox insert, prepared once per connection). Undefined for a client made otherwise.
 */
export function pgPoolOf(db: Db): pg.Pool | undefined {
  return (db as unknown as WithPool)[POOL];
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

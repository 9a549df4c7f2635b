/**
 * THE Prisma client of the app (one per process, cached on globalThis so dev reloads reuse it).
 * Domain code receives a `Db` as a parameter; scripts and tests create their own with createDb().
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { setTransactionRunner, statementName, type Db, type PlainRead, type RunInTransaction } from "@/lib/marketing/db";

export type { Db };

// on the client itself under a registered symbol, not in a module-level map: the production build bundles
// this module into each route's chunk, and the client (cached on globalThis) is made by whichever came first
const POOL = Symbol.for("whatsapp-campaigns.pg-pool");
type WithPool = { [POOL]?: pg.Pool };

/**
 * Names for the statements worth keeping prepared on each connection: PostgreSQL then parses a statement
 * once per connection and, after five runs, reuses a generic plan when it costs no more than planning anew
 * (planning took 1–4 ms for the statements of several subqueries, more than running them). A text gets a
 * name on its third run; the others stay unnamed, so a text that varies (a list of n values inlined, a
 * literal) prepares nothing. At most `limit` names per process bound what each connection keeps. A
 * statement names its output columns (never a table's `*` in the output): when a migration adds a column,
 * a prepared `SELECT u.*` fails on the connections that prepared it until they close.
 */
export function hotStatementNamer(limit = 200): (query: { sql: string }) => string | undefined {
  const names = new Map<string, string>();
  const seen = new Map<string, number>();
  return ({ sql }) => {
    const name = names.get(sql);
    if (name !== undefined || names.size >= limit) return name;
    const runs = (seen.get(sql) ?? 0) + 1;
    if (runs < 3) {
      if (seen.size >= 10_000) seen.clear();
      seen.set(sql, runs);
      return undefined;
    }
    seen.delete(sql);
    const named = statementName(sql);
    names.set(sql, named);
    return named;
  };
}

/**
 * PrismaPg, except that a transaction whose COMMIT or ROLLBACK fails still gives its connection back.
 * Prisma's transaction manager sends COMMIT (or ROLLBACK) and frees the connection only once that
 * succeeded: when the database goes away mid-commit (a restart, a failover), the connection stayed checked
 * out of the pool for good, the pool shrank by one, and its end() ($disconnect) waited forever. The failed
 * connection is destroyed (never reused: its transaction's state is unknown); Prisma's own release after
 * it is then a no-op.
 */
class ReleasingPrismaPg extends PrismaPg {
  override async connect(): ReturnType<PrismaPg["connect"]> {
    const adapter = await super.connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const tx = releaseOnFailedEnd(await start(isolationLevel));
      // the transaction a runner of createDb (below) is starting in this async context: its connection
      const starting = startingTransaction.getStore();
      if (starting && !starting.client) {
        starting.client = (tx as unknown as { client: pg.PoolClient }).client;
        const commit = tx.commit.bind(tx);
        const rollback = tx.rollback.bind(tx);
        tx.commit = async () => { starting.ended = true; await commit(); };
        tx.rollback = async () => { starting.ended = true; await rollback(); };
      }
      return tx;
    };
    return adapter;
  }
}

type Tx = Awaited<ReturnType<Awaited<ReturnType<PrismaPg["connect"]>>["startTransaction"]>>;

function releaseOnFailedEnd(tx: Tx): Tx {
  // the adapter's transaction holds its pool client as `client` (protected in its type)
  const client = (tx as unknown as { client: pg.PoolClient }).client;
  let released = false;
  const executeRaw = tx.executeRaw.bind(tx);
  const commit = tx.commit.bind(tx);
  const rollback = tx.rollback.bind(tx);
  tx.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (!released && (query.sql === "COMMIT" || query.sql === "ROLLBACK")) {
        released = true;
        client.release(error instanceof Error ? error : new Error(String(error)));
      }
      throw error;
    }
  };
  tx.commit = async () => { if (!released) await commit(); };
  tx.rollback = async () => { if (!released) await rollback(); };
  return tx;
}

/** the connection of the transaction that a runner of createDb is starting, and whether it has ended */
type Starting = { client?: pg.PoolClient; ended?: boolean };
const startingTransaction = new AsyncLocalStorage<Starting>();

/**
 * Prisma's interactive transaction, with a plain `read` on its own connection (RunInTransaction): the
 * adapter's startTransaction (above) runs in the async context of the $transaction call, and hands the
 * connection it took to this call's holder. `read` refuses to run once the transaction has ended (the
 * connection is back in the pool, maybe another's). Should the adapter not have seen this context (no
 * connection handed over), the unit of work gets no `read` and its statements use the ORM.
 */
function plainTransactionRunner(db: Db): RunInTransaction {
  return (fn, options) => {
    const starting: Starting = {};
    return startingTransaction.run(starting, () => db.$transaction(async (tx) => {
      const client = starting.client;
      const read: PlainRead | undefined = client
        ? (q) => {
            if (starting.ended) return Promise.reject(new Error("The transaction has ended: its connection is no longer its own."));
            return client.query(q);
          }
        : undefined;
      return fn(tx, read);
    }, options));
  };
}

export function createDb(connectionString: string, options: { max?: number } = {}): Db {
  // the client's own pool, kept so the few statements that skip the ORM share its connections
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // (the adapter passes the name to pg's query as is, and pg runs a query without a name unprepared: the
  // adapter's type says string only)
  const statementNameGenerator = hotStatementNamer() as (query: { sql: string }) => string;
  const db = new PrismaClient({ adapter: new ReleasingPrismaPg(pool, { disposeExternalPool: true, statementNameGenerator }) });
  (db as unknown as WithPool)[POOL] = pool;
  setTransactionRunner(db, plainTransactionRunner(db));
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

/** A plain pg query on the pool under a client made by createDb (prepared by name, no ORM work): the domain's
 *  `read` for statements run many times a second. Undefined for a client made otherwise. */
export function plainReadOf(db: Db): PlainRead | undefined {
  const pool = pgPoolOf(db);
  return pool ? (q) => pool.query(q) : undefined;
}

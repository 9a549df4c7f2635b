/** The database types the domain is written against (the client itself is passed in). */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createHash } from "node:crypto";
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

/** A SQLSTATE: five digits or capitals, never one of Prisma's own codes (P1000–P6999; PL/pgSQL's P0001… are SQLSTATEs). */
const isSqlState = (v: unknown): v is string => typeof v === "string" && /^[0-9A-Z]{5}$/.test(v) && !/^P[1-9][0-9]{3}$/.test(v);

export function pgErrorCode(error: unknown): string | undefined {
  // pg errors carry the SQLSTATE in `code`; Prisma's error for a failed raw query is its own P2010 with the
  // driver adapter's error in `meta.driverAdapterError`, whose `cause.originalCode` is the SQLSTATE
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const k of ["originalCode", "code"]) {
      if (isSqlState(o[k])) return o[k];
    }
    queue.push(o.meta, o.driverAdapterError, o.cause);
  }
  return undefined;
}

export function isRetryableDbError(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === "40001" || code === "40P01";
}

/** PostgreSQL refused text it cannot store: a NUL character in text (22021) or in jsonb (22P05). */
export function isUnstorableTextError(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === "22021" || code === "22P05";
}

/**
 * A plain SQL runner (a pg pool's `query`): reads a hot statement without the ORM's per-query work (about
 * 1.4 ms of CPU for a findUnique, 0.5 ms for a $queryRaw, 0.1 ms through pg directly), as a named statement:
 * PostgreSQL parses it once per connection and, after a few runs, stops planning it (planning a statement
 * of several subqueries took 1–4 ms, more than running it).
 */
export type PlainRead = (q: { name: string; text: string; values: unknown[] }) => Promise<{ rows: unknown[]; rowCount?: number | null }>;

const statementNames = new Map<string, string>();

/** A prepared statement's name for a text: the same text always gets the same name, another text another. */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `wac_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    if (statementNames.size > 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Rows of one statement, through `read` when given, else through the ORM. The two drivers return the same
 * values only for text, int4, float8, boolean, timestamptz, uuid and json columns: cast bigint, numeric and
 * date columns (to int, float8 or text) in statements read this way, or read them with Number().
 */
export async function readRows<T>(db: DbOrTx, sql: Prisma.Sql, read?: PlainRead): Promise<T[]> {
  if (!read) return db.$queryRaw<T[]>(sql);
  return (await runPlain(read, sql)).rows as T[];
}

/** A statement's count of rows changed, through `read` when given (as readRows), else through the ORM ($executeRaw). */
export async function executeRows(db: DbOrTx, sql: Prisma.Sql, read?: PlainRead): Promise<number> {
  if (!read) return db.$executeRaw(sql);
  return (await runPlain(read, sql)).rowCount ?? 0;
}

/** `sql` through `read`, as the named statement of its text */
const runPlain = (read: PlainRead, sql: Prisma.Sql) => read({ name: statementName(sql.text), text: sql.text, values: sql.values });

/**
 * A unit of work in one transaction (as `db.$transaction`). `read`, when given, runs a statement on that
 * transaction's own connection without the ORM's per-query work (as readRows' `read`): for the few
 * statements of a hot transaction whose rows are many, e.g. the applier's chunk (the ORM's CPU for their
 * rows was about half of the applier's process in a profile of bench 7c).
 */
export type RunInTransaction = <T>(
  fn: (tx: Tx, read: PlainRead | undefined) => Promise<T>,
  options?: { timeout?: number; maxWait?: number },
) => Promise<T>;

// on the client under a registered symbol (see lib/db.ts: the production build may bundle that module twice)
const RUN_IN_TRANSACTION = Symbol.for("whatsapp-campaigns.run-in-transaction");
type WithRunner = { [RUN_IN_TRANSACTION]?: RunInTransaction };

/** Gives `db` a transaction runner that also offers a plain `read` (lib/db.ts createDb does). */
export function setTransactionRunner(db: Db, run: RunInTransaction): void {
  (db as unknown as WithRunner)[RUN_IN_TRANSACTION] = run;
}

/** The runner its maker gave `db` (lib/db.ts createDb), else Prisma's transaction without a plain `read`. */
export function transactionRunnerOf(db: Db): RunInTransaction {
  return (db as unknown as WithRunner)[RUN_IN_TRANSACTION] ?? ((fn, options) => db.$transaction((tx) => fn(tx, undefined), options));
}

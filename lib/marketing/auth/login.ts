/**
 * Sign-in with limits kept in PostgreSQL (shared by every serverless instance).
 *
 * Every attempt is counted BEFORE the password is verified, in one statement per attempt, so N parallel
 * guesses count N and at most the allowed number of them is ever verified. Two keys are counted:
 *   - the account AND client pair ('pair:<email>|<client>'): LOGIN_MAX_FAILURES free failures, then the
 *     pair is locked for LOGIN_LOCK_BASE_MS, doubling with each further failure up to LOGIN_LOCK_MAX_MS.
 *     A stranger elsewhere who guesses an admin's password locks only their own pair, never the admin;
 *   - the client ('client:<address>'), across accounts: LOGIN_MAX_CLIENT_FAILURES, with the same growth.
 *     Skipped when the address is unknown (no trusted proxy: see lib/http/client-address.ts) — then all
 *     clients share the pair key of the account.
 * An attempt that finds a key locked is refused without verifying (RATE_LIMITED with the seconds to wait);
 * it counts, so the next lock is longer, but does not lengthen the running one.
 * A successful sign-in clears its pair and takes its own count back from the client key. Counts restart
 * LOGIN_WINDOW_MS after their first failure once no lock is running; such rows are pruned as attempts come.
 * Unknown accounts cost the same Argon2 verification as known ones.
 */
import { AppError } from "../errors";
import { Prisma, type Db } from "../db";
import type { Role } from "./api-tokens";
import { getDummyHash, verifyPassword } from "./passwords";

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_MAX_CLIENT_FAILURES = 20;
export const LOGIN_WINDOW_MS = 24 * 60 * 60_000;
export const LOGIN_LOCK_BASE_MS = 30_000;
export const LOGIN_LOCK_MAX_MS = 60 * 60_000;
/** the client key when no trusted proxy reports the address */
export const UNKNOWN_CLIENT = "unknown";

export type AuthenticatedUser = { id: string; email: string; name: string | null; role: Role; sessionVersion: number };

function loginKeys(normalizedEmail: string, clientKey: string): { pair: string; client: string | null } {
  return { pair: `pair:${normalizedEmail}|${clientKey}`, client: clientKey === UNKNOWN_CLIENT ? null : `client:${clientKey}` };
}

/** the lock after `failures` failures on a key allowing `max`: base · 2^(failures − max), capped */
export function lockMs(failures: number, max: number): number {
  if (failures < max) return 0;
  return Math.min(LOGIN_LOCK_BASE_MS * 2 ** Math.min(failures - max, 30), LOGIN_LOCK_MAX_MS);
}

/**
 * Seconds until this email from this client may try again, or null when not locked. The sign-in route
 * asks this before next-auth runs, to answer 429 with Retry-After.
 */
export async function loginLockedFor({ db, email, clientKey, now }: { db: Db; email: string; clientKey: string; now: Date }): Promise<number | null> {
  const { pair, client } = loginKeys(email.trim().toLowerCase(), clientKey);
  const locked = await db.loginAttempt.findMany({ where: { key: { in: client ? [pair, client] : [pair] }, lockedUntil: { gt: now } } });
  if (locked.length === 0) return null;
  const until = Math.max(...locked.map((l) => l.lockedUntil!.getTime()));
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

/**
 * Counts one attempt on each key, atomically: a key whose first failure is older than the window (and no
 * lock running) starts again at 1; a key at or over its limit is locked for lockMs(count). Returns, per
 * key, whether the key was already locked when this attempt came (read in the same statement).
 */
async function countAttempt(db: Db, keys: string[], now: Date): Promise<Array<{ key: string; refused: boolean; locked_until: Date | null }>> {
  const windowStart = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const max = (k: Prisma.Sql) => Prisma.sql`(CASE WHEN ${k} LIKE 'client:%' THEN ${LOGIN_MAX_CLIENT_FAILURES}::int ELSE ${LOGIN_MAX_FAILURES}::int END)`;
  const lockFor = (failures: Prisma.Sql, k: Prisma.Sql) => Prisma.sql`(CASE WHEN ${failures} >= ${max(k)}
    THEN ${now}::timestamptz + least(${LOGIN_LOCK_BASE_MS}::float8 * power(2, least(${failures} - ${max(k)}, 30)), ${LOGIN_LOCK_MAX_MS}::float8) * interval '1 millisecond'
    ELSE NULL END)`;
  const lockRunning = Prisma.sql`(login_attempts.locked_until IS NOT NULL AND login_attempts.locked_until > ${now}::timestamptz)`;
  const restart = Prisma.sql`(login_attempts.window_start < ${windowStart}::timestamptz AND NOT ${lockRunning})`;
  const next = Prisma.sql`(CASE WHEN ${restart} THEN 1 ELSE login_attempts.failures + 1 END)`;
  // times are bound as text by the pg adapter: every one is cast
  return db.$queryRaw(Prisma.sql`
    INSERT INTO login_attempts AS login_attempts (key, failures, window_start, locked_until, last_refused)
    SELECT k, 1, ${now}::timestamptz, ${lockFor(Prisma.sql`1`, Prisma.sql`k`)}, false FROM unnest(${keys}::text[]) k
    ON CONFLICT (key) DO UPDATE SET
      last_refused = ${lockRunning},
      failures = ${next},
      window_start = CASE WHEN ${restart} THEN ${now}::timestamptz ELSE login_attempts.window_start END,
      locked_until = CASE WHEN ${lockRunning} THEN login_attempts.locked_until ELSE ${lockFor(next, Prisma.sql`login_attempts.key`)} END
    RETURNING key, last_refused AS refused, locked_until`);
}

/** drops counts nobody needs any more (first failure older than the window, no lock running), a few at a time */
async function pruneAttempts(db: Db, now: Date) {
  await db.$executeRaw(Prisma.sql`
    DELETE FROM login_attempts WHERE key IN (
      SELECT key FROM login_attempts
      WHERE window_start < ${new Date(now.getTime() - LOGIN_WINDOW_MS)}::timestamptz AND (locked_until IS NULL OR locked_until <= ${now}::timestamptz)
      LIMIT 200)`);
}

/** Checks an email + password under the limits above; null when they do not match an enabled account. */
export async function authenticateUser({ db, email, password, clientKey, now }: {
  db: Db; email: string; password: string; clientKey: string; now: Date;
}): Promise<AuthenticatedUser | null> {
  const normalizedEmail = email.trim().toLowerCase();
  const { pair, client } = loginKeys(normalizedEmail, clientKey);

  const counted = await countAttempt(db, client ? [pair, client] : [pair], now);
  await pruneAttempts(db, now);
  const refused = counted.filter((c) => c.refused && c.locked_until);
  if (refused.length > 0) {
    const until = Math.max(...refused.map((c) => c.locked_until!.getTime()));
    throw new AppError("RATE_LIMITED", "Too many sign-in attempts. Try again later.", { retry_after_seconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) });
  }

  const user = await db.user.findUnique({ where: { email: normalizedEmail } });
  const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), password);
  if (user && ok && !user.disabled) {
    await db.$transaction([
      db.loginAttempt.deleteMany({ where: { key: pair } }),
      ...(client ? [db.$executeRaw(Prisma.sql`UPDATE login_attempts SET failures = greatest(failures - 1, 0) WHERE key = ${client}`)] : []),
      db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } }),
    ]);
    return { id: user.id, email: user.email, name: user.name, role: user.role as Role, sessionVersion: user.sessionVersion };
  }
  return null;
}

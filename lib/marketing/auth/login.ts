import { AppError } from "../errors";
import type { Db } from "../db";
import type { Role } from "./api-tokens";
import { getDummyHash, verifyPassword } from "./passwords";

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_LOCK_MS = 15 * 60_000;

export type AuthenticatedUser = { id: string; email: string; name: string | null; role: Role };

function loginKeys(normalizedEmail: string, clientKey: string): string[] {
  return [`email:${normalizedEmail}`, `client:${clientKey}`];
}

/**
 * Seconds until this email or client address may try again, or null when neither is locked. The sign-in
 * route asks this before next-auth runs, to answer 429 with Retry-After.
 */
export async function loginLockedFor({ db, email, clientKey, now }: { db: Db; email: string; clientKey: string; now: Date }): Promise<number | null> {
  const keys = loginKeys(email.trim().toLowerCase(), clientKey);
  const locked = await db.loginAttempt.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } } });
  if (locked.length === 0) return null;
  const until = Math.max(...locked.map((l) => l.lockedUntil!.getTime()));
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

/**
 * Checks an email + password. Failures are counted per email and per client address in Postgres
 * (shared by every serverless instance); after LOGIN_MAX_FAILURES in the window the key is locked and
 * RATE_LIMITED is thrown with the seconds to wait. Unknown accounts cost the same Argon2 verification.
 */
export async function authenticateUser({ db, email, password, clientKey, now }: {
  db: Db; email: string; password: string; clientKey: string; now: Date;
}): Promise<AuthenticatedUser | null> {
  const normalizedEmail = email.trim().toLowerCase();
  const keys = loginKeys(normalizedEmail, clientKey);

  const wait = await loginLockedFor({ db, email: normalizedEmail, clientKey, now });
  if (wait !== null) {
    throw new AppError("RATE_LIMITED", "Too many sign-in attempts. Try again later.", { retryAfterSeconds: wait });
  }

  const user = await db.user.findUnique({ where: { email: normalizedEmail } });
  const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), password);
  if (user && ok && !user.disabled) {
    await db.$transaction([
      db.loginAttempt.deleteMany({ where: { key: { in: keys } } }),
      db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } }),
    ]);
    return { id: user.id, email: user.email, name: user.name, role: user.role as Role };
  }

  for (const key of keys) {
    // one statement per key: count the failure, start a new window when the old one expired, lock at the limit
    // (times bound as text by the pg adapter: cast, or CASE … ELSE NULL is typed text and the insert fails)
    await db.$executeRaw`
      INSERT INTO login_attempts (key, failures, window_start, locked_until)
      VALUES (${key}, 1, ${now}::timestamptz, NULL)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_attempts.window_start < ${new Date(now.getTime() - LOGIN_WINDOW_MS)}::timestamptz
                        THEN 1 ELSE login_attempts.failures + 1 END,
        window_start = CASE WHEN login_attempts.window_start < ${new Date(now.getTime() - LOGIN_WINDOW_MS)}::timestamptz
                        THEN ${now}::timestamptz ELSE login_attempts.window_start END,
        locked_until = CASE WHEN login_attempts.window_start >= ${new Date(now.getTime() - LOGIN_WINDOW_MS)}::timestamptz
                             AND login_attempts.failures + 1 >= ${LOGIN_MAX_FAILURES}
                        THEN ${new Date(now.getTime() + LOGIN_LOCK_MS)}::timestamptz ELSE NULL END`;
  }
  return null;
}

/**
 * The API's rate limit per token: at most `limitPerMinute` requests in each fixed one-minute window,
 * counted in PostgreSQL so every serverless instance shares the count. One atomic upsert per request
 * decides: the request that makes the count exceed the limit, and every later one in the window, is
 * refused with RATE_LIMITED and the seconds until the window ends (Retry-After). Windows older than ten
 * minutes are pruned when a key opens a new window.
 */
import { Prisma, type DbOrTx } from "../db";
import { AppError } from "../errors";

export const API_RATE_WINDOW_MS = 60_000;

/** What the caller is told in X-RateLimit-* headers: the limit, what is left in this window, when it ends. */
export type ApiRateState = { limit: number; count: number; remaining: number; resetAt: Date };

export async function consumeApiRequest({ db, key, now, limitPerMinute }: { db: DbOrTx; key: string; now: Date; limitPerMinute: number }): Promise<ApiRateState | null> {
  if (limitPerMinute <= 0) return null; // no limit applies
  const windowStart = new Date(Math.floor(now.getTime() / API_RATE_WINDOW_MS) * API_RATE_WINDOW_MS);
  const [row] = await db.$queryRaw<Array<{ count: number }>>(Prisma.sql`
    INSERT INTO api_rate_limits (key, window_start, count) VALUES (${key}, ${windowStart}::timestamptz, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = api_rate_limits.count + 1
    RETURNING count`);
  const count = Number(row.count);
  if (count === 1) {
    await db.$executeRaw(Prisma.sql`DELETE FROM api_rate_limits WHERE window_start < ${new Date(windowStart.getTime() - 10 * API_RATE_WINDOW_MS)}::timestamptz`);
  }
  const resetAt = new Date(windowStart.getTime() + API_RATE_WINDOW_MS);
  if (count > limitPerMinute) {
    const retryAfterSeconds = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
    throw new AppError("RATE_LIMITED", `This API token is limited to ${limitPerMinute} requests a minute: retry after ${retryAfterSeconds} s.`,
      { retry_after_seconds: retryAfterSeconds, limit_per_minute: limitPerMinute, reset_at: resetAt.toISOString() });
  }
  return { limit: limitPerMinute, count, remaining: limitPerMinute - count, resetAt };
}

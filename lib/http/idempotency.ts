/**
 * Idempotency-Key for POST requests (the Stripe rule): the first request with a key claims it; its status
 * and body are kept per caller for 24 hours and a retry with the same key and the same request gets them
 * back without the work being done again. The same key with a different request is 422
 * IDEMPOTENCY_KEY_REUSED; a retry while the first is still running is 409 IDEMPOTENCY_KEY_IN_PROGRESS.
 *
 * The claim is one INSERT … ON CONFLICT, so concurrent retries race on the primary key and exactly one runs.
 * An answer of 5xx is not kept (the work rolled back or its outcome is unknown), nor a refusal that may not
 * hold later (409: the campaign's state or a send hold; 429: a limit that frees up): nothing was done, the key
 * is released and a retry with it runs again (a 429 is retried after its Retry-After, as clients do).
 * A claim left unanswered for 15 minutes (its instance died) may be claimed again.
 */
import { createHash } from "node:crypto";
import { Prisma, type Db } from "@/lib/marketing/db";
import { AppError } from "@/lib/marketing/errors";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** longer than any request can run: a claim still unanswered after this was abandoned (a crashed instance) */
export const IDEMPOTENCY_ABANDONED_MS = 15 * 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const PRUNE_BATCH = 100;

/** answers a retry gets back as they were; the others release the key (see above) */
const KEPT = (status: number) => status < 500 && status !== 409 && status !== 429;

export type IdempotencyClaim =
  | { kind: "claimed"; principal: string; key: string; createdAt: Date }
  | { kind: "replay"; status: number; body: string };

/** The header's value, checked: 1 to 255 visible ASCII characters. */
export function parseIdempotencyKey(value: string | null): string | null {
  if (value === null) return null;
  if (!KEY_PATTERN.test(value)) {
    throw new AppError("VALIDATION_FAILED", "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).", [
      { path: "Idempotency-Key", message: "invalid" },
    ]);
  }
  return value;
}

/** What makes two requests "the same": method, path with query, and the body's bytes. */
export function requestFingerprint(method: string, pathWithQuery: string, body: Uint8Array): string {
  return createHash("sha256").update(method).update("\n").update(pathWithQuery).update("\n").update(body).digest("hex");
}

export async function claimIdempotencyKey({ db, principal, key, fingerprint, now }: {
  db: Db; principal: string; key: string; fingerprint: string; now: Date;
}): Promise<IdempotencyClaim> {
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  const abandonedBefore = new Date(now.getTime() - IDEMPOTENCY_ABANDONED_MS);
  for (let attempt = 0; attempt < 5; attempt++) {
    // a new key, one whose 24 hours are over, or an abandoned claim is ours; a live one belongs to the first request
    const claimed = await db.$queryRaw<Array<{ created_at: Date }>>(Prisma.sql`
      INSERT INTO api_idempotency_keys (principal, key, request_hash, created_at)
      VALUES (${principal}, ${key}, ${fingerprint}, ${now}::timestamptz)
      ON CONFLICT (principal, key) DO UPDATE
        SET request_hash = excluded.request_hash, status = NULL, body = NULL, created_at = excluded.created_at, completed_at = NULL
        WHERE api_idempotency_keys.created_at < ${expiredBefore}::timestamptz
           OR (api_idempotency_keys.status IS NULL AND api_idempotency_keys.created_at < ${abandonedBefore}::timestamptz)
      RETURNING created_at`);
    if (claimed.length > 0) {
      await pruneExpiredKeys(db, expiredBefore);
      return { kind: "claimed", principal, key, createdAt: claimed[0].created_at };
    }
    const [row] = await db.$queryRaw<Array<{ request_hash: string; status: number | null; body: string | null }>>(Prisma.sql`
      SELECT request_hash, status, body FROM api_idempotency_keys WHERE principal = ${principal} AND key = ${key}`);
    if (!row) continue; // released by a failed first request in between: claim again
    if (row.request_hash !== fingerprint) {
      throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request.", { idempotency_key: key });
    }
    if (row.status === null || row.body === null) {
      throw new AppError("IDEMPOTENCY_KEY_IN_PROGRESS", "A request with this Idempotency-Key is still running. Retry later.", { idempotency_key: key });
    }
    return { kind: "replay", status: row.status, body: row.body };
  }
  throw new AppError("IDEMPOTENCY_KEY_IN_PROGRESS", "A request with this Idempotency-Key is still running. Retry later.", { idempotency_key: key });
}

/** Keeps the answer (or releases the key after a 5xx). Fenced by the claim's created_at. */
export async function completeIdempotencyKey({ db, claim, status, body, now }: {
  db: Db; claim: Extract<IdempotencyClaim, { kind: "claimed" }>; status: number; body: string; now: Date;
}): Promise<void> {
  if (!KEPT(status)) {
    await db.$executeRaw(Prisma.sql`
      DELETE FROM api_idempotency_keys
      WHERE principal = ${claim.principal} AND key = ${claim.key} AND created_at = ${claim.createdAt}::timestamptz AND status IS NULL`);
    return;
  }
  await db.$executeRaw(Prisma.sql`
    UPDATE api_idempotency_keys SET status = ${status}, body = ${body}, completed_at = ${now}::timestamptz
    WHERE principal = ${claim.principal} AND key = ${claim.key} AND created_at = ${claim.createdAt}::timestamptz AND status IS NULL`);
}

/** Keys older than 24 hours are dropped a bounded batch at a time, whenever a new key is claimed. */
async function pruneExpiredKeys(db: Db, expiredBefore: Date): Promise<void> {
  await db.$executeRaw(Prisma.sql`
    DELETE FROM api_idempotency_keys WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM api_idempotency_keys WHERE created_at < ${expiredBefore}::timestamptz LIMIT ${PRUNE_BATCH}))`);
}

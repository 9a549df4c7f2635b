/**
 * Meta's webhook subscription check (GET hub.verify_token): the token is compared in constant time —
 * both sides are hashed to the same length first, so neither the content nor the length of the
 * configured token leaks through timing. No configured token verifies nothing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export function verifyChallengeToken(given: string | null | undefined, expected: string | null | undefined): boolean {
  if (!expected || given === null || given === undefined) return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

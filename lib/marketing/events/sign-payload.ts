/**
 * Signatures the Stripe way: HMAC-SHA256 with the endpoint's secret over `${timestamp}.${body}`, sent as
 * `X-WAC-Signature: t=<unix seconds>,v1=<hex>`. Receivers recompute it over the raw body and refuse
 * timestamps older than a few minutes (replays).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-WAC-Signature";
export const SECRET_PREFIX = "whsec_";

export function generateEndpointSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64url");
}

export function signatureFor(secret: string, timestampSeconds: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
}

export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${signatureFor(secret, timestampSeconds, body)}`;
}

/** What a receiver does (used by the tests and shown in the README): true when the header signs this body recently. */
export function verifySignatureHeader({ secret, header, body, nowSeconds, toleranceSeconds = 300 }: {
  secret: string; header: string | null; body: string; nowSeconds: number; toleranceSeconds?: number;
}): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureFor(secret, t, body), "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

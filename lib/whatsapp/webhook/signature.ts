/**
 * X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body bytes with the app secret. Checked on
 * the bytes as received (Meta signs its escaped-unicode text, never a re-serialisation), in constant time
 * after a length check, before anything is parsed.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export function computeSignature(rawBody: Uint8Array | string, appSecret: string): string {
  return createHmac("sha256", appSecret).update(rawBody).digest("hex");
}

/** The header value Meta would send for this body: "sha256=<hex>". */
export function signatureHeader(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${computeSignature(rawBody, appSecret)}`;
}

export function verifyWebhookSignature(rawBody: Uint8Array, header: string | null | undefined, appSecret: string | null | undefined): boolean {
  if (!appSecret || !header) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1].toLowerCase(), "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

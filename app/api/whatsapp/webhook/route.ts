/**
 * WhatsApp Cloud API webhook.
 *  GET  – Meta's subscription check: hub.mode=subscribe and hub.verify_token → hub.challenge (text/plain).
 *  POST – raw body (≤ 3 MB) → X-Hub-Signature-256 check → JSON + zod parse → handleWebhookPayload.
 *         401 bad signature, 413 too large, 400 malformed, 503 when the events could not be stored (Meta
 *         retries), 200 otherwise.
 */
import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { errorResponse, readBodyBytes } from "@/lib/http/api-route";
import { handleWebhookPayload, WebhookPayloadError } from "@/lib/whatsapp/webhook/handle-webhook-payload";
import { verifyWebhookSignature } from "@/lib/whatsapp/webhook/signature";
import { verifyChallengeToken } from "@/lib/whatsapp/webhook/verify-challenge";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const MAX_WEBHOOK_BODY_BYTES = 3 * 1024 * 1024;

export async function GET(req: NextRequest) {
  const q = req.nextUrl.searchParams;
  const expected = getEnv().WHATSAPP_VERIFY_TOKEN;
  const challenge = q.get("hub.challenge") ?? "";
  if (q.get("hub.mode") === "subscribe" && verifyChallengeToken(q.get("hub.verify_token"), expected) && challenge.length <= 1000) {
    return new NextResponse(challenge, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  return errorResponse("FORBIDDEN", "Verification failed.");
}

export async function POST(req: NextRequest) {
  const env = getEnv();
  let raw: Buffer | null;
  try {
    raw = await readBodyBytes(req, MAX_WEBHOOK_BODY_BYTES);
  } catch {
    return errorResponse("BAD_REQUEST", "The request body could not be read.");
  }
  if (raw === null) return errorResponse("PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes.`);
  if (!verifyWebhookSignature(raw, req.headers.get("x-hub-signature-256"), env.WHATSAPP_APP_SECRET)) {
    return errorResponse("INVALID_SIGNATURE", "Missing or invalid X-Hub-Signature-256.");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch {
    return errorResponse("INVALID_JSON", "The request body is not valid JSON.");
  }
  try {
    const summary = await handleWebhookPayload({ db: getDb(), now: new Date(), payload, timezone: env.CAMPAIGN_TIMEZONE, log: console });
    return NextResponse.json({ ok: true, ...summary });
  } catch (error) {
    if (error instanceof WebhookPayloadError) return errorResponse("BAD_REQUEST", error.message, error.issues);
    console.error("[whatsapp webhook] could not store events:", error instanceof Error ? error.name : "unknown");
    return errorResponse("SERVICE_UNAVAILABLE", "The events could not be stored. Retry later.");
  }
}

/**
 * WhatsApp Cloud API webhook.
 *  GET  – Meta's subscription check: hub.mode=subscribe and hub.verify_token → hub.challenge (text/plain).
 *  POST – raw body (≤ 3 MB) → X-Hub-Signature-256 check → JSON → the delivery's events stored in the
 *         webhook inbox in one statement (with the deliveries that arrived meanwhile: lib/server/inbox-store.ts) → 200; the applier runs after the answer (after()).
 *         401 bad signature, 413 too large, 400 not JSON, 503 when the events could not be stored (Meta
 *         retries). A change that does not match its schema is stored quarantined: still 200.
 */
import { after, NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/lib/db";
import { applyInboxSoon } from "@/lib/server/inbox-applier";
import { getEnv } from "@/lib/env";
import { plainRoute, readBodyBytes, otherMethods } from "@/lib/http/api-route";
import { AppError } from "@/lib/marketing/errors";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { inboxRowsOf } from "@/lib/marketing/delivery/store-webhook-delivery";
import { inboxStoreOf } from "@/lib/server/inbox-store";
import { verifyWebhookSignature } from "@/lib/whatsapp/webhook/signature";
import { verifyChallengeToken } from "@/lib/whatsapp/webhook/verify-challenge";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const MAX_WEBHOOK_BODY_BYTES = 3 * 1024 * 1024;

export const GET = plainRoute(async (req: NextRequest) => {
  const q = req.nextUrl.searchParams;
  const expected = getEnv().WHATSAPP_VERIFY_TOKEN;
  const challenge = q.get("hub.challenge") ?? "";
  if (q.get("hub.mode") === "subscribe" && verifyChallengeToken(q.get("hub.verify_token"), expected) && challenge.length <= 1000) {
    return new NextResponse(challenge, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  throw new AppError("FORBIDDEN", "Verification failed.");
});

export const POST = plainRoute(async (req: NextRequest) => {
  const env = getEnv();
  const raw = await readBodyBytes(req, MAX_WEBHOOK_BODY_BYTES).catch(() => {
    throw new AppError("BAD_REQUEST", "The request body could not be read.");
  });
  if (raw === null) throw new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes.`);
  if (!verifyWebhookSignature(raw, req.headers.get("x-hub-signature-256"), env.WHATSAPP_APP_SECRET)) {
    throw new AppError("INVALID_SIGNATURE", "Missing or invalid X-Hub-Signature-256.");
  }
  const payload = parseJson(raw);
  const db = getDb();
  const own = { wabaId: env.WHATSAPP_BUSINESS_ACCOUNT_ID, phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID };
  // the one insert of the answer's path (prepared, on the client's own pool), shared with the deliveries
  // that arrive meanwhile (group commit); answered once it committed
  const stored = await (async () => inboxStoreOf(db)(inboxRowsOf(payload, own)))().catch((error: unknown) => {
    console.error("[whatsapp webhook] could not store events:", error instanceof Error ? error.name : "unknown");
    throw new AppError("SERVICE_UNAVAILABLE", "The events could not be stored. Retry later.");
  });
  // applied after the answer; whatever this misses, the next one or the processor's drain applies
  const apply = async () => {
    try {
      await applyInbox({ db, now: new Date(), timezone: env.CAMPAIGN_TIMEZONE, log: console });
    } catch (error) {
      console.error("[whatsapp webhook] applying the inbox failed (the processor will retry):", error instanceof Error ? error.message : "unknown");
    }
  };
  try {
    // one applier at a time in this process; the answer does not wait for it
    after(() => applyInboxSoon(apply));
  } catch {
    // outside Next's request scope (the handler called directly by a script or a test): apply first
    await apply();
  }
  // a few bytes for Meta: not cached, and not compressed (a gzip stream per answer cost more CPU than
  // the rest of the answer's path)
  return NextResponse.json({ ok: true, ...stored }, { headers: { "Cache-Control": "no-store, no-transform" } });
});

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new AppError("INVALID_JSON", "The request body is not valid JSON.");
  }
}

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"], { auth: false });

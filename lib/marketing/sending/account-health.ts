/**
 * Account health. WhatsApp tells us about the number's quality and the business portfolio's messaging
 * limit through `phone_number_quality_update` webhooks (event FLAGGED, UNFLAGGED, DOWNGRADE, UPGRADE,
 * ONBOARDING, THROUGHPUT_UPGRADE, … with max_daily_conversations_per_business TIER_50 / TIER_250 /
 * TIER_2K / TIER_10K / TIER_100K / TIER_UNLIMITED / TIER_NOT_SET; the older current_limit, which Meta
 * removes, is read when the new field is absent), through the limit read from Meta (read-messaging-limit.ts)
 * and through the account errors of sends. They are recorded in settings (quality_rating, messaging_limit_tier):
 *  - FLAGGED, a DOWNGRADE, or a policy/quality or payment account error (368, 131031, 131042, 131048, 131064) puts all
 *    marketing sending on hold (settings.send_hold) until an admin releases it (releaseSendHold);
 *  - the reported tier is the effective messaging limit when WHATSAPP_MESSAGING_LIMIT is not set
 *    (lib/server/engine.ts);
 *  - each of these raises an alert.
 * Webhook events carry their entry time: one older than the last applied is ignored (safe out of order).
 */
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { createAlert } from "../alerts/create-alert";
import { alertLiteral } from "../alerts/alert-text";
import { Prisma, type Db, type DbOrTx, type Tx } from "../db";
import { AppError } from "../errors";

/** Account error codes that mean WhatsApp is unhappy with how we send, or will refuse every send until an
 *  admin acts (131042: the account's payment method): hold everything. */
export const HOLD_ERROR_CODES: ReadonlySet<number> = new Set([368, 131031, 131042, 131048, 131064]);

const ZUnixTime = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative().max(1e12)]).transform((v) => new Date(Number(v) * 1000));

/**
 * A messaging-limit tier as WhatsApp reports it: "TIER_2K" (webhooks and GET /{phone-number-id}), or a
 * number of unique customers (2000; -1 = unlimited) as business_capability_update carries it.
 */
export const ZMessagingLimitTier = z.union([
  z.string().trim().min(1).max(50).transform((t) => t.toUpperCase()),
  z.number().int().min(-1).max(1e9).transform((n) => (n < 0 ? "TIER_UNLIMITED" : n >= 1000 && n % 1000 === 0 ? `TIER_${n / 1000}K` : `TIER_${n}`)),
]);

/** A tier that says what the limit is (TIER_NOT_SET — the number has not sent yet — says nothing). */
export function knownTier(tier: string | null | undefined): string | null {
  return tier && tier !== "TIER_NOT_SET" ? tier : null;
}

export const ZPhoneQualityValue = z.looseObject({
  display_phone_number: z.union([z.string().max(50), z.number()]).transform(String).optional(),
  event: z.string().min(1).max(100).transform((e) => e.toUpperCase()),
  /** the business portfolio's messaging limit (what Meta sends from 2026 on) */
  max_daily_conversations_per_business: ZMessagingLimitTier.nullish(),
  /** being removed by Meta: read only when max_daily_conversations_per_business is absent */
  current_limit: z.string().max(50).transform((e) => e.toUpperCase()).nullish(),
  old_limit: z.string().max(50).transform((e) => e.toUpperCase()).nullish(),
  entry_time: ZUnixTime.optional(),
});
export type TPhoneQualityValue = z.infer<typeof ZPhoneQualityValue>;

/** events whose current_limit is the number's throughput level, not its messaging limit (Meta's documented
 *  example of a throughput upgrade is current_limit TIER_UNLIMITED with no max_daily_conversations_per_business) */
const THROUGHPUT_EVENTS = new Set(["THROUGHPUT_UPGRADE", "THROUGHPUT_DOWNGRADE"]);

/** The tier a quality event reports (null = none, or TIER_NOT_SET). */
export function tierOfQualityEvent(v: TPhoneQualityValue): string | null {
  return knownTier(v.max_daily_conversations_per_business ?? null)
    ?? (THROUGHPUT_EVENTS.has(v.event) ? null : knownTier(v.current_limit ?? null));
}

/** Puts marketing sending on hold (keeps the first reason and time while already held) with an alert. */
export async function holdSending(db: DbOrTx, { now, reason, dedupeKey, details = {} }: { now: Date; reason: string; dedupeKey: string; details?: Record<string, unknown> }) {
  const n = await db.$executeRaw(Prisma.sql`
    UPDATE settings SET send_hold = true, send_hold_reason = ${reason}, send_hold_since = ${now}::timestamptz, updated_at = ${now}::timestamptz
    WHERE id = 1 AND NOT send_hold`);
  await createAlert(db, {
    severity: "critical", kind: "send_hold", dedupeKey, details,
    text: `${alertLiteral(reason, 500)} All marketing sending is on hold until an admin releases it (Settings → Account health).`,
  }, now);
  return n > 0;
}

export async function applyPhoneQualityUpdates({ tx, now }: { tx: Tx; now: Date }, values: TPhoneQualityValue[]) {
  let applied = 0;
  let stale = 0;
  let held = 0;
  for (const v of [...values].sort((a, b) => (a.entry_time ?? now).getTime() - (b.entry_time ?? now).getTime())) {
    const at = v.entry_time ?? now;
    const quality = v.event === "FLAGGED" ? "FLAGGED" : v.event === "UNFLAGGED" ? "GREEN" : null;
    const tier = tierOfQualityEvent(v);
    const n = await tx.$executeRaw(Prisma.sql`
      UPDATE settings SET
        quality_rating = coalesce(${quality}, quality_rating),
        messaging_limit_tier = coalesce(${tier}, messaging_limit_tier),
        account_event_at = ${at}::timestamptz, updated_at = ${now}::timestamptz
      WHERE id = 1 AND (account_event_at IS NULL OR account_event_at < ${at}::timestamptz)`);
    if (n === 0) {
      stale++;
      continue;
    }
    applied++;
    const key = `account_quality:${v.event}:${tier ?? ""}:${at.toISOString()}`;
    const number = v.display_phone_number ? ` ${alertLiteral(v.display_phone_number, 40)}` : "";
    const details = { event: v.event, tier, max_daily_conversations_per_business: v.max_daily_conversations_per_business ?? null, current_limit: v.current_limit ?? null, old_limit: v.old_limit ?? null };
    if (v.event === "FLAGGED" || v.event === "DOWNGRADE") {
      const reason = v.event === "FLAGGED"
        ? `WhatsApp flagged the phone number${number} for low quality (customers block or report its messages).`
        : `WhatsApp lowered the messaging limit${v.old_limit ? ` from ${v.old_limit}` : ""}${tier ? ` to ${tier}` : ""}.`;
      if (await holdSending(tx, { now, reason, dedupeKey: key, details })) held++;
    } else {
      const text = v.event === "UNFLAGGED" ? `WhatsApp no longer flags the phone number${number}: quality is back to normal.`
        : v.event === "UPGRADE" ? `WhatsApp raised the messaging limit${tier ? ` to ${tier}` : ""}.`
        : v.event === "THROUGHPUT_UPGRADE" ? `WhatsApp raised the phone number's throughput${tier ? ` (messaging limit ${tier})` : ""}.`
        : `WhatsApp reported ${v.event} for the phone number${number}${tier ? ` (messaging limit ${tier})` : ""}.`;
      const hold = await tx.setting.findUnique({ where: { id: 1 }, select: { sendHold: true } });
      await createAlert(tx, { severity: "info", kind: "account_quality", dedupeKey: key, details, text: hold?.sendHold ? `${text} Sending stays on hold until an admin releases it.` : text }, now);
    }
  }
  return { quality_updates: values.length, quality_applied: applied, quality_stale: stale, send_holds: held };
}

/** The webhook handler (registered in lib/whatsapp/webhook/handle-webhook-payload.ts). */
export const phoneQualityWebhookHandler = {
  field: "phone_number_quality_update",
  schema: ZPhoneQualityValue,
  withEntryTime: true,
  apply: (ctx: { tx: Tx; now: Date }, values: TPhoneQualityValue[]) => applyPhoneQualityUpdates(ctx, values),
};

/**
 * An account error answered to a send (the processor already stopped its run): a policy or quality code
 * holds sending; every one raises an alert (at most one per code per hour).
 */
export async function recordAccountError(db: DbOrTx, { now, code, title }: { now: Date; code: number | null; title: string }) {
  const hour = now.toISOString().slice(0, 13);
  if (code !== null && HOLD_ERROR_CODES.has(code)) {
    if (code === 131064) await db.$executeRaw(Prisma.sql`UPDATE settings SET quality_rating = 'FLAGGED', updated_at = ${now}::timestamptz WHERE id = 1`);
    await holdSending(db, { now, reason: `WhatsApp refused a send: ${title}.`, dedupeKey: `account_error:${code}:${hour}`, details: { code, title } });
    return { held: true };
  }
  await createAlert(db, {
    severity: "critical", kind: "account_error", dedupeKey: `account_error:${code ?? "none"}:${hour}`, details: { code, title },
    text: `WhatsApp refused sends with an account error (${alertLiteral(title)}): processing stopped. Check the WhatsApp configuration (token, permissions, payment).`,
  }, now);
  return { held: false };
}

/** Admins only: ends a send hold (sending resumes at the next processor run). */
export async function releaseSendHold({ db, now, principal }: { db: Db; now: Date; principal?: Principal | null }) {
  if (principal && principal.role !== "admin") throw new AppError("FORBIDDEN", "Only an admin can release the send hold.");
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ send_hold: boolean; send_hold_reason: string | null; send_hold_since: Date | null }>>(Prisma.sql`
      SELECT send_hold, send_hold_reason, send_hold_since FROM settings WHERE id = 1 FOR UPDATE`);
    if (!row?.send_hold) return { released: false, message: "Sending was not on hold." };
    await tx.$executeRaw(Prisma.sql`UPDATE settings SET send_hold = false, send_hold_reason = NULL, send_hold_since = NULL, updated_at = ${now}::timestamptz WHERE id = 1`);
    await audit(tx, { actor: principal?.actor ?? "system", action: "settings.release_send_hold", entityType: "settings", entityId: "1", details: { reason: row.send_hold_reason, since: row.send_hold_since?.toISOString() ?? null }, now });
    await createAlert(tx, {
      severity: "info", kind: "send_hold_released", dedupeKey: `send_hold_released:${now.toISOString()}`,
      text: `Marketing sending resumed: an admin released the hold (${alertLiteral(row.send_hold_reason) || "no reason recorded"}).`,
    }, now);
    return { released: true, message: "Send hold released: sending resumes at the next processor run." };
  });
}

/** What a number may reach before WhatsApp reports its limit: a new business portfolio starts at 250 unique customers. */
export const NEW_NUMBER_MESSAGING_LIMIT = 250;

/**
 * The messaging limit the engine runs with: WHATSAPP_MESSAGING_LIMIT when configured (a number, or null
 * for "unlimited"), else the tier WhatsApp last reported (webhook or read), TIER_UNLIMITED → none; before
 * WhatsApp reported anything (or with a tier we cannot read), a new number's 250 — never "no limit".
 */
export function effectiveMessagingLimit(configured: number | null | undefined, tier: string | null | undefined): number | null {
  if (configured !== undefined) return configured;
  const known = knownTier(tier?.trim().toUpperCase() ?? null);
  if (known === "TIER_UNLIMITED") return null;
  return messagingLimitForTier(known) ?? NEW_NUMBER_MESSAGING_LIMIT;
}

/** The unique-users limit of a tier WhatsApp reports: TIER_250 → 250, TIER_1K → 1000, TIER_100K → 100000; TIER_UNLIMITED (or unknown) → null. */
export function messagingLimitForTier(tier: string | null | undefined): number | null {
  const m = /^TIER_(\d+)(K?)$/.exec((tier ?? "").trim().toUpperCase());
  if (!m) return null;
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

/**
 * Meta's `account_update` webhook about the WhatsApp Business Account's standing:
 *  - DISABLED_UPDATE with ban_info.waba_ban_state DISABLE or SCHEDULE_FOR_DISABLE (the account is, or is
 *    about to be, banned) and ACCOUNT_DELETED put all marketing sending on hold with a critical alert;
 *    REINSTATE raises an info alert (the hold stays until an admin releases it);
 *  - ACCOUNT_RESTRICTION with restriction_info[] holds sending unless every restriction leaves
 *    business-initiated messages possible (RESTRICTED_ADD_PHONE_NUMBER_ACTION,
 *    RESTRICTED_CUSTOMER_INITIATED_MESSAGING); a restriction type we do not know holds;
 *  - ACCOUNT_VIOLATION with violation_info.violation_type raises a critical alert: it is Meta's warning,
 *    and the enforcement that follows it (a restriction or a ban) arrives as the events above;
 *  - every other event (partner, pricing tier, verification, …) is counted and left alone.
 * Idempotent: holdSending keeps the first reason while held, alerts are keyed by event and entry time.
 */
import { z } from "@/lib/zod";
import { createAlert } from "../alerts/create-alert";
import type { Tx } from "../db";
import { holdSending } from "./account-health";

const ZUnixTime = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative().max(1e12)]).transform((v) => new Date(Number(v) * 1000));
const ZText = z.string().trim().max(200);

/** Meta documents waba_ban_state as one of DISABLE / SCHEDULE_FOR_DISABLE / REINSTATE; accept a list too. */
const ZBanState = z.union([ZText, z.array(ZText).max(10)]).transform((v) => (Array.isArray(v) ? v : [v]).map((s) => s.toUpperCase()));

const ZRestriction = z.looseObject({
  restriction_type: ZText.transform((s) => s.toUpperCase()),
  /** unix seconds (or a date string) */
  expiration: z.union([ZUnixTime, z.string().max(100)]).nullish(),
});

export const ZAccountUpdateValue = z.looseObject({
  event: z.string().min(1).max(100).transform((e) => e.toUpperCase()),
  phone_number: z.union([z.string().max(50), z.number()]).transform(String).nullish(),
  ban_info: z.looseObject({ waba_ban_state: ZBanState.nullish(), waba_ban_date: z.string().max(100).nullish() }).nullish(),
  restriction_info: z.union([z.array(ZRestriction).max(50), ZRestriction.transform((r) => [r])]).nullish(),
  violation_info: z.looseObject({ violation_type: ZText.nullish() }).nullish(),
  entry_time: ZUnixTime.optional(),
});
export type TAccountUpdateValue = z.infer<typeof ZAccountUpdateValue>;

/** Restrictions that still let the business start conversations: marketing sends continue. */
const HARMLESS_RESTRICTIONS: ReadonlySet<string> = new Set(["RESTRICTED_ADD_PHONE_NUMBER_ACTION", "RESTRICTED_CUSTOMER_INITIATED_MESSAGING"]);

const expiry = (e: Date | string | null | undefined) => (e instanceof Date ? ` until ${e.toISOString().slice(0, 16).replace("T", " ")} UTC` : e ? ` until ${e}` : "");

/** What an event means for sending: hold (with why), an alert only, or nothing. */
export function accountUpdateEffect(v: TAccountUpdateValue): { hold: string } | { alert: string; severity: "info" | "critical" } | null {
  const states = v.ban_info?.waba_ban_state ?? [];
  if (v.event === "ACCOUNT_DELETED") return { hold: "WhatsApp deleted the WhatsApp Business Account." };
  if (states.includes("DISABLE")) return { hold: `WhatsApp disabled (banned) the WhatsApp Business Account${v.ban_info?.waba_ban_date ? ` on ${v.ban_info.waba_ban_date}` : ""}.` };
  if (states.includes("SCHEDULE_FOR_DISABLE")) {
    return { hold: `WhatsApp scheduled the WhatsApp Business Account to be disabled${v.ban_info?.waba_ban_date ? ` on ${v.ban_info.waba_ban_date}` : ""}: request a review in WhatsApp Manager.` };
  }
  if (states.includes("REINSTATE")) return { alert: "WhatsApp reinstated the WhatsApp Business Account.", severity: "info" };
  if (v.event === "ACCOUNT_RESTRICTION" || (v.restriction_info?.length ?? 0) > 0) {
    const list = v.restriction_info ?? [];
    const text = list.map((r) => `${r.restriction_type}${expiry(r.expiration)}`).join(", ");
    if (list.length > 0 && list.every((r) => HARMLESS_RESTRICTIONS.has(r.restriction_type))) {
      return { alert: `WhatsApp restricted the WhatsApp Business Account (${text}); marketing messages can still be sent.`, severity: "critical" };
    }
    return { hold: `WhatsApp restricted the WhatsApp Business Account${text ? ` (${text})` : ""}.` };
  }
  if (v.event === "ACCOUNT_VIOLATION" || v.violation_info) {
    return {
      alert: `WhatsApp reported a policy violation by the WhatsApp Business Account${v.violation_info?.violation_type ? ` (${v.violation_info.violation_type})` : ""}. Further violations lead to restrictions or a ban: review the campaigns and templates in WhatsApp Manager.`,
      severity: "critical",
    };
  }
  return null;
}

export async function applyAccountUpdates({ tx, now }: { tx: Tx; now: Date }, values: TAccountUpdateValue[]) {
  let held = 0;
  let alerted = 0;
  let ignored = 0;
  for (const v of [...values].sort((a, b) => (a.entry_time ?? now).getTime() - (b.entry_time ?? now).getTime())) {
    const effect = accountUpdateEffect(v);
    if (!effect) {
      ignored++;
      continue;
    }
    const at = v.entry_time ?? now;
    const dedupeKey = `account_update:${v.event}:${(v.ban_info?.waba_ban_state ?? []).join("+")}:${at.toISOString()}`;
    const details = {
      event: v.event,
      ban_info: v.ban_info ?? null,
      restriction_info: v.restriction_info?.map((r) => ({ restriction_type: r.restriction_type, expiration: r.expiration instanceof Date ? r.expiration.toISOString() : (r.expiration ?? null) })) ?? null,
      violation_info: v.violation_info ?? null,
    };
    if ("hold" in effect) {
      // holdSending raises the alert (also while sending is already on hold for another reason)
      if (await holdSending(tx, { now, reason: effect.hold, dedupeKey, details })) held++;
      continue;
    }
    const hold = await tx.setting.findUnique({ where: { id: 1 }, select: { sendHold: true } });
    if (await createAlert(tx, { severity: effect.severity, kind: "account_update", dedupeKey, details, text: hold?.sendHold ? `${effect.alert} Sending stays on hold until an admin releases it.` : effect.alert }, now)) alerted++;
  }
  return { account_updates: values.length, account_send_holds: held, account_alerts: alerted, account_updates_ignored: ignored };
}

/** The webhook handler (registered in lib/whatsapp/webhook/handle-webhook-payload.ts). */
export const accountUpdateWebhookHandler = {
  field: "account_update",
  schema: ZAccountUpdateValue,
  withEntryTime: true,
  apply: (ctx: { tx: Tx; now: Date }, values: TAccountUpdateValue[]) => applyAccountUpdates(ctx, values),
};

/**
 * What an error class (lib/whatsapp/errors.ts) does beyond the recipient or message row itself: one
 * definition for every path that learns of a WhatsApp error — a send's answer (finish-batch), a test
 * send, a `failed` status (apply-statuses, including statuses applied by reconciliation):
 *   meta_cap (131049)  → the customer gets no marketing message anywhere before the recipient's next
 *                        attempt (a test send, or a recipient failed at its last attempt: for 24 hours)
 *   opted_out (131050) → the customer is unsubscribed (source whatsapp_error_131050)
 *   template           → the campaign (when active) is paused with the reason, an audit row and an alert
 *   account            → recorded: a policy, quality or payment code (HOLD_ERROR_CODES) holds sending; every
 *                        one raises an alert
 *   an undeliverable code (131026) of a campaign send → counted on the customer, who is marked not reachable
 *                        after the workspace's number in a row (customers/undeliverable.ts)
 *   retry / permanent / ambiguous → nothing beyond the row
 */
import type { SendErrorClass } from "@/lib/whatsapp/types";
import { Prisma, type Tx } from "../db";
import { pauseCampaigns } from "../campaigns/pause-campaign";
import { recordAccountError } from "../sending/account-health";
import { applySubscriptionChanges } from "./apply-subscription-changes";
import { SUBSCRIPTION_SOURCES } from "./subscription-sources";
import { isUndeliverableCode, recordUndeliverable } from "../customers/undeliverable";
import { lockCustomers, type CustomerLockKeys } from "../customers/lock-customers";

const DAY_MS = 24 * 3600_000;

/** One WhatsApp error to act on. `title` is errorTitle()'s "<code> <text>". */
export type ErrorFailure = {
  errorClass: SendErrorClass | string | null;
  code: number | null;
  title: string;
  campaignId: string | null;
  /** the campaign recipient, when the message was a campaign send (not a test send) */
  recipientId?: string | null;
  customerId?: string | null;
  phone?: string | null;
  waId?: string | null;
  at: Date;
  /** arrival order of the event (inbox id); 0 for a send's answer */
  seq?: bigint | number;
};

export type ErrorEffectsSummary = { deferred: number; unsubscribed: number; campaigns_paused: number; account_errors: number; paused: Array<{ campaign_id: string; reason: string }> };

/** The pause reason of a template-class error (the same text for a send, a test send and a status). */
export function templatePauseReason(f: { code: number | null; title: string }): string {
  const what = f.title || (f.code !== null ? String(f.code) : "?");
  return `Paused automatically: WhatsApp refused the template (${what})`;
}

const erased = (f: ErrorFailure) => !!f.phone && f.phone.startsWith("erased:");

/**
 * The customers the effects of `failures` write (131049, 131050, 131026), as lock keys: a caller that writes
 * customers for other reasons too locks them all in one statement first (customers/lock-customers.ts).
 */
export function errorEffectLockKeys(failures: ErrorFailure[]): CustomerLockKeys {
  const keys = { recipientIds: [] as string[], customerIds: [] as string[], numbers: [] as string[] };
  for (const f of failures) {
    if (erased(f)) continue;
    const optedOut = f.errorClass === "opted_out";
    if (!optedOut && f.errorClass !== "meta_cap" && !(f.recipientId && isUndeliverableCode(f.code))) continue;
    if (f.recipientId) keys.recipientIds.push(f.recipientId);
    else if (f.phone) keys.numbers.push(f.phone);
    if (optedOut) {
      if (f.customerId) keys.customerIds.push(f.customerId);
      if (f.phone) keys.numbers.push(f.phone);
      if (f.waId) keys.numbers.push(f.waId);
    }
  }
  return keys;
}

/** Applies the effects of `failures` in `tx`, each class once per campaign / code. */
/** `customersLocked`: the caller locked errorEffectLockKeys(failures) already, with the rest of its customers */
export async function applyErrorEffects(tx: Tx, failures: ErrorFailure[], { now, customersLocked = false }: { now: Date; customersLocked?: boolean }): Promise<ErrorEffectsSummary> {
  const summary: ErrorEffectsSummary = { deferred: 0, unsubscribed: 0, campaigns_paused: 0, account_errors: 0, paused: [] };
  // every customer the rules below write, locked at once in id order (each rule alone would lock its own
  // customers in order, but one after the other: crossing another transaction's order). The rules below
  // take no customer lock of their own but their UPDATE's.
  if (!customersLocked) await lockCustomers(tx, errorEffectLockKeys(failures));

  const capped = failures.filter((f) => f.errorClass === "meta_cap" && !erased(f));
  if (capped.length > 0) {
    summary.deferred += await deferCustomersForMetaCap(tx, { recipientIds: capped.flatMap((f) => (f.recipientId ? [f.recipientId] : [])), now });
    const byPhone = capped.filter((f) => !f.recipientId && f.phone);
    if (byPhone.length > 0) summary.deferred += await deferCustomersByPhone(tx, { phones: byPhone.map((f) => f.phone!), until: new Date(now.getTime() + DAY_MS), now });
  }

  const optedOut = failures.filter((f) => f.errorClass === "opted_out" && !erased(f));
  if (optedOut.length > 0) {
    const r = await applySubscriptionChanges(tx, optedOut.map((f) => ({
      action: "unsubscribe" as const, at: f.at, seq: f.seq ?? 0, source: SUBSCRIPTION_SOURCES.error131050,
      customerId: f.customerId ?? null, phone: f.phone ?? null, waId: f.waId ?? null,
    })));
    summary.unsubscribed += r.unsubscribed;
  }

  // one count per recipient: every path calls this once, for the send or status that failed the recipient
  const undeliverable = failures.filter((f) => f.recipientId && isUndeliverableCode(f.code) && !erased(f));
  if (undeliverable.length > 0) await recordUndeliverable(tx, { recipientIds: undeliverable.map((f) => f.recipientId!), now });

  const templateByCampaign = new Map<string, ErrorFailure>();
  for (const f of failures) if (f.errorClass === "template" && f.campaignId && !templateByCampaign.has(f.campaignId)) templateByCampaign.set(f.campaignId, f);
  for (const [campaignId, f] of [...templateByCampaign].sort(([a], [b]) => a.localeCompare(b))) {
    const reason = templatePauseReason(f);
    if ((await pauseCampaigns(tx, { by: "template", now, pauses: [{ campaignId, reason }] })).length > 0) {
      summary.campaigns_paused++;
      summary.paused.push({ campaign_id: campaignId, reason });
    }
  }

  const accountByCode = new Map<string, ErrorFailure>();
  for (const f of failures) if (f.errorClass === "account" && !accountByCode.has(String(f.code))) accountByCode.set(String(f.code), f);
  for (const f of accountByCode.values()) {
    await recordAccountError(tx, { now, code: f.code, title: f.title });
    summary.account_errors++;
  }
  return summary;
}

/** meta_cap (131049): no marketing message to these recipients' customers before their next attempt. */
async function deferCustomersForMetaCap(tx: Tx, { recipientIds, now }: { recipientIds: string[]; now: Date }): Promise<number> {
  if (recipientIds.length === 0) return 0;
  // (the customers are locked by applyErrorEffects)
  return tx.$executeRaw(Prisma.sql`
    UPDATE user_profiles p SET marketing_deferred_until = x.until, updated_at = ${now}
    FROM (
      -- a recipient that failed at its last attempt defers its customer for 24 hours all the same
      SELECT p2.id, max(coalesce(r.next_attempt_at, ${now}::timestamptz + interval '24 hours')) AS until
      FROM campaign_recipients r
      JOIN user_profiles p2 ON p2.id = r.customer_id OR (r.customer_id IS NULL AND p2.whatsapp_phone = r.phone_number)
      WHERE r.id = ANY(${recipientIds}::uuid[])
      GROUP BY p2.id
    ) x
    WHERE p.id = x.id AND (p.marketing_deferred_until IS NULL OR p.marketing_deferred_until < x.until)`);
}

/** meta_cap for a message that is not a campaign recipient (a test send): the customer of the number, until `until`. */
async function deferCustomersByPhone(tx: Tx, { phones, until, now }: { phones: string[]; until: Date; now: Date }): Promise<number> {
  return tx.$executeRaw(Prisma.sql`
    UPDATE user_profiles SET marketing_deferred_until = ${until}::timestamptz, updated_at = ${now}
    WHERE whatsapp_phone = ANY(${phones}::text[]) AND (marketing_deferred_until IS NULL OR marketing_deferred_until < ${until}::timestamptz)`);
}

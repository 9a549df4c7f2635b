/**
 * Which subscription states our own writes may not change.
 *
 * A customer who opted out on WhatsApp (a STOP reply or button, Meta's user_preferences, the 131050 error)
 * is subscribed again only by their own START / resume (the webhook), or by an admin's explicit
 * per-customer action with a reason (setCustomerSubscription). Bulk upserts, CSV imports and the
 * dashboard's plain toggle leave such a customer unsubscribed.
 *
 * An erased customer leaves a suppression entry: the SHA-256 of the E.164 digits (the number itself is not
 * kept). A number with an entry is always written as unsubscribed by our own writes, until an admin
 * subscribes that customer again with a reason, which removes the entry.
 */
import { createHash } from "node:crypto";
import { Prisma } from "../db";
import { SUBSCRIPTION_SOURCES, type SubscriptionSource } from "../delivery/subscription-sources";

/** subscription_source values of the customer's own WhatsApp actions (webhooks and send answers: one vocabulary) */
export const WHATSAPP_SUBSCRIPTION_SOURCES: readonly SubscriptionSource[] = Object.values(SUBSCRIPTION_SOURCES);
/** subscription_source of a profile created or kept unsubscribed because its number was erased before */
export const ERASED_NUMBER_SOURCE = "erased_number";
/** subscription_source of an admin's explicit re-subscription */
export const ADMIN_RESUBSCRIBE_SOURCE = "admin_resubscribe";

export function isWhatsappOptOut(profile: { subscription: string; subscriptionSource: string | null }): boolean {
  return profile.subscription === "unsubscribed" && isWhatsappSource(profile.subscriptionSource);
}

function isWhatsappSource(source: string | null): boolean {
  return !!source && ((WHATSAPP_SUBSCRIPTION_SOURCES as readonly string[]).includes(source) || source.startsWith("whatsapp"));
}

/** SQL: the profile `p` (user_profiles AS p) is unsubscribed by the customer's own WhatsApp action */
export function whatsappOptOutSql(): Prisma.Sql {
  return Prisma.sql`(p.subscription = 'unsubscribed' AND (p.subscription_source IN (${Prisma.join([...WHATSAPP_SUBSCRIPTION_SOURCES])}) OR p.subscription_source LIKE 'whatsapp%'))`;
}

/** The suppression key of a number (E.164 digits) */
export function phoneHash(phone: string): string {
  return createHash("sha256").update(phone, "utf8").digest("hex");
}

/** SQL: the suppression key of a phone expression, equal to phoneHash() */
export function phoneHashSql(phone: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`encode(sha256(convert_to(${phone}, 'UTF8')), 'hex')`;
}

/** SQL: the phone expression belongs to an erased customer */
export function suppressedSql(phone: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM suppressed_numbers s WHERE s.phone_hash = ${phoneHashSql(phone)})`;
}

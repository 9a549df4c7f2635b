/**
 * One customer's subscription, changed by a person in the dashboard. Unsubscribing is always allowed.
 * Subscribing again a customer who opted out on WhatsApp, or whose number was erased before, is an
 * admin's explicit decision: it needs the admin role and a reason, both kept in the audit log, and it
 * removes the number's suppression entry. The audit entry names the customer id, never the number.
 */
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type Db } from "../db";
import { AppError } from "../errors";
import { parseCustomerId } from "./erase-customer";
import { ADMIN_RESUBSCRIBE_SOURCE, isWhatsappOptOut, phoneHash } from "./opt-outs";

export const ZSetCustomerSubscription = z.object({
  subscription: z.enum(["subscribed", "unsubscribed"]),
  reason: z.string().trim().max(500).optional(),
});

export const MIN_REASON_LENGTH = 5;

export type SetCustomerSubscriptionResult = { id: string; subscription: "subscribed" | "unsubscribed"; changed: boolean; source: string | null };

export async function setCustomerSubscription({ db, now, principal, customerId, input }: {
  db: Db; now: Date; principal: Principal; customerId: string; input: unknown;
}): Promise<SetCustomerSubscriptionResult> {
  const id = parseCustomerId(customerId);
  const parsed = ZSetCustomerSubscription.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "Choose subscribed or unsubscribed.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  const { subscription, reason } = parsed.data;
  return db.$transaction(async (tx) => {
    const [p] = await tx.$queryRaw<Array<{ phone: string; subscription: string; source: string | null }>>(Prisma.sql`
      SELECT whatsapp_phone AS phone, subscription, subscription_source AS source FROM user_profiles WHERE id = ${id}::uuid FOR UPDATE`);
    if (!p) throw new AppError("CUSTOMER_NOT_FOUND", "No customer with this id.");
    const hash = phoneHash(p.phone);
    const [suppressed] = await tx.$queryRaw<Array<{ x: number }>>(Prisma.sql`SELECT 1 AS x FROM suppressed_numbers WHERE phone_hash = ${hash}`);
    const whatsappOptOut = isWhatsappOptOut({ subscription: p.subscription, subscriptionSource: p.source });
    const explicit = subscription === "subscribed" && (whatsappOptOut || !!suppressed);
    if (explicit) {
      if (principal.role !== "admin") {
        throw new AppError("FORBIDDEN", whatsappOptOut
          ? "This customer opted out on WhatsApp: only an admin can subscribe them again, with a reason."
          : "This number belonged to an erased customer: only an admin can subscribe it again, with a reason.");
      }
      if (!reason || reason.length < MIN_REASON_LENGTH) {
        throw new AppError("VALIDATION_FAILED", "Say why this customer may receive marketing messages again (for example: asked by email on 2 May).",
          [{ path: "reason", message: `At least ${MIN_REASON_LENGTH} characters.` }]);
      }
    }
    if (p.subscription === subscription && !(explicit && suppressed)) {
      return { id, subscription, changed: false, source: p.source };
    }
    const source = explicit ? ADMIN_RESUBSCRIBE_SOURCE : "dashboard";
    await tx.$executeRaw(Prisma.sql`
      UPDATE user_profiles SET subscription = ${subscription}, subscription_changed_at = ${now}::timestamptz,
        subscription_source = ${source}, updated_at = ${now}::timestamptz
      WHERE id = ${id}::uuid`);
    if (explicit && suppressed) await tx.$executeRaw(Prisma.sql`DELETE FROM suppressed_numbers WHERE phone_hash = ${hash}`);
    await audit(tx, {
      actor: principal.actor, action: explicit ? "customer.resubscribe" : "customer.subscription", entityType: "customer", entityId: id,
      details: { from: p.subscription, to: subscription, previous_source: p.source, ...(explicit ? { reason, suppression_removed: !!suppressed } : reason ? { reason } : {}) },
      now,
    });
    return { id, subscription, changed: true, source };
  });
}

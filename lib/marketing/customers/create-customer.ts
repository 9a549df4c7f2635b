/**
 * One new customer, added by a person in the dashboard. The number is read as every number that comes in
 * is (normalizePhone in the workspace's default country) and stored with its pricing market, as the API's
 * upsert stores it; the other fields are checked as the upsert checks them (ZCustomerProfile).
 *
 * Unlike the upsert, a number that already belongs to a customer is never overwritten: the answer is a
 * CONFLICT naming that customer (`details`: the phone field and the customer's id), so the person can open
 * and correct them instead. A concurrent insert of the same number ends the same way (ON CONFLICT DO NOTHING).
 *
 * The customer starts subscribed, except a number of an erased customer (./opt-outs), which is written
 * unsubscribed with the same source the upsert gives it, until an admin subscribes them again with a reason.
 * The audit entry names the customer id, never the number.
 */
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type Db } from "../db";
import { AppError } from "../errors";
import { normalizePhone } from "../phone";
import { marketOfParsedCountry } from "../cost/market";
import { phoneReading } from "../sending/sending-settings";
import { ERASED_NUMBER_SOURCE, suppressedSql } from "./opt-outs";
import { ZCustomerRow } from "./upsert-customers";
import { parseCustomerInput, requireChangeRole, ZCustomerProfile } from "./update-customer";

export const ZCreateCustomer = ZCustomerProfile.extend({ phone: ZCustomerRow.shape.phone }).strict();

/** subscription_source of a customer a person added in the dashboard */
const DASHBOARD_SOURCE = "dashboard";

export type CreateCustomerResult = { id: string; phone: string; subscription: "subscribed" | "unsubscribed"; subscriptionSource: string };

/** details of the CONFLICT for a number that already belongs to a customer */
export type ExistingCustomerDetails = Array<{ path: "phone"; message: string; customer_id: string | null }>;

export async function createCustomer({ db, now, principal, input }: {
  db: Db; now: Date; principal: Principal; input: unknown;
}): Promise<CreateCustomerResult> {
  requireChangeRole(principal);
  const data = parseCustomerInput(ZCreateCustomer, input);
  if (String(data.phone).trim() === "") throw new AppError("VALIDATION_FAILED", "Check the highlighted fields.", [{ path: "phone", message: "Enter their WhatsApp number." }]);
  const phone = normalizePhone(data.phone, await phoneReading(db));
  if (!phone.ok) {
    throw new AppError("VALIDATION_FAILED", "Check the highlighted fields.", [{ path: "phone", message: `${phone.reason[0].toUpperCase()}${phone.reason.slice(1)}.` }]);
  }
  return db.$transaction(async (tx) => {
    // an erased customer's number starts unsubscribed, as the upsert writes it (opt-outs are sticky)
    const [created] = await tx.$queryRaw<Array<{ id: string; subscription: "subscribed" | "unsubscribed"; source: string }>>(Prisma.sql`
      INSERT INTO user_profiles (id, whatsapp_phone, market, name, customer_tier, city, tags, attributes, subscription,
        subscription_changed_at, subscription_source, is_active, created_at, updated_at)
      SELECT uuidv7(), ${phone.phone}, ${marketOfParsedCountry(phone.country)}, ${data.name}, ${data.customer_tier}, ${data.city},
        ${data.tags}::text[], ${JSON.stringify(data.attributes)}::jsonb,
        CASE WHEN x.suppressed THEN 'unsubscribed' ELSE 'subscribed' END, ${now}::timestamptz,
        CASE WHEN x.suppressed THEN ${ERASED_NUMBER_SOURCE} ELSE ${DASHBOARD_SOURCE} END, true, ${now}::timestamptz, ${now}::timestamptz
      FROM (SELECT ${suppressedSql(Prisma.sql`${phone.phone}::text`)} AS suppressed) x
      ON CONFLICT (whatsapp_phone) DO NOTHING
      RETURNING id, subscription, subscription_source AS source`);
    if (!created) {
      const [existing] = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`SELECT id FROM user_profiles WHERE whatsapp_phone = ${phone.phone}`);
      const details: ExistingCustomerDetails = [{ path: "phone", message: "This number already belongs to a customer.", customer_id: existing?.id ?? null }];
      throw new AppError("CONFLICT", "This number already belongs to a customer: open them to make changes.", details);
    }
    await audit(tx, { actor: principal.actor, action: "customer.create", entityType: "customer", entityId: created.id, details: { source: DASHBOARD_SOURCE, subscription: created.subscription }, now });
    return { id: created.id, phone: phone.phone, subscription: created.subscription, subscriptionSource: created.source };
  });
}

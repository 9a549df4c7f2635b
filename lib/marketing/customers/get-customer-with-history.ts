/** A customer with their campaign history, for the customer page. */
import { Prisma, type DbOrTx } from "../db";
import { isWhatsappOptOut, phoneHash } from "./opt-outs";
import { parseUuid } from "../uuid";

export async function getCustomerWithHistory({ db, customerId }: { db: DbOrTx; customerId: string }) {
  if (parseUuid(customerId) === null) return null;
  const customer = await db.userProfile.findUnique({ where: { id: customerId } });
  if (!customer) return null;
  const history = await db.$queryRaw<Array<{
    recipient_id: string; campaign_id: string; campaign_name: string; campaign_status: string; status: string;
    scheduled_send_date: Date | null; sent_at: Date | null; delivered_at: Date | null; read_at: Date | null; failure_reason: string | null; created_at: Date;
  }>>(Prisma.sql`
    SELECT r.id AS recipient_id, c.id AS campaign_id, c.name AS campaign_name, c.status AS campaign_status, r.status,
           r.scheduled_send_date, r.sent_at, r.delivered_at, r.read_at, r.failure_reason, r.created_at
    FROM campaign_recipients r JOIN marketing_campaigns c ON c.id = r.campaign_id
    WHERE r.phone_number = ${customer.whatsappPhone} OR r.customer_id = ${customer.id}::uuid
    ORDER BY coalesce(r.sent_at, r.created_at) DESC LIMIT 200`);
  const [suppressed] = await db.$queryRaw<Array<{ x: number }>>(Prisma.sql`SELECT 1 AS x FROM suppressed_numbers WHERE phone_hash = ${phoneHash(customer.whatsappPhone)}`);
  // subscribing again needs an admin and a reason (see setCustomerSubscription)
  const stickyOptOut = customer.subscription === "unsubscribed" && (isWhatsappOptOut(customer) || !!suppressed);
  return { customer, history, stickyOptOut };
}

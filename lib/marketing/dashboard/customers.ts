/**
 * Customers for the dashboard: a filtered, paged list (search by name or phone; tier, city, tag,
 * subscription), the filter choices, a customer with their campaign history, and the live count of
 * subscribed customers matching a target audience.
 */
import { z } from "zod";
import { isWhatsappOptOut, phoneHash } from "../customers/opt-outs";
import { Prisma, type DbOrTx } from "../db";
import { parseUuid } from "../uuid";

export const ZCustomerListQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  tier: z.string().trim().max(200).optional().catch(undefined),
  city: z.string().trim().max(200).optional().catch(undefined),
  tag: z.string().trim().max(200).optional().catch(undefined),
  subscription: z.enum(["subscribed", "unsubscribed"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  pageSize: z.coerce.number().int().min(10).max(100).default(25).catch(25),
});
export type TCustomerListQuery = z.infer<typeof ZCustomerListQuery>;

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => "\\" + c);
}

export async function listCustomersForDashboard({ db, query }: { db: DbOrTx; query: TCustomerListQuery }) {
  const cond: Prisma.Sql[] = [Prisma.sql`whatsapp_phone NOT LIKE 'erased:%'`];
  if (query.q) {
    const digits = query.q.replace(/[^0-9]/g, "");
    const byName = Prisma.sql`name ILIKE ${"%" + escapeLike(query.q) + "%"}`;
    cond.push(digits.length >= 3 && /^[+0-9 ()-]+$/.test(query.q) ? Prisma.sql`whatsapp_phone LIKE ${"%" + digits + "%"}` : byName);
  }
  if (query.tier) cond.push(Prisma.sql`customer_tier = ${query.tier}`);
  if (query.city) cond.push(Prisma.sql`lower(city) = lower(${query.city})`);
  if (query.tag) cond.push(Prisma.sql`tags @> ARRAY[${query.tag}]::text[]`);
  if (query.subscription) cond.push(Prisma.sql`subscription = ${query.subscription}`);
  const where = Prisma.sql`WHERE ${Prisma.join(cond, " AND ")}`;
  const [rows, count] = await Promise.all([
    db.$queryRaw<Array<{ id: string; whatsapp_phone: string; name: string | null; customer_tier: string | null; city: string | null; tags: string[]; subscription: string; is_active: boolean; updated_at: Date }>>(Prisma.sql`
      SELECT id, whatsapp_phone, name, customer_tier, city, tags, subscription, is_active, updated_at
      FROM user_profiles ${where} ORDER BY created_at DESC, id DESC
      LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`),
    db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM user_profiles ${where}`),
  ]);
  return {
    total: Number(count[0]?.n ?? 0),
    rows: rows.map((r) => ({
      id: r.id,
      phone: r.whatsapp_phone,
      name: r.name,
      tier: r.customer_tier,
      city: r.city,
      tags: r.tags,
      subscription: r.subscription,
      isActive: r.is_active,
      updatedAt: r.updated_at,
    })),
  };
}

/** The values the filters offer (most common first). */
export async function customerFilterOptions({ db }: { db: DbOrTx }) {
  const [tiers, cities, tags, subs] = await Promise.all([
    db.$queryRaw<Array<{ v: string; n: bigint }>>(Prisma.sql`SELECT customer_tier AS v, count(*) AS n FROM user_profiles WHERE customer_tier IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 50`),
    db.$queryRaw<Array<{ v: string; n: bigint }>>(Prisma.sql`SELECT min(city) AS v, count(*) AS n FROM user_profiles WHERE city IS NOT NULL GROUP BY lower(city) ORDER BY 2 DESC LIMIT 200`),
    db.$queryRaw<Array<{ v: string; n: bigint }>>(Prisma.sql`SELECT t AS v, count(*) AS n FROM user_profiles, unnest(tags) t GROUP BY 1 ORDER BY 2 DESC LIMIT 200`),
    db.$queryRaw<Array<{ v: string; n: bigint }>>(Prisma.sql`SELECT subscription AS v, count(*) AS n FROM user_profiles GROUP BY 1`),
  ]);
  const list = (rows: Array<{ v: string; n: bigint }>) => rows.map((r) => ({ value: r.v, count: Number(r.n) }));
  return { tiers: list(tiers), cities: list(cities), tags: list(tags), subscriptions: list(subs) };
}

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

export const ZAudienceFilter = z.object({
  customer_tier: z.string().trim().max(200).optional(),
  city: z.string().trim().max(200).optional(),
  tags: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
});

/** Subscribed, active customers matching a target audience (the same rule as adding recipients by audience). */
export async function countAudience({ db, audience }: { db: DbOrTx; audience: z.infer<typeof ZAudienceFilter> }) {
  const cond: Prisma.Sql[] = [Prisma.sql`subscription = 'subscribed'`, Prisma.sql`is_active`];
  if (audience.customer_tier) cond.push(Prisma.sql`customer_tier = ${audience.customer_tier}`);
  if (audience.city) cond.push(Prisma.sql`lower(city) = lower(${audience.city})`);
  if (audience.tags && audience.tags.length > 0) cond.push(Prisma.sql`tags @> ${audience.tags}::text[]`);
  const [row] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM user_profiles WHERE ${Prisma.join(cond, " AND ")}`);
  return Number(row?.n ?? 0);
}

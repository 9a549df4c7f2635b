/**
 * The customers table: a filtered, paged list (search by name or phone; tier, city, tag, subscription,
 * not reachable on WhatsApp) and the filter choices.
 * Not findCustomers: the API's list matches a number by its prefix and pages on a cursor; the table finds digits anywhere in the number and numbers its pages.
 */
import { z } from "@/lib/zod";
import { Prisma, type DbOrTx } from "../db";
import { escapeLike } from "../sql-like";
import { customerMatchSql, filterValuesSql } from "./customer-match";
import type { Role } from "../auth/api-tokens";
import { canSearchPartOfNumbers } from "../users/permissions";
import { normalizePhone, phoneFilterOf } from "../phone";
import { phoneReading } from "../sending/sending-settings";

/** the table's filters (also what a customers export exports: export-customers.ts) */
export const ZCustomerListFilters = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  tier: z.string().trim().max(200).optional().catch(undefined),
  city: z.string().trim().max(200).optional().catch(undefined),
  tag: z.string().trim().max(200).optional().catch(undefined),
  subscription: z.enum(["subscribed", "unsubscribed"]).optional().catch(undefined),
  /**
   * "no": only the customers marked not reachable on WhatsApp (see undeliverable.ts); "false", the API's
   * spelling (GET /api/marketing/customers?reachable=false), means the same here
   */
  reachable: z.enum(["no", "false"]).transform((): "no" => "no").optional().catch(undefined),
});
export type TCustomerListFilters = z.infer<typeof ZCustomerListFilters>;

export const ZCustomerListQuery = ZCustomerListFilters.extend({
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  pageSize: z.coerce.number().int().min(10).max(100).default(25).catch(25),
});
export type TCustomerListQuery = z.infer<typeof ZCustomerListQuery>;

/** Whether a search is for a phone number (whole, or part of one) rather than a name. */
export function isPhoneSearch(q: string): boolean {
  return q.replace(/[^0-9]/g, "").length >= 3 && /^[+0-9 ().-]+$/.test(q);
}

/**
 * The WHERE clause of the customers the filters choose, as this role may search (a viewer finds a number
 * only whole): the table's rows and count, and a customers export, are this one rule.
 */
export async function customerListWhere({ db, filters, role }: { db: DbOrTx; filters: TCustomerListFilters; role: Role }): Promise<Prisma.Sql> {
  const cond: Prisma.Sql[] = [Prisma.sql`whatsapp_phone NOT LIKE 'erased:%'`];
  if (filters.q) {
    const digits = filters.q.replace(/[^0-9]/g, "");
    if (isPhoneSearch(filters.q)) {
      // a whole number also as the workspace reads it (07911 123457 in a UK workspace is 447911123457)
      const reading = await phoneReading(db);
      const whole = normalizePhone(filters.q, reading);
      const exact = whole.ok ? [...new Set([digits, whole.phone])] : [digits];
      // a part of a national number: its trunk 0 stands for the country code (07911 finds +44 7911…)
      const start = phoneFilterOf(filters.q, reading)?.startsWith ?? digits;
      cond.push(canSearchPartOfNumbers(role)
        ? Prisma.sql`(whatsapp_phone LIKE ${"%" + digits + "%"} OR whatsapp_phone LIKE ${start + "%"} OR whatsapp_phone = ANY(${exact}::text[]))`
        : Prisma.sql`whatsapp_phone = ANY(${exact}::text[])`);
    } else cond.push(Prisma.sql`name ILIKE ${"%" + escapeLike(filters.q) + "%"}`);
  }
  // tier, city and tag in any case, as an audience matches them (customer-match.ts)
  cond.push(...customerMatchSql("", { customer_tier: filters.tier || undefined, city: filters.city || undefined, tags: filters.tag ? [filters.tag] : undefined }));
  if (filters.subscription) cond.push(Prisma.sql`subscription = ${filters.subscription}`);
  if (filters.reachable === "no") cond.push(Prisma.sql`undeliverable_since IS NOT NULL`);
  return Prisma.sql`WHERE ${Prisma.join(cond, " AND ")}`;
}

export async function searchCustomers({ db, query, role }: { db: DbOrTx; query: TCustomerListQuery; role: Role }) {
  const where = await customerListWhere({ db, filters: query, role });
  const [rows, count] = await Promise.all([
    db.$queryRaw<Array<{ id: string; whatsapp_phone: string; name: string | null; customer_tier: string | null; city: string | null; tags: string[]; subscription: string; is_active: boolean; undeliverable_count: number; undeliverable_since: Date | null; updated_at: Date }>>(Prisma.sql`
      SELECT id, whatsapp_phone, name, customer_tier, city, tags, subscription, is_active, undeliverable_count, undeliverable_since, updated_at
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
      undeliverableCount: r.undeliverable_count,
      undeliverableSince: r.undeliverable_since,
      updatedAt: r.updated_at,
    })),
  };
}

/** The values the filters offer (most common first). */
export async function customerFilterOptions({ db }: { db: DbOrTx }) {
  const [tiers, cities, tags, subs, notReachable] = await Promise.all([
    db.$queryRaw<Array<{ v: string; n: bigint }>>(filterValuesSql("customer_tier", 50)),
    db.$queryRaw<Array<{ v: string; n: bigint }>>(filterValuesSql("city", 200)),
    db.$queryRaw<Array<{ v: string; n: bigint }>>(filterValuesSql("tags", 200)),
    db.$queryRaw<Array<{ v: string; n: bigint }>>(Prisma.sql`SELECT subscription AS v, count(*) AS n FROM user_profiles GROUP BY 1`),
    // few rows, read from the partial index on undeliverable_since
    db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM user_profiles WHERE undeliverable_since IS NOT NULL`),
  ]);
  const list = (rows: Array<{ v: string; n: bigint }>) => rows.map((r) => ({ value: r.v, count: Number(r.n) }));
  return { tiers: list(tiers), cities: list(cities), tags: list(tags), subscriptions: list(subs), notReachable: Number(notReachable[0]?.n ?? 0) };
}

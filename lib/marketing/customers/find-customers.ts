import { z } from "@/lib/zod";
import { escapeLike } from "../sql-like";
import { Prisma, type DbOrTx } from "../db";
import { customerMatchSql } from "./customer-match";
import { cursorDate, cursorUuid, decodeCursor, encodeCursor, ZCursor } from "../pagination";
import type { Role } from "../auth/api-tokens";
import { apiPhone, canSearchPartOfNumbers } from "../users/permissions";
import { normalizePhone, phoneFilterOf } from "../phone";
import { phoneReading } from "../sending/sending-settings";

const ZBool = z.enum(["true", "false"]).transform((v) => v === "true");

export const ZFindCustomers = z
  .object({
    subscription: z.enum(["subscribed", "unsubscribed"]).optional(),
    customer_tier: z.string().trim().min(1).max(100).optional().meta({ description: "in any case, as a target audience matches it" }),
    city: z.string().trim().min(1).max(200).optional().meta({ description: "in any case" }),
    tag: z.union([z.string().trim().min(1).max(100), z.array(z.string().trim().min(1).max(100)).max(20)]).optional()
      .meta({ description: "repeat for several: customers with all of them, each in any case" }),
    is_active: ZBool.optional(),
    /** false: only customers marked not reachable on WhatsApp (131026 in a row); true: only the others */
    reachable: ZBool.optional(),
    /** phone digits prefix or part of the name */
    q: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    /** next_cursor of the previous page (then offset is ignored) */
    cursor: ZCursor.optional(),
  })
  .strict();
export type TFindCustomers = z.input<typeof ZFindCustomers>;

type CustomerRow = {
  id: string; whatsapp_phone: string; name: string | null; customer_tier: string | null; city: string | null; tags: string[]; attributes: unknown;
  subscription: string; subscription_changed_at: Date | null; is_active: boolean; marketing_deferred_until: Date | null;
  undeliverable_count: number; undeliverable_since: Date | null; created_at: Date; updated_at: Date;
};

/** A filtered page of customers, newest first: the API's list; the customers table is searchCustomers. */
export async function findCustomers({ db, query, role }: { db: DbOrTx; query: TFindCustomers | Record<string, unknown>; role: Role }) {
  const q = ZFindCustomers.parse(query);
  const tags = q.tag === undefined ? undefined : Array.isArray(q.tag) ? q.tag : [q.tag];
  // a whole number as the workspace reads it too (07911 123457 in a UK workspace is 447911123457)
  const reading = q.q && /^[+0-9 ().-]+$/.test(q.q) ? await phoneReading(db) : null;
  const whole = q.q && reading ? normalizePhone(q.q, reading) : null;
  // a part of a national number: its trunk 0 stands for the country code (07911 finds +44 7911…)
  const part = q.q && reading && canSearchPartOfNumbers(role) ? phoneFilterOf(q.q, reading)?.startsWith : undefined;
  const cond: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (q.subscription) cond.push(Prisma.sql`subscription = ${q.subscription}`);
  // tier, city and tags in any case, as an audience matches them (customer-match.ts)
  cond.push(...customerMatchSql("", { customer_tier: q.customer_tier, city: q.city, tags }));
  if (q.is_active !== undefined) cond.push(Prisma.sql`is_active = ${q.is_active}`);
  if (q.reachable !== undefined) cond.push(q.reachable ? Prisma.sql`undeliverable_since IS NULL` : Prisma.sql`undeliverable_since IS NOT NULL`);
  if (q.q) {
    // the text is escaped into its LIKE patterns, so `%`, `_` and `\` are matched literally
    const phone = [
      canSearchPartOfNumbers(role) ? Prisma.sql`whatsapp_phone LIKE ${escapeLike(q.q.replace(/^\+/, "")) + "%"}` : Prisma.sql`whatsapp_phone = ${q.q.replace(/[^0-9]/g, "")}`,
      ...(whole?.ok ? [Prisma.sql`whatsapp_phone = ${whole.phone}`] : []),
      ...(part ? [Prisma.sql`whatsapp_phone LIKE ${escapeLike(part) + "%"}`] : []),
    ];
    cond.push(Prisma.sql`(${Prisma.join([...phone, Prisma.sql`name ILIKE ${"%" + escapeLike(q.q) + "%"}`], " OR ")})`);
  }
  const where = Prisma.join(cond, " AND ");
  // newest first: the rows after the cursor's (created_at, id)
  const key = q.cursor ? decodeCursor(q.cursor, 2) : null;
  const after = key ? Prisma.sql`AND (created_at, id) < (${cursorDate(key[0])}::timestamptz, ${cursorUuid(key[1])}::uuid)` : Prisma.empty;
  const [found, [count]] = await Promise.all([
    db.$queryRaw<CustomerRow[]>(Prisma.sql`
      SELECT id::text, whatsapp_phone, name, customer_tier, city, tags, attributes, subscription, subscription_changed_at, is_active,
        marketing_deferred_until, undeliverable_count, undeliverable_since, created_at, updated_at
      FROM user_profiles WHERE ${where} ${after}
      ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}::int OFFSET ${key ? 0 : q.offset}::int`),
    db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM user_profiles WHERE ${where}`),
  ]);
  const total = Number(count.n);
  const rows = found.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return {
    total,
    limit: q.limit,
    offset: key ? null : q.offset,
    next_cursor: found.length > q.limit ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
    customers: rows.map((u) => ({
      id: u.id,
      phone: apiPhone(role, u.whatsapp_phone),
      name: u.name,
      customer_tier: u.customer_tier,
      city: u.city,
      tags: u.tags,
      attributes: u.attributes,
      subscription: u.subscription,
      subscription_changed_at: u.subscription_changed_at?.toISOString() ?? null,
      is_active: u.is_active,
      marketing_deferred_until: u.marketing_deferred_until?.toISOString() ?? null,
      undeliverable_count: u.undeliverable_count,
      undeliverable_since: u.undeliverable_since?.toISOString() ?? null,
      created_at: u.created_at.toISOString(),
      updated_at: u.updated_at.toISOString(),
    })),
  };
}

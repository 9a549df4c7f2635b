import { z } from "@/lib/zod";
import { escapeLike } from "../sql-like";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { DbOrTx } from "../db";
import { cursorDate, cursorUuid, decodeCursor, encodeCursor, ZCursor } from "../pagination";
import type { Role } from "../auth/api-tokens";
import { apiPhone, canSearchPartOfNumbers } from "../users/permissions";
import { normalizePhone, phoneFilterOf } from "../phone";
import { phoneReading } from "../sending/sending-settings";

const ZBool = z.enum(["true", "false"]).transform((v) => v === "true");

export const ZFindCustomers = z
  .object({
    subscription: z.enum(["subscribed", "unsubscribed"]).optional(),
    customer_tier: z.string().trim().min(1).max(100).optional(),
    city: z.string().trim().min(1).max(200).optional(),
    tag: z.union([z.string().trim().min(1).max(100), z.array(z.string().trim().min(1).max(100)).max(20)]).optional(),
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

/** A filtered page of customers, newest first: the API's list; the customers table is searchCustomers. */
export async function findCustomers({ db, query, role }: { db: DbOrTx; query: TFindCustomers | Record<string, unknown>; role: Role }) {
  const q = ZFindCustomers.parse(query);
  const tags = q.tag === undefined ? undefined : Array.isArray(q.tag) ? q.tag : [q.tag];
  // a whole number as the workspace reads it too (07911 123457 in a UK workspace is 447911123457)
  const reading = q.q && /^[+0-9 ().-]+$/.test(q.q) ? await phoneReading(db) : null;
  const whole = q.q && reading ? normalizePhone(q.q, reading) : null;
  // a part of a national number: its trunk 0 stands for the country code (07911 finds +44 7911…)
  const part = q.q && reading && canSearchPartOfNumbers(role) ? phoneFilterOf(q.q, reading)?.startsWith : undefined;
  const where: Prisma.UserProfileWhereInput = {
    ...(q.subscription ? { subscription: q.subscription } : {}),
    ...(q.customer_tier ? { customerTier: q.customer_tier } : {}),
    // a case-insensitive equals is an ILIKE with the text as its pattern: escaped like the search below
    ...(q.city ? { city: { equals: escapeLike(q.city), mode: "insensitive" } } : {}),
    ...(tags ? { tags: { hasEvery: tags } } : {}),
    ...(q.is_active !== undefined ? { isActive: q.is_active } : {}),
    ...(q.reachable !== undefined ? { undeliverableSince: q.reachable ? null : { not: null } } : {}),
    ...(q.q
      // Prisma puts the text into a LIKE pattern as it is: escaped, so `%`, `_` and `\` are matched literally
      // (and a trailing `\` is not a broken pattern, a 500)
      ? { OR: [
        canSearchPartOfNumbers(role) ? { whatsappPhone: { startsWith: escapeLike(q.q.replace(/^\+/, "")) } } : { whatsappPhone: q.q.replace(/[^0-9]/g, "") },
        ...(whole?.ok ? [{ whatsappPhone: whole.phone }] : []),
        ...(part ? [{ whatsappPhone: { startsWith: part } }] : []),
        { name: { contains: escapeLike(q.q), mode: "insensitive" } },
      ] }
      : {}),
  };
  // newest first: the rows after the cursor's (created_at, id)
  const key = q.cursor ? decodeCursor(q.cursor, 2) : null;
  const after: Prisma.UserProfileWhereInput = key
    ? { OR: [{ createdAt: { lt: cursorDate(key[0]) } }, { createdAt: cursorDate(key[0]), id: { lt: cursorUuid(key[1]) } }] }
    : {};
  const [found, total] = await Promise.all([
    db.userProfile.findMany({ where: { AND: [where, after] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: q.limit + 1, skip: key ? 0 : q.offset }),
    db.userProfile.count({ where }),
  ]);
  const rows = found.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return {
    total,
    limit: q.limit,
    offset: key ? null : q.offset,
    next_cursor: found.length > q.limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    customers: rows.map((u) => ({
      id: u.id,
      phone: apiPhone(role, u.whatsappPhone),
      name: u.name,
      customer_tier: u.customerTier,
      city: u.city,
      tags: u.tags,
      attributes: u.attributes,
      subscription: u.subscription,
      subscription_changed_at: u.subscriptionChangedAt?.toISOString() ?? null,
      is_active: u.isActive,
      marketing_deferred_until: u.marketingDeferredUntil?.toISOString() ?? null,
      undeliverable_count: u.undeliverableCount,
      undeliverable_since: u.undeliverableSince?.toISOString() ?? null,
      created_at: u.createdAt.toISOString(),
      updated_at: u.updatedAt.toISOString(),
    })),
  };
}

import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { DbOrTx } from "../db";

const ZBool = z.enum(["true", "false"]).transform((v) => v === "true");

export const ZFindCustomers = z
  .object({
    subscription: z.enum(["subscribed", "unsubscribed"]).optional(),
    customer_tier: z.string().trim().min(1).max(100).optional(),
    city: z.string().trim().min(1).max(200).optional(),
    tag: z.union([z.string().trim().min(1).max(100), z.array(z.string().trim().min(1).max(100)).max(20)]).optional(),
    is_active: ZBool.optional(),
    /** phone digits prefix or part of the name */
    q: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  })
  .strict();
export type TFindCustomers = z.input<typeof ZFindCustomers>;

/** A filtered page of customers, newest first. */
export async function findCustomers({ db, query }: { db: DbOrTx; query: TFindCustomers | Record<string, unknown> }) {
  const q = ZFindCustomers.parse(query);
  const tags = q.tag === undefined ? undefined : Array.isArray(q.tag) ? q.tag : [q.tag];
  const where: Prisma.UserProfileWhereInput = {
    ...(q.subscription ? { subscription: q.subscription } : {}),
    ...(q.customer_tier ? { customerTier: q.customer_tier } : {}),
    ...(q.city ? { city: { equals: q.city, mode: "insensitive" } } : {}),
    ...(tags ? { tags: { hasEvery: tags } } : {}),
    ...(q.is_active !== undefined ? { isActive: q.is_active } : {}),
    ...(q.q
      ? { OR: [{ whatsappPhone: { startsWith: q.q.replace(/^\+/, "") } }, { name: { contains: q.q, mode: "insensitive" } }] }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db.userProfile.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: q.limit, skip: q.offset }),
    db.userProfile.count({ where }),
  ]);
  return {
    total,
    limit: q.limit,
    offset: q.offset,
    customers: rows.map((u) => ({
      id: u.id,
      phone: u.whatsappPhone,
      name: u.name,
      customer_tier: u.customerTier,
      city: u.city,
      tags: u.tags,
      attributes: u.attributes,
      subscription: u.subscription,
      subscription_changed_at: u.subscriptionChangedAt?.toISOString() ?? null,
      is_active: u.isActive,
      marketing_deferred_until: u.marketingDeferredUntil?.toISOString() ?? null,
      created_at: u.createdAt.toISOString(),
      updated_at: u.updatedAt.toISOString(),
    })),
  };
}

/**
 * One customer's profile, corrected by a person in the dashboard: name, tier, city, tags and attributes,
 * each replaced by what the form holds (an empty or omitted one is cleared; attributes as a whole, so a removed pair
 * is gone). The number is not changed here, nor the subscription (setCustomerSubscription) or the
 * undeliverable mark (clearUndeliverable). The fields are checked as the API's upsert checks them
 * (ZCustomerRow). Admins and marketers may; viewers may not. The audit entry names the customer id and
 * the fields that changed, never their values (a name is personal data an erasure must not leave behind).
 */
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type Db } from "../db";
import { AppError, issuesToDetails } from "../errors";
import { can } from "../users/permissions";
import { parseCustomerId } from "./erase-customer";
import { ZCustomerRow } from "./upsert-customers";

const row = ZCustomerRow.shape;

/** The profile fields a person edits, as the API's upsert checks them; tags once each, in the order given. */
export const ZCustomerProfile = z
  .object({
    name: row.name.transform((v) => v ?? null),
    customer_tier: row.customer_tier.transform((v) => v ?? null),
    city: row.city.transform((v) => v ?? null),
    tags: row.tags.transform((v) => [...new Set(v ?? [])]),
    attributes: row.attributes.transform((v) => v ?? {}),
  })
  .strict();
export type TCustomerProfile = z.infer<typeof ZCustomerProfile>;

/** a refusal of `input`: VALIDATION_FAILED with each problem beside its field ({ path, message }) */
export function parseCustomerInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "Check the highlighted fields.", issuesToDetails(parsed.error.issues));
  return parsed.data;
}

export function requireChangeRole(principal: Principal) {
  if (!can(principal.role, "change")) throw new AppError("FORBIDDEN", "Your role can view but not change anything.");
}

const FIELDS = ["name", "customer_tier", "city", "tags", "attributes"] as const;

export type UpdateCustomerResult = { id: string; changed: Array<(typeof FIELDS)[number]> };

export async function updateCustomer({ db, now, principal, customerId, input }: {
  db: Db; now: Date; principal: Principal; customerId: string; input: unknown;
}): Promise<UpdateCustomerResult> {
  requireChangeRole(principal);
  const id = parseCustomerId(customerId);
  const next = parseCustomerInput(ZCustomerProfile, input);
  return db.$transaction(async (tx) => {
    // FOR NO KEY UPDATE, the lock every writer of customers takes (lock-customers.ts); only this row is locked
    const [p] = await tx.$queryRaw<Array<TCustomerProfile>>(Prisma.sql`
      SELECT name, customer_tier, city, tags, attributes FROM user_profiles WHERE id = ${id}::uuid FOR NO KEY UPDATE`);
    if (!p) throw new AppError("CUSTOMER_NOT_FOUND", "No customer with this id.");
    const changed = FIELDS.filter((f) => !sameValue(p[f], next[f]));
    if (changed.length === 0) return { id, changed };
    await tx.$executeRaw(Prisma.sql`
      UPDATE user_profiles SET name = ${next.name}, customer_tier = ${next.customer_tier}, city = ${next.city},
        tags = ${next.tags}::text[], attributes = ${JSON.stringify(next.attributes)}::jsonb, updated_at = ${now}::timestamptz
      WHERE id = ${id}::uuid`);
    await audit(tx, { actor: principal.actor, action: "customer.update", entityType: "customer", entityId: id, details: { fields: changed }, now });
    return { id, changed };
  });
}

/** the same stored value: text, a list in order, or an object whatever the order of its keys */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, x]) => [k, canonical(x)]));
  return v ?? null;
}

/**
 * Bulk upsert of customers by phone (≤ 10,000 a call), all or nothing: every row is validated and its
 * phone normalised first; if any row is invalid (or repeats a phone of an earlier row) nothing is
 * written and the answer lists the row errors. Then one statement writes them all: existing customers
 * (by whatsapp_phone) get the fields the row gives (omitted fields keep their value), new ones are
 * inserted, and a concurrent insert of the same phone is resolved by ON CONFLICT (whatsapp_phone).
 *
 * Every row stores the number's pricing market (cost/market.ts) from the parse that normalised it; an
 * existing customer's market is refreshed with it (the same number, so the same market).
 *
 * Opt-outs are sticky (see ./opt-outs): a row never re-subscribes a customer who opted out on WhatsApp,
 * and the number of an erased customer is always written as unsubscribed. Such rows still update the
 * other fields; the answer counts them as `kept_unsubscribed`.
 */
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type DbOrTx } from "../db";
import { AppError } from "../errors";
import { normalizePhone } from "../phone";
import { phoneReading } from "../sending/sending-settings";
import { marketOfParsedCountry } from "../cost/market";
import { ERASED_NUMBER_SOURCE, suppressedSql, whatsappOptOutSql } from "./opt-outs";

export const MAX_CUSTOMERS_PER_REQUEST = 10_000;

const ZText = (max: number) => z.string().trim().min(1).max(max);

export const ZCustomerRow = z
  .object({
    phone: z.union([z.string().max(40), z.number()]),
    name: ZText(200).nullish(),
    customer_tier: ZText(100).nullish(),
    city: ZText(200).nullish(),
    tags: z.array(ZText(100)).max(100).optional(),
    subscription: z.enum(["subscribed", "unsubscribed"]).optional(),
    is_active: z.boolean().optional(),
    attributes: z.record(z.string().max(64), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

export const ZUpsertCustomers = z.object({ customers: z.array(z.unknown()).min(1).max(MAX_CUSTOMERS_PER_REQUEST) }).strict();

/** a row's problem: `path` as every other VALIDATION_FAILED names it ("customers.3.phone"), and the row and field apart */
export type RowError = { path: string; row: number; field: string; message: string };
const rowError = (row: number, field: string, message: string): RowError =>
  ({ path: field === "(row)" ? `customers.${row}` : `customers.${row}.${field}`, row, field, message });

export async function upsertCustomers({ db, now, rows, principal, source = "api" }: {
  db: DbOrTx; now: Date; rows: unknown[]; principal?: Principal | null; source?: string;
}) {
  if (rows.length > MAX_CUSTOMERS_PER_REQUEST) throw new AppError("VALIDATION_FAILED", `At most ${MAX_CUSTOMERS_PER_REQUEST} customers a request.`);
  const errors: RowError[] = [];
  const clean: Array<Record<string, unknown>> = [];
  const firstRow = new Map<string, number>();
  const reading = await phoneReading(db);
  rows.forEach((raw, row) => {
    const parsed = ZCustomerRow.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues) errors.push(rowError(row, i.path.map(String).join(".") || "(row)", i.message));
      return;
    }
    const phone = normalizePhone(parsed.data.phone, reading);
    if (!phone.ok) {
      errors.push(rowError(row, "phone", phone.reason));
      return;
    }
    const earlier = firstRow.get(phone.phone);
    if (earlier !== undefined) {
      errors.push(rowError(row, "phone", `the same number as row ${earlier}`));
      return;
    }
    firstRow.set(phone.phone, row);
    const { phone: _raw, ...fields } = parsed.data;
    // the number's pricing market, from the parse that normalised it (no second parse)
    clean.push({ ...fields, phone: phone.phone, market: marketOfParsedCountry(phone.country) });
  });
  if (errors.length > 0) {
    throw new AppError("VALIDATION_FAILED", `${new Set(errors.map((e) => e.row)).size} of ${rows.length} rows are invalid: nothing was saved.`, errors.slice(0, 1000));
  }

  const json = JSON.stringify(clean);
  const has = (k: string) => Prisma.sql`(i.j ? ${k})`;
  // the subscription a row leaves on an existing profile: what it asks for, unless the profile's opt-out
  // came from WhatsApp, and never subscribed for an erased number
  const nextSubscription = Prisma.sql`CASE WHEN i.suppressed THEN 'unsubscribed'
    WHEN ${has("subscription")} AND NOT ${whatsappOptOutSql()} THEN i.j->>'subscription' ELSE p.subscription END`;
  const [res] = await db.$queryRaw<Array<{ updated: bigint; inserted: bigint; kept: bigint }>>(Prisma.sql`
    WITH i AS (
      SELECT e AS j, e->>'phone' AS phone, ${suppressedSql(Prisma.sql`e->>'phone'`)} AS suppressed FROM jsonb_array_elements(${json}::jsonb) e
    ), upd AS (
      UPDATE user_profiles p SET
        name = CASE WHEN ${has("name")} THEN i.j->>'name' ELSE p.name END,
        customer_tier = CASE WHEN ${has("customer_tier")} THEN i.j->>'customer_tier' ELSE p.customer_tier END,
        city = CASE WHEN ${has("city")} THEN i.j->>'city' ELSE p.city END,
        tags = CASE WHEN ${has("tags")} THEN ARRAY(SELECT jsonb_array_elements_text(i.j->'tags')) ELSE p.tags END,
        attributes = CASE WHEN ${has("attributes")} THEN p.attributes || (i.j->'attributes') ELSE p.attributes END,
        is_active = CASE WHEN ${has("is_active")} THEN (i.j->>'is_active')::boolean ELSE p.is_active END,
        market = i.j->>'market',
        subscription = ${nextSubscription},
        subscription_changed_at = CASE WHEN ${nextSubscription} <> p.subscription THEN ${now}::timestamptz ELSE p.subscription_changed_at END,
        subscription_source = CASE WHEN ${nextSubscription} <> p.subscription
          THEN (CASE WHEN i.suppressed THEN ${ERASED_NUMBER_SOURCE} ELSE ${source} END) ELSE p.subscription_source END,
        updated_at = ${now}::timestamptz
      FROM i WHERE p.whatsapp_phone = i.phone
      RETURNING p.whatsapp_phone, (${has("subscription")} AND i.j->>'subscription' <> p.subscription) AS kept
    ), ins AS (
      INSERT INTO user_profiles AS p (id, whatsapp_phone, market, name, customer_tier, city, tags, attributes, subscription,
        subscription_changed_at, subscription_source, is_active, created_at, updated_at)
      SELECT uuidv7(), i.phone, i.j->>'market', i.j->>'name', i.j->>'customer_tier', i.j->>'city',
        coalesce(ARRAY(SELECT jsonb_array_elements_text(i.j->'tags')), ARRAY[]::text[]),
        coalesce(i.j->'attributes', '{}'::jsonb), CASE WHEN i.suppressed THEN 'unsubscribed' ELSE coalesce(i.j->>'subscription', 'subscribed') END,
        ${now}::timestamptz, CASE WHEN i.suppressed THEN ${ERASED_NUMBER_SOURCE} ELSE ${source} END, coalesce((i.j->>'is_active')::boolean, true), ${now}::timestamptz, ${now}::timestamptz
      FROM i WHERE i.phone NOT IN (SELECT whatsapp_phone FROM upd)
      ON CONFLICT (whatsapp_phone) DO UPDATE SET
        name = coalesce(excluded.name, p.name), customer_tier = coalesce(excluded.customer_tier, p.customer_tier),
        city = coalesce(excluded.city, p.city), market = excluded.market, updated_at = excluded.updated_at
      RETURNING (xmax = 0) AS inserted)
    SELECT (SELECT count(*) FROM upd) + (SELECT count(*) FROM ins WHERE NOT inserted) AS updated,
           (SELECT count(*) FROM ins WHERE inserted) AS inserted,
           (SELECT count(*) FROM upd WHERE kept)
             + (SELECT count(*) FROM i WHERE i.suppressed AND coalesce(i.j->>'subscription', 'subscribed') <> 'unsubscribed'
                  AND i.phone NOT IN (SELECT whatsapp_phone FROM upd)) AS kept`);
  const created = Number(res.inserted);
  const updated = Number(res.updated);
  const keptUnsubscribed = Number(res.kept);
  await audit(db, { actor: principal?.actor ?? "system", action: "customers.upsert", entityType: "customer", details: { created, updated, kept_unsubscribed: keptUnsubscribed, source }, now });
  const kept = keptUnsubscribed > 0 ? `; ${keptUnsubscribed} stay unsubscribed (they opted out on WhatsApp or were erased)` : "";
  return { created, updated, total: clean.length, kept_unsubscribed: keptUnsubscribed, message: `Saved ${clean.length} ${clean.length === 1 ? "customer" : "customers"} (${created} new, ${updated} updated${kept})` };
}

/**
 * One lock statement for the customers a transaction is about to write, in id order. A transaction that
 * writes customers through several rules (131049 defers them, 131050 unsubscribes them, 131026 counts them
 * undeliverable, a delivery clears that count, a message from them does the same or changes their
 * subscription) would otherwise lock them rule by rule, each statement in id order but the transaction as a
 * whole in no order: two appliers, or an applier and the processor, with the same customers in crossing
 * order deadlock (PostgreSQL finds it after deadlock_timeout, a second's stall, and one of them is redone).
 * Locked here first, every later statement finds its rows already held by its own transaction. Keys that
 * would not lead to a write are filtered in the same statement, so a chunk of delivered statuses locks (and
 * writes) nothing for customers without an undeliverable count.
 * Lock order across tables: campaign recipients first (the engine, the applier), then customers.
 * FOR NO KEY UPDATE, the lock an UPDATE of these columns takes anyway (every writer of customers here uses
 * it): it does not wait for the key-share locks that adding recipients holds on their customers until it
 * commits (campaign_recipients.customer_id's foreign key), so a large audience being added never holds up
 * the applier's chunks.
 */
import { Prisma, type Tx } from "../db";

export type CustomerLockKeys = {
  /** campaign recipients: their customer, and the customer who has their number */
  recipientIds?: string[];
  customerIds?: string[];
  /** customers among these that have an undeliverable count (the only ones a clear writes) */
  countedIds?: string[];
  /** customers among these that have no wa_id yet (the only ones learning one writes) */
  withoutWaIds?: string[];
  /** the customers of the recipients of these messages, those among them without this user id (the only ones learning it writes) */
  messageUserIds?: Array<{ wamid: string; userId: string }>;
  /** test messages (whatsapp_messages.is_test) whose failure writes the customers of their number */
  testMessageIds?: string[];
  /** numbers as we know them or as WhatsApp knows them (whatsapp_phone or wa_id) */
  numbers?: string[];
  /** WhatsApp's business-scoped user ids */
  userIds?: string[];
};

/** Merges lock keys (for one statement covering several parts of a transaction). */
export function mergeLockKeys(...all: Array<CustomerLockKeys | undefined>): CustomerLockKeys {
  const out: Record<string, unknown[]> = {};
  for (const keys of all) {
    for (const [k, v] of Object.entries(keys ?? {})) (out[k] ??= []).push(...(v as unknown[]));
  }
  return out as CustomerLockKeys;
}

const distinct = (v: string[] | undefined) => [...new Set(v ?? [])];

/** Locks, in id order, every customer the keys name (see CustomerLockKeys); answers how many. */
export async function lockCustomers(tx: Tx, keys: CustomerLockKeys): Promise<number> {
  const recipientIds = distinct(keys.recipientIds);
  const customerIds = distinct(keys.customerIds);
  const countedIds = distinct(keys.countedIds);
  const withoutWaIds = distinct(keys.withoutWaIds);
  const messageUserIds = keys.messageUserIds ?? [];
  const testMessageIds = distinct(keys.testMessageIds);
  const numbers = distinct(keys.numbers);
  const userIds = distinct(keys.userIds);
  const parts: Prisma.Sql[] = [];
  if (recipientIds.length > 0) {
    parts.push(Prisma.sql`SELECT r.customer_id FROM campaign_recipients r WHERE r.id = ANY(${recipientIds}::uuid[])`);
    parts.push(Prisma.sql`SELECT q.id FROM campaign_recipients r JOIN user_profiles q ON q.whatsapp_phone = r.phone_number WHERE r.id = ANY(${recipientIds}::uuid[])`);
  }
  if (customerIds.length > 0) parts.push(Prisma.sql`SELECT unnest(${customerIds}::uuid[])`);
  if (countedIds.length > 0) parts.push(Prisma.sql`SELECT q.id FROM user_profiles q WHERE q.id = ANY(${countedIds}::uuid[]) AND q.undeliverable_count > 0`);
  if (withoutWaIds.length > 0) parts.push(Prisma.sql`SELECT q.id FROM user_profiles q WHERE q.id = ANY(${withoutWaIds}::uuid[]) AND q.wa_id IS NULL`);
  if (messageUserIds.length > 0) {
    parts.push(Prisma.sql`
      SELECT q.id FROM unnest(${messageUserIds.map((m) => m.wamid)}::text[], ${messageUserIds.map((m) => m.userId)}::text[]) AS u(wamid, user_id)
      JOIN campaign_recipients r ON r.whatsapp_message_id = u.wamid JOIN user_profiles q ON q.id = r.customer_id
      WHERE q.user_id IS DISTINCT FROM u.user_id AND q.whatsapp_phone !~ '^erased:'`);
  }
  if (testMessageIds.length > 0) {
    const tests = Prisma.sql`SELECT w.phone_number, w.wa_id FROM whatsapp_messages w WHERE w.whatsapp_message_id = ANY(${testMessageIds}::text[]) AND w.is_test`;
    parts.push(Prisma.sql`SELECT q.id FROM (${tests}) t JOIN user_profiles q ON q.whatsapp_phone = t.phone_number`);
    parts.push(Prisma.sql`SELECT q.id FROM (${tests}) t JOIN user_profiles q ON q.whatsapp_phone = t.wa_id`);
    parts.push(Prisma.sql`SELECT q.id FROM (${tests}) t JOIN user_profiles q ON q.wa_id = t.wa_id`);
  }
  if (numbers.length > 0) {
    parts.push(Prisma.sql`SELECT q.id FROM user_profiles q WHERE q.whatsapp_phone = ANY(${numbers}::text[])`);
    parts.push(Prisma.sql`SELECT q.id FROM user_profiles q WHERE q.wa_id = ANY(${numbers}::text[])`);
  }
  if (userIds.length > 0) parts.push(Prisma.sql`SELECT q.id FROM user_profiles q WHERE q.user_id = ANY(${userIds}::text[])`);
  if (parts.length === 0) return 0;
  const rows = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT p.id FROM user_profiles p WHERE p.id IN (${Prisma.join(parts, " UNION ALL ")}) ORDER BY p.id FOR NO KEY UPDATE`);
  return rows.length;
}

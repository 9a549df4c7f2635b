/**
 * A customer's own subscription changes through WhatsApp (STOP/START replies, quick-reply buttons,
 * user_preferences, the 131050 error of a status or a send), set-based. Only user_profiles is written:
 * the engine re-checks a customer's subscription when it claims recipients.
 *
 * Ordering: a customer's WhatsApp events are ordered among themselves only — by their time, ties by
 * arrival (the inbox id) — against the last one applied (whatsapp_event_at, whatsapp_event_seq). Our own
 * writes (imports, upserts, the toggle) never outrank them: a STOP in the same second as an import, or
 * before it by any clock skew, still unsubscribes.
 * Customers are matched by id, known phone, WhatsApp's wa_id, or the business-scoped user id (a
 * customer with a username may send no phone).
 *
 * A change that names only a user id no customer has yet (a STOP from a customer with a username whose
 * number WhatsApp withholds) is held in held_subscription_changes, the latest per user id, and applied in
 * the transaction that gives a customer that user id (settleHeldSubscriptionChanges): an opt-out is never
 * dropped because we could not tell who sent it yet.
 */
import { Prisma, type Tx } from "../db";
import { isPhoneDigits } from "../phone";
import type { SubscriptionSource } from "./subscription-sources";

export type SubscriptionChange = {
  action: "unsubscribe" | "subscribe";
  at: Date;
  /** arrival order (the inbox row id); 0 for a send's answer recorded by the processor */
  seq: bigint | number;
  source: SubscriptionSource;
  customerId?: string | null;
  /** the number we know (E.164 digits) */
  phone?: string | null;
  /** the number as WhatsApp knows it (webhook `from` / `wa_id`) */
  waId?: string | null;
  /** WhatsApp's business-scoped user id */
  userId?: string | null;
  /** customers unknown to us who opt out get a profile, as unsubscribed (only with a phone number) */
  createIfMissing?: boolean;
};


/**
 * The user ids a transaction gave to a customer, or held a change for: settleHeldSubscriptionChanges applies
 * their held changes before it commits. Whoever collects into it must settle it.
 */
export type UserIdTouches = Set<string>;

export async function applySubscriptionChanges(tx: Tx, changes: SubscriptionChange[], touched?: UserIdTouches): Promise<{ unsubscribed: number; subscribed: number; created: number; held: number }> {
  if (changes.length === 0) return { unsubscribed: 0, subscribed: 0, created: 0, held: 0 };
  const later = (a: SubscriptionChange, b: SubscriptionChange) => a.at.getTime() > b.at.getTime() || (a.at.getTime() === b.at.getTime() && BigInt(a.seq) > BigInt(b.seq));
  // a profile is created only when the number's latest change in this batch is an opt-out
  const latestByNumber = new Map<string, SubscriptionChange>();
  for (const c of changes) {
    const key = c.phone ?? c.waId ?? c.userId ?? "";
    const prev = latestByNumber.get(key);
    if (!prev || !later(prev, c)) latestByNumber.set(key, c);
  }
  const rows = changes.map((c) => ({
    customer_id: c.customerId ?? null,
    phone: c.phone && isPhoneDigits(c.phone) ? c.phone : null,
    wa_id: c.waId ?? null,
    user_id: c.userId ?? null,
    action: c.action,
    at: c.at.toISOString(),
    seq: String(c.seq),
    source: c.source,
    create_missing: c.createIfMissing === true && c.action === "unsubscribe" && latestByNumber.get(c.phone ?? c.waId ?? c.userId ?? "") === c,
  }));
  const json = JSON.stringify(rows);
  const CMD = Prisma.sql`jsonb_to_recordset(${json}::jsonb)
    AS c(customer_id uuid, phone text, wa_id text, user_id text, action text, at timestamptz, seq bigint, source text, create_missing boolean)`;

  const updated = await tx.$queryRaw<Array<{ subscription: string; before: string; linked: string | null }>>(Prisma.sql`
    WITH cmd AS (SELECT row_number() OVER () AS n, c.* FROM ${CMD}),
    m AS (
      SELECT p.id AS pid, cmd.n FROM cmd JOIN user_profiles p ON p.id = cmd.customer_id
      UNION SELECT p.id, cmd.n FROM cmd JOIN user_profiles p ON p.whatsapp_phone = cmd.phone
      UNION SELECT p.id, cmd.n FROM cmd JOIN user_profiles p ON p.whatsapp_phone = cmd.wa_id
      UNION SELECT p.id, cmd.n FROM cmd JOIN user_profiles p ON p.wa_id = cmd.wa_id
      UNION SELECT p.id, cmd.n FROM cmd JOIN user_profiles p ON p.user_id = cmd.user_id
    ),
    latest AS (
      SELECT DISTINCT ON (m.pid) m.pid, cmd.action, cmd.at, cmd.seq, cmd.source, cmd.user_id
      FROM m JOIN cmd ON cmd.n = m.n ORDER BY m.pid, cmd.at DESC, cmd.seq DESC, cmd.n DESC
    ),
    locked AS (SELECT p.id, p.subscription, p.user_id FROM user_profiles p WHERE p.id IN (SELECT pid FROM latest) ORDER BY p.id FOR NO KEY UPDATE)
    UPDATE user_profiles p SET
      subscription = CASE WHEN l.action = 'unsubscribe' THEN 'unsubscribed' ELSE 'subscribed' END,
      subscription_changed_at = CASE WHEN p.subscription <> CASE WHEN l.action = 'unsubscribe' THEN 'unsubscribed' ELSE 'subscribed' END
        THEN l.at ELSE p.subscription_changed_at END,
      subscription_source = CASE WHEN p.subscription <> CASE WHEN l.action = 'unsubscribe' THEN 'unsubscribed' ELSE 'subscribed' END
        THEN l.source ELSE p.subscription_source END,
      whatsapp_event_at = l.at, whatsapp_event_seq = l.seq,
      user_id = coalesce(p.user_id, l.user_id),
      updated_at = now()
    FROM latest l, locked k
    WHERE p.id = l.pid AND k.id = p.id
      AND (p.whatsapp_event_at IS NULL OR (p.whatsapp_event_at, coalesce(p.whatsapp_event_seq, 0)) < (l.at, l.seq))
    RETURNING p.subscription, k.subscription AS before, CASE WHEN k.user_id IS NULL THEN p.user_id END AS linked`);

  const created = await tx.$executeRaw(Prisma.sql`
    INSERT INTO user_profiles (id, whatsapp_phone, wa_id, user_id, subscription, subscription_changed_at, subscription_source, whatsapp_event_at, whatsapp_event_seq, updated_at)
    SELECT DISTINCT ON (num) gen_random_uuid(), num, c.wa_id, c.user_id, 'unsubscribed', c.at, c.source, c.at, c.seq, now()
    FROM (SELECT coalesce(c.phone, c.wa_id) AS num, c.* FROM ${CMD} WHERE c.create_missing) c
    WHERE num ~ '^[0-9]{6,15}$'
      AND NOT EXISTS (SELECT 1 FROM user_profiles p WHERE p.whatsapp_phone = c.num OR p.whatsapp_phone = c.wa_id OR p.wa_id = c.wa_id
        OR p.id = c.customer_id OR p.user_id = c.user_id)
    ORDER BY num, c.at DESC, c.seq DESC
    ON CONFLICT (whatsapp_phone) DO NOTHING`);

  // a change that names a user id and no number is also held (the latest per user id): the settle at the
  // end of the transaction removes it again if a customer has the user id by then (applying it once more
  // changes nothing). Held whether or not the update above found the customer: whether a customer has the
  // user id may change between the two statements (another transaction giving it), and the settle, under
  // its lock, is what sees that reliably.
  let held = 0;
  if (touched && rows.some((r) => r.user_id !== null && r.customer_id === null && r.phone === null && r.wa_id === null)) {
    // the settle's lock first: a held row is only ever written or locked under it (no lock-order inversion)
    await lockHeldSubscriptionChanges(tx);
    const heldIds = await tx.$queryRaw<Array<{ user_id: string }>>(Prisma.sql`
      INSERT INTO held_subscription_changes AS h (user_id, action, at, seq, source)
      SELECT DISTINCT ON (c.user_id) c.user_id, c.action, c.at, c.seq, c.source
      FROM ${CMD}
      WHERE c.user_id IS NOT NULL AND c.customer_id IS NULL AND c.phone IS NULL AND c.wa_id IS NULL
      ORDER BY c.user_id, c.at DESC, c.seq DESC
      ON CONFLICT (user_id) DO UPDATE SET action = EXCLUDED.action, at = EXCLUDED.at, seq = EXCLUDED.seq, source = EXCLUDED.source, created_at = now()
        WHERE (h.at, h.seq) < (EXCLUDED.at, EXCLUDED.seq)
      RETURNING h.user_id`);
    held = heldIds.length;
    for (const r of heldIds) touched.add(r.user_id);
  }
  if (touched) for (const r of updated) if (r.linked) touched.add(r.linked);

  const changed = updated.filter((r) => r.subscription !== r.before);
  return {
    unsubscribed: changed.filter((r) => r.subscription === "unsubscribed").length + created,
    subscribed: changed.filter((r) => r.subscription === "subscribed").length,
    created,
    held,
  };
}

/**
 * Applies the held changes of the user ids a transaction touched (gave to a customer, or held a change
 * for) that a customer has now, and removes them. Called once at the end of the transaction. Under one
 * transaction-scoped advisory lock, so a change held by one transaction and the user id given to a
 * customer by another at the same moment meet: whichever settles second sees the other's commit.
 * Answers the number of held changes applied.
 */
export async function settleHeldSubscriptionChanges(tx: Tx, touched: UserIdTouches): Promise<number> {
  if (touched.size === 0) return 0;
  await lockHeldSubscriptionChanges(tx);
  const rows = await tx.$queryRaw<Array<{ user_id: string; action: "unsubscribe" | "subscribe"; at: Date; seq: bigint; source: SubscriptionSource }>>(Prisma.sql`
    SELECT h.user_id, h.action, h.at, h.seq, h.source FROM held_subscription_changes h
    WHERE h.user_id = ANY(${[...touched]}::text[]) AND EXISTS (SELECT 1 FROM user_profiles p WHERE p.user_id = h.user_id)
    ORDER BY h.user_id FOR UPDATE OF h`);
  if (rows.length === 0) return 0;
  await applySubscriptionChanges(tx, rows.map((r) => ({ action: r.action, at: r.at, seq: r.seq, source: r.source, userId: r.user_id })));
  await tx.$executeRaw(Prisma.sql`DELETE FROM held_subscription_changes WHERE user_id = ANY(${rows.map((r) => r.user_id)}::text[])`);
  return rows.length;
}

/** The transaction-scoped lock under which held_subscription_changes is written and settled. */
export async function lockHeldSubscriptionChanges(tx: Tx): Promise<void> {
  await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended('held_subscription_changes', 0))`);
}

/**
 * A user id replaced by WhatsApp (user_id_update, a system message): a change held for the previous id is
 * now held for the new one (the latest per id wins), and the new id is touched, so it settles if a customer
 * has it.
 */
export async function moveHeldSubscriptionChanges(tx: Tx, { previous, next, touched }: { previous: string; next: string; touched?: UserIdTouches }): Promise<number> {
  await lockHeldSubscriptionChanges(tx);
  const [{ moved }] = await tx.$queryRaw<Array<{ moved: bigint }>>(Prisma.sql`
    WITH gone AS (DELETE FROM held_subscription_changes WHERE user_id = ${previous} RETURNING action, at, seq, source),
    ins AS (
      INSERT INTO held_subscription_changes AS h (user_id, action, at, seq, source)
      SELECT ${next}, action, at, seq, source FROM gone
      ON CONFLICT (user_id) DO UPDATE SET action = EXCLUDED.action, at = EXCLUDED.at, seq = EXCLUDED.seq, source = EXCLUDED.source, created_at = now()
        WHERE (h.at, h.seq) < (EXCLUDED.at, EXCLUDED.seq)
      RETURNING 1)
    SELECT (SELECT count(*) FROM gone) AS moved`);
  if (Number(moved) > 0) touched?.add(next);
  return Number(moved);
}
/**
 * Subscription changes from WhatsApp (STOP/START replies, quick-reply buttons, user_preferences, the
 * 131050 error), set-based. Only user_profiles is written: the engine re-checks a customer's subscription
 * when it claims recipients, so an unsubscribe takes effect before the next send.
 *
 * Out-of-order safe: a change older than the profile's subscription_changed_at is ignored.
 */
import { Prisma, type Tx } from "@/lib/marketing/db";

export type SubscriptionChange = {
  action: "unsubscribe" | "subscribe";
  at: Date;
  /** e.g. whatsapp_keyword, whatsapp_button, user_preferences, whatsapp_error_131050 */
  source: string;
  customerId?: string | null;
  /** the number we know (E.164 digits) */
  phone?: string | null;
  /** the number as WhatsApp knows it (webhook `from` / `wa_id`) */
  waId?: string | null;
  /** customers unknown to us who opt out get a profile, as unsubscribed */
  createIfMissing?: boolean;
};

const PHONE_RE = /^[0-9]{6,15}$/;

export async function applySubscriptionChanges(tx: Tx, changes: SubscriptionChange[]): Promise<{ unsubscribed: number; subscribed: number; created: number }> {
  if (changes.length === 0) return { unsubscribed: 0, subscribed: 0, created: 0 };
  // a profile is created only when the number's latest change in this batch is an opt-out
  const latestByNumber = new Map<string, SubscriptionChange>();
  for (const c of changes) {
    const key = c.phone ?? c.waId ?? "";
    const prev = latestByNumber.get(key);
    if (!prev || prev.at.getTime() <= c.at.getTime()) latestByNumber.set(key, c);
  }
  const rows = changes.map((c) => ({
    customer_id: c.customerId ?? null,
    phone: c.phone && PHONE_RE.test(c.phone) ? c.phone : null,
    wa_id: c.waId ?? null,
    action: c.action,
    at: c.at.toISOString(),
    source: c.source.slice(0, 100),
    create_missing: c.createIfMissing === true && c.action === "unsubscribe" && latestByNumber.get(c.phone ?? c.waId ?? "") === c,
  }));
  const json = JSON.stringify(rows);

  // latest change per profile wins; profiles are matched by id, known phone, or WhatsApp's wa_id
  const updated = await tx.$queryRaw<Array<{ subscription: string }>>(Prisma.sql`
    WITH cmd AS (
      SELECT row_number() OVER () AS n, c.* FROM jsonb_to_recordset(${json}::jsonb)
        AS c(customer_id uuid, phone text, wa_id text, action text, at timestamptz, source text, create_missing boolean)
    ),
    m AS (
      SELECT p.id AS pid, cmd.n FROM cmd JOIN user_profiles p ON p.id = cmd.customer_id
      UNION SELECT p.id, cmd.n FROM cmd JOIN user_profiles p ON p.whatsapp_phone = cmd.phone
      UNION SELECT p.id, cmd.n FROM cmd JOIN user_profiles p ON p.whatsapp_phone = cmd.wa_id
      UNION SELECT p.id, cmd.n FROM cmd JOIN user_profiles p ON p.wa_id = cmd.wa_id
    ),
    latest AS (
      SELECT DISTINCT ON (m.pid) m.pid, cmd.action, cmd.at, cmd.source
      FROM m JOIN cmd ON cmd.n = m.n ORDER BY m.pid, cmd.at DESC, cmd.n DESC
    ),
    locked AS (SELECT p.id FROM user_profiles p WHERE p.id IN (SELECT pid FROM latest) ORDER BY p.id FOR UPDATE)
    UPDATE user_profiles p SET
      subscription = CASE WHEN l.action = 'unsubscribe' THEN 'unsubscribed' ELSE 'subscribed' END,
      subscription_changed_at = l.at, subscription_source = l.source, updated_at = now()
    FROM latest l
    WHERE p.id = l.pid AND p.id IN (SELECT id FROM locked)
      AND (p.subscription_changed_at IS NULL OR p.subscription_changed_at < l.at)
      AND p.subscription <> CASE WHEN l.action = 'unsubscribe' THEN 'unsubscribed' ELSE 'subscribed' END
    RETURNING p.subscription`);

  const created = await tx.$executeRaw(Prisma.sql`
    INSERT INTO user_profiles (id, whatsapp_phone, wa_id, subscription, subscription_changed_at, subscription_source, updated_at)
    SELECT DISTINCT ON (num) gen_random_uuid(), num, c.wa_id, 'unsubscribed', c.at, c.source, now()
    FROM (
      SELECT coalesce(c.phone, c.wa_id) AS num, c.* FROM jsonb_to_recordset(${json}::jsonb)
        AS c(customer_id uuid, phone text, wa_id text, action text, at timestamptz, source text, create_missing boolean)
      WHERE c.create_missing
    ) c
    WHERE num ~ '^[0-9]{6,15}$'
      AND NOT EXISTS (SELECT 1 FROM user_profiles p WHERE p.whatsapp_phone = c.num OR p.whatsapp_phone = c.wa_id OR p.wa_id = c.wa_id OR p.id = c.customer_id)
    ORDER BY num, c.at DESC
    ON CONFLICT (whatsapp_phone) DO NOTHING`);

  return {
    unsubscribed: updated.filter((r) => r.subscription === "unsubscribed").length + created,
    subscribed: updated.filter((r) => r.subscription === "subscribed").length,
    created,
  };
}

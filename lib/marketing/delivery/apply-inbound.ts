/**
 * Messages from customers, from the inbox: stored in whatsapp_messages (direction inbound, status
 * received, once per wamid); STOP/START keywords or quick-reply buttons change the customer's
 * subscription; system messages move a customer who changed number (with their pending recipients) or
 * record a new business-scoped user id. Also user_preferences (a customer stopped or resumed marketing
 * messages in WhatsApp's own UI). A customer with a username may send no phone: they are matched by
 * their user id. A customer who writes is on WhatsApp: their undeliverable mark goes (customers/undeliverable.ts).
 */
import { subscriptionCommand } from "@/lib/whatsapp/webhook/keywords";
import { ZUserIdUpdateValue, ZUserPreferencesValue, type TInboundMessage } from "@/lib/whatsapp/webhook/schema";
import { Prisma, type Tx } from "../db";
import { isPhoneDigits } from "../phone";
import { attributeReplies, replyTargetsSql } from "../engagement/attribute-replies";
import { clearUndeliverableOfSenders } from "../customers/undeliverable";
import type { CustomerLockKeys } from "../customers/lock-customers";
import { applySubscriptionChanges, moveHeldSubscriptionChanges, type SubscriptionChange, type UserIdTouches } from "./apply-subscription-changes";
import { SUBSCRIPTION_SOURCES } from "./subscription-sources";

export type InboundSummary = { received: number; stored: number; replies: number; unsubscribed: number; subscribed: number; numbers_changed: number; user_ids_updated: number };


/** The text a customer "said": a text body, a quick-reply button's payload (or its text), an interactive reply. */
export function inboundCommandText(m: TInboundMessage): Array<{ text: string; source: SubscriptionChange["source"] }> {
  const out: Array<{ text: string; source: SubscriptionChange["source"] }> = [];
  if (m.text?.body !== undefined) out.push({ text: m.text.body, source: SUBSCRIPTION_SOURCES.keyword });
  if (m.button) {
    if (m.button.payload) out.push({ text: m.button.payload, source: SUBSCRIPTION_SOURCES.button });
    if (m.button.text) out.push({ text: m.button.text, source: SUBSCRIPTION_SOURCES.button });
  }
  const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
  if (reply) {
    if (reply.id) out.push({ text: reply.id, source: SUBSCRIPTION_SOURCES.button });
    if (reply.title) out.push({ text: reply.title, source: SUBSCRIPTION_SOURCES.button });
  }
  return out;
}

function bodyOf(m: TInboundMessage): string | null {
  return m.text?.body ?? m.button?.text ?? m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? m.system?.body ?? null;
}

const userIdOf = (m: TInboundMessage) => m.from_user_id ?? m.contact?.user_id ?? null;

/** who sent a (non-system) message: their number when it has one, else their business-scoped user id */
function senderOf(m: TInboundMessage): { phone: string | null; userId: string | null } {
  const phone = m.from && isPhoneDigits(m.from) ? m.from : null;
  return { phone, userId: phone ? null : userIdOf(m) };
}

/** a customer taking a reaction back (Meta: type reaction with no or an empty emoji) is no reply */
function isReactionRemoved(m: TInboundMessage): boolean {
  if (m.type !== "reaction") return false;
  const r = (m as { reaction?: unknown }).reaction;
  const emoji = typeof r === "object" && r !== null ? (r as { emoji?: unknown }).emoji : undefined;
  return typeof emoji !== "string" || emoji === "";
}

/**
 * The customers messages, user_preferences and user_id_update may write (a user id learnt, an undeliverable
 * mark cleared, a subscription changed, a number or user id moved), as lock keys (customers/lock-customers.ts): the
 * applier locks them with the rest of its chunk's customers, in one statement.
 */
export function inboundLockKeys(messages: TInboundMessage[], preferences: unknown[] = [], userIdUpdates: unknown[] = []): CustomerLockKeys {
  const numbers: string[] = [];
  const userIds: string[] = [];
  const add = (n: string | null | undefined, u: string | null | undefined) => {
    if (n) numbers.push(n);
    if (u) userIds.push(u);
  };
  for (const m of messages) {
    add(m.from, userIdOf(m));
    if (m.system) add(m.system.wa_id, m.system.previous_user_id);
  }
  for (const value of preferences) {
    const parsed = ZUserPreferencesValue.safeParse(value);
    if (!parsed.success) continue;
    for (const p of parsed.data.user_preferences) add(p.wa_id, p.user_id);
    for (const c of parsed.data.contacts ?? []) add(c.wa_id, c.user_id);
  }
  for (const value of userIdUpdates) {
    const parsed = ZUserIdUpdateValue.safeParse(value);
    if (!parsed.success) continue;
    for (const u of parsed.data.user_id_update) add(u.wa_id, u.user_id.previous);
  }
  return { numbers, userIds };
}

/**
 * The campaign recipients messages may write (the sends they reply to, the pending recipients of a customer
 * who changed number), as one subquery of ids: the applier locks them with its chunk's other recipients,
 * before any customer (customers/lock-customers.ts: recipients first, then customers).
 */
export function inboundRecipientsSql(messages: TInboundMessage[]): Prisma.Sql | null {
  const phones: string[] = [];
  const userIds: string[] = [];
  const moved: string[] = [];
  let from: Date | null = null;
  let to: Date | null = null;
  for (const m of messages) {
    if (m.type === "system") {
      if (m.system?.type === "user_changed_number" && m.from) moved.push(m.from);
      continue;
    }
    const { phone, userId } = senderOf(m);
    if (phone) phones.push(phone);
    else if (userId) userIds.push(userId);
    else continue;
    if (!from || m.timestamp < from) from = m.timestamp;
    if (!to || m.timestamp > to) to = m.timestamp;
  }
  const parts: Prisma.Sql[] = [];
  const replies = from && to ? replyTargetsSql({ phones, userIds, from, to }) : null;
  if (replies) parts.push(replies);
  if (moved.length > 0) parts.push(Prisma.sql`SELECT r.id FROM campaign_recipients r WHERE r.phone_number = ANY(${moved}::text[]) AND r.status = 'pending'`);
  return parts.length > 0 ? Prisma.join(parts, " UNION ALL ") : null;
}

/** `touched` collects the user ids given to customers and held for: the caller settles them (apply-subscription-changes.ts). */
export async function applyInboundMessages(tx: Tx, messages: Array<{ seq: bigint; message: TInboundMessage }>, now: Date, touched?: UserIdTouches): Promise<InboundSummary> {
  const summary: InboundSummary = { received: messages.length, stored: 0, replies: 0, unsubscribed: 0, subscribed: 0, numbers_changed: 0, user_ids_updated: 0 };
  if (messages.length === 0) return summary;
  const rows = messages.map(({ message: m }) => ({
    wamid: m.id,
    from: m.from ?? null,
    user_id: userIdOf(m),
    type: m.type.slice(0, 50),
    body: bodyOf(m)?.slice(0, 10_000) ?? null,
    at: m.timestamp.toISOString(),
    payload: m,
  }));
  // only messages seen for the first time act
  const stored = await tx.$queryRaw<Array<{ whatsapp_message_id: string }>>(Prisma.sql`
    INSERT INTO whatsapp_messages (id, direction, phone_number, wa_id, user_id, whatsapp_message_id, status, message_type, body, payload, received_at, created_at, updated_at)
    SELECT uuidv7(), 'inbound', CASE WHEN m."from" ~ '^[0-9]{6,15}$' THEN m."from" END, m."from", m.user_id, m.wamid, 'received', m.type, m.body, m.payload, m.at, ${now}, ${now}
    FROM (SELECT DISTINCT ON (wamid) * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS x(wamid text, "from" text, user_id text, type text, body text, at timestamptz, payload jsonb) ORDER BY wamid) m
    ORDER BY m.wamid
    ON CONFLICT (whatsapp_message_id) DO NOTHING
    RETURNING whatsapp_message_id`);
  summary.stored = stored.length;
  const fresh = new Set(stored.map((s) => s.whatsapp_message_id));

  // a customer's user id is learnt from any message that carries both the number and the id
  const known = messages.filter(({ message: m }) => m.from && isPhoneDigits(m.from) && userIdOf(m) && m.type !== "system");
  if (known.length > 0) {
    const linked = await tx.$queryRaw<Array<{ user_id: string }>>(Prisma.sql`
      UPDATE user_profiles p SET user_id = x.user_id, updated_at = ${now}
      FROM (SELECT DISTINCT ON (phone) phone, user_id FROM unnest(${known.map(({ message: m }) => m.from!)}::text[], ${known.map(({ message: m }) => userIdOf(m)!)}::text[]) AS u(phone, user_id) ORDER BY phone) x
      WHERE p.whatsapp_phone = x.phone AND p.user_id IS DISTINCT FROM x.user_id
      RETURNING p.user_id`);
    for (const l of linked) touched?.add(l.user_id);
  }

  // a customer who writes to us is on WhatsApp: their undeliverable count and mark go (customers/undeliverable.ts)
  await clearUndeliverableOfSenders(tx, {
    senders: messages.flatMap(({ message: m }) => {
      if (!fresh.has(m.id) || m.type === "system") return [];
      const { phone, userId } = senderOf(m);
      return phone || userId ? [{ phone, userId, at: m.timestamp }] : [];
    }),
    now,
  });

  // a customer's message soon after a campaign message is a reply to it (engagement/attribute-replies.ts)
  const replies = new Map<string, boolean>();
  for (const { message: m } of messages) {
    if (!fresh.has(m.id) || m.type === "system" || replies.has(m.id) || isReactionRemoved(m)) continue;
    replies.set(m.id, inboundCommandText(m).some(({ text }) => subscriptionCommand(text) === "unsubscribe"));
  }
  summary.replies = await attributeReplies(tx, [...replies].map(([wamid, optOut]) => ({ wamid, optOut })), now);

  const changes: SubscriptionChange[] = [];
  for (const { seq, message: m } of messages) {
    if (!fresh.has(m.id)) continue;
    fresh.delete(m.id); // a wamid twice in one chunk acts once
    if (m.type === "system") {
      const kind = m.system?.type;
      // Meta reports a new business-scoped user id as a system message: user_changed_number (the number
      // changed, which regenerates the user id) or user_changed_user_id (no phone); both name the previous id
      const nextNumber = kind === "user_changed_number" ? m.system?.wa_id : undefined;
      if (m.from && nextNumber && isPhoneDigits(nextNumber)) summary.numbers_changed += await moveCustomerNumber(tx, { from: m.from, to: nextNumber, now });
      const nextUserId = kind === "user_changed_number" || kind === "user_changed_user_id" ? m.system?.user_id : undefined;
      if (nextUserId) {
        // the customer: by the previous user id when Meta names it, else by their number (the new one after a
        // number change, else the sender's)
        const phone = [nextNumber, m.from, m.system?.wa_id].find((n) => n !== undefined && isPhoneDigits(n)) ?? null;
        summary.user_ids_updated += await replaceUserId(tx, { previous: m.system?.previous_user_id ?? null, phone, next: nextUserId, now, touched });
      }
      continue;
    }
    for (const { text, source } of inboundCommandText(m)) {
      const action = subscriptionCommand(text);
      if (action) {
        changes.push({ action, at: m.timestamp, seq, source, waId: m.from ?? null, phone: m.from ?? null, userId: userIdOf(m), createIfMissing: true });
        break;
      }
    }
  }
  const r = await applySubscriptionChanges(tx, changes, touched);
  summary.unsubscribed = r.unsubscribed;
  summary.subscribed = r.subscribed;
  return summary;
}

/**
 * A customer's business-scoped user id changed (a system message, or the user_id_update field): the
 * customer with the previous id gets the new one; found by number instead only when Meta does not name the
 * previous id, or when the customer has none yet or still the previous one (an older change delivered late
 * never overwrites a newer id). Answers the customers updated.
 */
export async function replaceUserId(tx: Tx, { previous, phone, next, now, touched }: {
  previous: string | null; phone: string | null; next: string; now: Date; touched?: UserIdTouches;
}): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ user_id: string }>>(Prisma.sql`
    UPDATE user_profiles SET user_id = ${next}, updated_at = ${now}
    WHERE (user_id = ${previous}
           OR ((whatsapp_phone = ${phone} OR wa_id = ${phone}) AND (${previous}::text IS NULL OR user_id IS NULL OR user_id = ${previous})))
      AND whatsapp_phone !~ '^erased:' AND user_id IS DISTINCT FROM ${next}
    RETURNING user_id`);
  for (const r of rows) touched?.add(r.user_id);
  // a STOP held for the previous id (sent before we knew who it was) follows the customer to the new one
  if (previous !== null && previous !== next) await moveHeldSubscriptionChanges(tx, { previous, next, touched });
  return rows.length;
}

/**
 * user_changed_number: the customer's profile and their pending recipients move to the new number
 * (unless the new number already has a profile, or the campaign already has it as a recipient). The
 * market of the old number goes with it (the profile's by trigger, the recipients' here): it is computed
 * again for the new number when needed.
 */
async function moveCustomerNumber(tx: Tx, { from, to, now }: { from: string; to: string; now: Date }): Promise<number> {
  const moved = await tx.$executeRaw(Prisma.sql`
    UPDATE user_profiles SET whatsapp_phone = ${to}, wa_id = ${to}, updated_at = ${now}
    WHERE (whatsapp_phone = ${from} OR wa_id = ${from}) AND whatsapp_phone !~ '^erased:'
      AND NOT EXISTS (SELECT 1 FROM user_profiles o WHERE o.whatsapp_phone = ${to})`);
  await tx.$executeRaw(Prisma.sql`
    UPDATE campaign_recipients r SET phone_number = ${to}, wa_id = NULL, market = NULL, updated_at = ${now}
    WHERE r.phone_number = ${from} AND r.status = 'pending'
      AND NOT EXISTS (SELECT 1 FROM campaign_recipients o WHERE o.campaign_id = r.campaign_id AND o.phone_number = ${to})`);
  return moved;
}

export type PreferencesSummary = { preferences_received: number; unsubscribed: number; subscribed: number; preferences_ignored: number };

/** user_preferences values (each with its inbox id), parsed here; a value that does not parse is returned as invalid. */
export async function applyUserPreferences(tx: Tx, rows: Array<{ seq: bigint; value: unknown }>, touched?: UserIdTouches): Promise<PreferencesSummary & { invalid: Array<{ seq: bigint; reason: string }> }> {
  const summary = { preferences_received: 0, unsubscribed: 0, subscribed: 0, preferences_ignored: 0, invalid: [] as Array<{ seq: bigint; reason: string }> };
  const changes: SubscriptionChange[] = [];
  for (const row of rows) {
    const parsed = ZUserPreferencesValue.safeParse(row.value);
    if (!parsed.success) {
      summary.invalid.push({ seq: row.seq, reason: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      continue;
    }
    const contacts = parsed.data.contacts ?? [];
    for (const p of parsed.data.user_preferences) {
      summary.preferences_received++;
      const value = p.value.toLowerCase();
      const contact = contacts.find((k) => p.wa_id !== undefined && k.wa_id === p.wa_id) ?? (contacts.length === 1 ? contacts[0] : undefined);
      const userId = p.user_id ?? contact?.user_id ?? null;
      if (p.category !== "marketing_messages" || (value !== "stop" && value !== "resume") || (!p.wa_id && !userId)) {
        summary.preferences_ignored++;
        continue;
      }
      changes.push({
        action: value === "stop" ? "unsubscribe" : "subscribe", at: p.timestamp, seq: row.seq, source: SUBSCRIPTION_SOURCES.userPreferences,
        waId: p.wa_id ?? null, phone: p.wa_id ?? null, userId, createIfMissing: true,
      });
    }
  }
  const r = await applySubscriptionChanges(tx, changes, touched);
  summary.unsubscribed = r.unsubscribed;
  summary.subscribed = r.subscribed;
  return summary;
}

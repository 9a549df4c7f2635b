/**
 * Messages from customers: stored in whatsapp_messages (direction inbound, status received, once per
 * wamid), and STOP/START keywords or quick-reply buttons change the customer's subscription. Also the
 * user_preferences webhook (a customer stopped or resumed marketing messages in WhatsApp's own UI).
 */
import { Prisma, type Tx } from "@/lib/marketing/db";
import { subscriptionCommand } from "./keywords";
import type { TInboundMessage, TUserPreferencesValue } from "./schema";
import { applySubscriptionChanges, type SubscriptionChange } from "./subscriptions";

export type InboundSummary = { received: number; stored: number; unsubscribed: number; subscribed: number };

/** The text a customer "said": a text body, a quick-reply button's payload (or its text), an interactive reply. */
export function inboundCommandText(m: TInboundMessage): Array<{ text: string; source: string }> {
  const out: Array<{ text: string; source: string }> = [];
  if (m.text?.body !== undefined) out.push({ text: m.text.body, source: "whatsapp_keyword" });
  if (m.button) {
    if (m.button.payload) out.push({ text: m.button.payload, source: "whatsapp_button" });
    if (m.button.text) out.push({ text: m.button.text, source: "whatsapp_button" });
  }
  const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
  if (reply) {
    if (reply.id) out.push({ text: reply.id, source: "whatsapp_button" });
    if (reply.title) out.push({ text: reply.title, source: "whatsapp_button" });
  }
  return out;
}

function bodyOf(m: TInboundMessage): string | null {
  return m.text?.body ?? m.button?.text ?? m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? null;
}

export async function applyInboundMessages(tx: Tx, messages: TInboundMessage[], now: Date): Promise<InboundSummary> {
  const summary: InboundSummary = { received: messages.length, stored: 0, unsubscribed: 0, subscribed: 0 };
  if (messages.length === 0) return summary;
  const rows = messages.map((m) => ({
    wamid: m.id,
    from: m.from,
    type: m.type.slice(0, 50),
    body: bodyOf(m)?.slice(0, 10_000) ?? null,
    at: m.timestamp.toISOString(),
    payload: m,
  }));
  // only messages seen for the first time act: a redelivered STOP does not re-apply
  const stored = await tx.$queryRaw<Array<{ whatsapp_message_id: string }>>(Prisma.sql`
    INSERT INTO whatsapp_messages (id, direction, phone_number, wa_id, whatsapp_message_id, status, message_type, body, payload, received_at, created_at, updated_at)
    SELECT gen_random_uuid(), 'inbound', CASE WHEN m."from" ~ '^[0-9]{6,15}$' THEN m."from" END, m."from", m.wamid, 'received', m.type, m.body, m.payload, m.at, ${now}, ${now}
    FROM (SELECT DISTINCT ON (wamid) * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS x(wamid text, "from" text, type text, body text, at timestamptz, payload jsonb) ORDER BY wamid) m
    ORDER BY m.wamid
    ON CONFLICT (whatsapp_message_id) DO NOTHING
    RETURNING whatsapp_message_id`);
  summary.stored = stored.length;
  const fresh = new Set(stored.map((s) => s.whatsapp_message_id));

  const changes: SubscriptionChange[] = [];
  for (const m of messages) {
    if (!fresh.has(m.id)) continue;
    fresh.delete(m.id); // a wamid twice in one payload acts once
    for (const { text, source } of inboundCommandText(m)) {
      const action = subscriptionCommand(text);
      if (action) {
        changes.push({ action, at: m.timestamp, source, waId: m.from, phone: m.from, createIfMissing: true });
        break;
      }
    }
  }
  const r = await applySubscriptionChanges(tx, changes);
  summary.unsubscribed = r.unsubscribed;
  summary.subscribed = r.subscribed;
  return summary;
}

export type PreferencesSummary = { received: number; unsubscribed: number; subscribed: number; ignored: number };

export async function applyUserPreferences(tx: Tx, values: TUserPreferencesValue[]): Promise<PreferencesSummary> {
  const summary: PreferencesSummary = { received: 0, unsubscribed: 0, subscribed: 0, ignored: 0 };
  const changes: SubscriptionChange[] = [];
  for (const v of values) {
    for (const p of v.user_preferences) {
      summary.received++;
      const value = p.value.toLowerCase();
      if (p.category !== "marketing_messages" || (value !== "stop" && value !== "resume")) {
        summary.ignored++;
        continue;
      }
      changes.push({
        action: value === "stop" ? "unsubscribe" : "subscribe",
        at: p.timestamp,
        source: "user_preferences",
        waId: p.wa_id,
        phone: p.wa_id,
        createIfMissing: true,
      });
    }
  }
  const r = await applySubscriptionChanges(tx, changes);
  summary.unsubscribed = r.unsubscribed;
  summary.subscribed = r.subscribed;
  return summary;
}

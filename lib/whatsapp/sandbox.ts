/**
 * The sandbox: with no WHATSAPP_ACCESS_TOKEN a built-in fake WhatsApp accepts every send, returns a
 * wamid ("wamid.SANDBOX…") and schedules realistic webhooks in sandbox_events, in exactly the shapes
 * Meta sends in 2026:
 *  - statuses: sent within seconds, most delivered, many read later — now and then read without a
 *    delivered before it (Meta does not promise one); each carries the customer's business-scoped user id
 *    (recipient_user_id, contacts[].user_id) and, for customers with a WhatsApp username, the username;
 *  - failed statuses of every class: the recipient (131026), Meta's marketing cap (131049), the customer
 *    stopped marketing (131050), and rarely the template (132001, 132015, 132016) or the account (131048,
 *    368) — rare enough that the demo is seldom paused or held;
 *  - customers' answers: a STOP text, the template's "Stop promotions" quick-reply button,
 *    user_preferences stop (and sometimes a later resume);
 *  - customers with a WhatsApp username and no phone number: a message or a marketing stop that carries
 *    only contacts[].user_id / from_user_id / user_preferences[].user_id (no from, no wa_id).
 * Probabilities stay low (SANDBOX_ODDS) so most messages are delivered and read.
 *
 * flushSandboxEvents() takes the due events and hands them to a `deliver` callback inside one transaction
 * (the server wires it to the webhook handling, the same code as Meta's real webhooks), so the dashboard
 * shows the whole funnel moving. The sandbox knows nothing of campaigns or customers: it only speaks
 * WhatsApp's side.
 */
import { createHash, randomUUID } from "node:crypto";
import parsePhoneNumber from "libphonenumber-js";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { ERROR_TITLES } from "./errors";
import type { OutboundTemplateMessage, SendResult, WhatsAppClient } from "./types";

export const SANDBOX_PHONE_NUMBER_ID = "100000000000000";
export const SANDBOX_DISPLAY_NUMBER = "15550000000";
export const SANDBOX_WABA_ID = "200000000000000";
/** What the sandbox's number reports for GET /{phone-number-id}: an established number, so the demo's audience fits. */
export const SANDBOX_PHONE_NUMBER_HEALTH = { messagingLimit: "TIER_10K", qualityRating: "GREEN" } as const;

/** The outcome probabilities of a sandbox send. */
export const SANDBOX_ODDS = {
  failed: 0.04,
  /** of the non-failed: delivered */
  delivered: 0.93,
  /** of the delivered: read */
  read: 0.6,
  /** of the read: Meta sends no delivered before the read */
  readWithoutDelivered: 0.05,
  /** of the delivered: the customer answers STOP */
  stop: 0.01,
  /** of the delivered: the customer taps the template's "Stop promotions" quick-reply button */
  stopButton: 0.005,
  /** of the delivered: the customer stops marketing messages in WhatsApp (user_preferences) */
  preferenceStop: 0.005,
  /** of those: resumes them later */
  preferenceResume: 0.3,
  /** of the recipients: has a WhatsApp username (shown on delivered and read) */
  username: 0.1,
  /** per send: a customer with a username and no phone number writes, or stops marketing messages */
  usernameOnlyContact: 0.002,
} as const;
export type SandboxOdds = { [K in keyof typeof SANDBOX_ODDS]: number };

/** failure codes with their relative weights (every class; template and account failures are rare) */
export const SANDBOX_FAILURES: ReadonlyArray<readonly [code: number, weight: number]> = [
  [131026, 60],
  [131049, 25],
  [131050, 12],
  [132001, 0.2],
  [132015, 0.3],
  [132016, 0.2],
  [131048, 0.1],
  [368, 0.1],
];

/**
 * Engagement after a message arrived (opt-in: the server's sandbox turns it on, seeded tests do not, so
 * their random sequence is unchanged): a customer who read a message with a dynamic URL button taps it
 * (sometimes after WhatsApp fetched a link preview, which must not count), and some customers reply.
 * A tap is not a webhook: it is scheduled as { sandbox_click: { suffix, user_agent } } and the flush
 * opens the URL's suffix the way the customer's phone would (see isSandboxClick).
 */
export type SandboxEngagement = {
  /** of the read messages with a URL button: the customer taps it */
  click: number;
  /** of the taps: WhatsApp fetched a link preview first */
  preview: number;
  /** of the delivered: the customer replies with a question */
  reply: number;
  /** a separate random source (default Math.random) */
  random?: () => number;
};
export const SANDBOX_ENGAGEMENT: SandboxEngagement = { click: 0.35, preview: 0.3, reply: 0.06 };

export const SANDBOX_PHONE_USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
export const SANDBOX_PREVIEW_USER_AGENT = "WhatsApp/2.24.9.78 A";
const SANDBOX_REPLIES = ["Is this still available?", "Do you ship to my city?", "Thanks! 🙌", "What sizes do you have?", "Can I pick it up in store?"];

export type SandboxClick = { sandbox_click: { suffix: string; user_agent: string } };
export function isSandboxClick(payload: unknown): payload is SandboxClick {
  const c = typeof payload === "object" && payload !== null ? (payload as { sandbox_click?: unknown }).sandbox_click : undefined;
  return typeof c === "object" && c !== null && typeof (c as { suffix?: unknown }).suffix === "string" && typeof (c as { user_agent?: unknown }).user_agent === "string";
}

/** The suffix a message's dynamic URL button carries (the text parameter of a url button), if any. */
function urlButtonSuffix(message: OutboundTemplateMessage): string | null {
  for (const c of message.components) {
    if (c.type !== "button" || (c as { sub_type?: unknown }).sub_type !== "url") continue;
    const p = (c.parameters as Array<{ type?: unknown; text?: unknown }> | undefined)?.[0];
    if (p?.type === "text" && typeof p.text === "string") return p.text;
  }
  return null;
}

export type SandboxEventStore = Pick<PrismaClient, "$executeRaw">;

export type SandboxOptions = {
  /** where the scheduled events are kept (the sandbox_events table) */
  db: SandboxEventStore;
  now: () => Date;
  /** [0, 1): inject a seeded one for deterministic tests */
  random?: () => number;
  maxMps?: number;
  /** scales every delay (tests use 0 to make everything due at once) */
  speed?: number;
  /** overrides of SANDBOX_ODDS (tests) */
  odds?: Partial<SandboxOdds>;
  /** overrides SANDBOX_FAILURES (tests) */
  failures?: ReadonlyArray<readonly [code: number, weight: number]>;
  /** simulate taps and replies (off unless given) */
  engagement?: SandboxEngagement | null;
};

export type SandboxWhatsAppClient = WhatsAppClient & { readonly mode: "sandbox" };

type SandboxEventRow = { dueAt: Date; payload: Record<string, unknown> };

function unixSeconds(d: Date): string {
  return String(Math.floor(d.getTime() / 1000));
}

function envelope(field: string, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: SANDBOX_WABA_ID,
        changes: [
          {
            field,
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: SANDBOX_DISPLAY_NUMBER, phone_number_id: SANDBOX_PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/**
 * The business-scoped user id WhatsApp gives a customer: the country (ISO 3166) of the number, a dot,
 * digits. Stable per phone number in the sandbox, like Meta's per business portfolio.
 */
export function sandboxUserId(phone: string): string {
  const country = parsePhoneNumber(`+${phone}`)?.country ?? "US";
  const digits = BigInt(`0x${createHash("sha256").update(`sandbox-bsuid:${phone}`).digest("hex").slice(0, 15)}`).toString().padStart(16, "0").slice(0, 16);
  return `${country}.${digits}`;
}

/** A customer as a webhook names them: phone (absent for a username customer who hides it), user id, username. */
export type SandboxContact = { phone?: string; userId: string; username?: string; name?: string };

function contactJson(c: SandboxContact, { withUsername }: { withUsername: boolean }): Record<string, unknown> {
  const profile: Record<string, unknown> = { name: c.name ?? "Sandbox customer" };
  if (withUsername && c.username) profile.username = c.username;
  return { profile, ...(c.phone ? { wa_id: c.phone } : {}), user_id: c.userId };
}

/** A status webhook exactly as Meta documents it (failed statuses carry no contacts and no user id). */
export function statusPayload(input: {
  wamid: string;
  status: "sent" | "delivered" | "read" | "failed";
  at: Date;
  recipientId: string;
  /** the customer's business-scoped user id and username (omit for a status as Meta sent it before 2026) */
  contact?: SandboxContact;
  bizOpaqueCallbackData?: string;
  error?: { code: number; title: string; message?: string; details?: string };
}): Record<string, unknown> {
  const status: Record<string, unknown> = {
    id: input.wamid,
    status: input.status,
    timestamp: unixSeconds(input.at),
    recipient_id: input.recipientId,
  };
  if (input.contact && input.status !== "failed") status.recipient_user_id = input.contact.userId;
  if (input.bizOpaqueCallbackData !== undefined) status.biz_opaque_callback_data = input.bizOpaqueCallbackData;
  if (input.status === "sent" || input.status === "delivered") {
    status.conversation = {
      id: `CONVERSATION_${input.recipientId}`,
      expiration_timestamp: unixSeconds(new Date(input.at.getTime() + 24 * 3600_000)),
      origin: { type: "marketing" },
    };
    status.pricing = { billable: true, pricing_model: "PMP", category: "marketing", type: "regular" };
  }
  if (input.error) {
    status.errors = [
      {
        code: input.error.code,
        title: input.error.title,
        message: input.error.message ?? input.error.title,
        error_data: { details: input.error.details ?? input.error.title },
        href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
      },
    ];
  }
  const contacts = input.contact && input.status !== "failed" ? { contacts: [contactJson(input.contact, { withUsername: input.status !== "sent" })] } : {};
  return envelope("messages", { ...contacts, statuses: [status] });
}

/** An inbound message webhook: a customer without a phone (username) is named by from_user_id only. */
function inboundPayload(contact: SandboxContact, at: Date, message: Record<string, unknown>, wamid?: string): Record<string, unknown> {
  return envelope("messages", {
    contacts: [contactJson(contact, { withUsername: true })],
    messages: [
      {
        ...(contact.phone ? { from: contact.phone } : {}),
        from_user_id: contact.userId,
        id: wamid ?? `wamid.SANDBOXIN${randomUUID().replaceAll("-", "")}`,
        timestamp: unixSeconds(at),
        ...message,
      },
    ],
  });
}

/** An inbound text message webhook exactly as Meta documents it. */
export function inboundTextPayload(input: { from?: string; contact?: SandboxContact; text: string; at: Date; wamid?: string; name?: string }): Record<string, unknown> {
  const contact = input.contact ?? { phone: input.from, userId: sandboxUserId(input.from ?? "0"), name: input.name };
  return inboundPayload(contact, input.at, { type: "text", text: { body: input.text } }, input.wamid);
}

/** A tap on a template's quick-reply button: type "button", with the message it answers in context. */
export function quickReplyPayload(input: { contact: SandboxContact; text: string; payload?: string; at: Date; repliesTo: string }): Record<string, unknown> {
  return inboundPayload(input.contact, input.at, {
    context: { from: SANDBOX_DISPLAY_NUMBER, id: input.repliesTo },
    type: "button",
    button: { payload: input.payload ?? input.text, text: input.text },
  });
}

/** The customer stopped (or resumed) marketing messages in WhatsApp itself: field user_preferences. */
export function userPreferencePayload(input: { contact: SandboxContact; value: "stop" | "resume"; at: Date }): Record<string, unknown> {
  return envelope("user_preferences", {
    contacts: [contactJson(input.contact, { withUsername: true })],
    user_preferences: [
      {
        ...(input.contact.phone ? { wa_id: input.contact.phone } : {}),
        user_id: input.contact.userId,
        detail: input.value === "stop" ? "User requested to stop marketing messages" : "User requested to resume marketing messages",
        category: "marketing_messages",
        value: input.value,
        timestamp: Number(unixSeconds(input.at)),
      },
    ],
  });
}

/** The quick-reply button of the sandbox's templates that stops promotions. */
export const SANDBOX_STOP_BUTTON_TEXT = "Stop promotions";

export function createSandboxWhatsAppClient(options: SandboxOptions): SandboxWhatsAppClient {
  const random = options.random ?? Math.random;
  const odds: SandboxOdds = { ...SANDBOX_ODDS, ...options.odds };
  const speed = options.speed ?? 1;
  const between = (minS: number, maxS: number) => (minS + random() * (maxS - minS)) * 1000 * speed;

  const failures = options.failures ?? SANDBOX_FAILURES;
  function pickFailure(): number {
    const total = failures.reduce((sum, [, w]) => sum + w, 0);
    let pick = random() * total;
    for (const [code, weight] of failures) if ((pick -= weight) < 0) return code;
    return failures[0][0];
  }

  function plan(message: OutboundTemplateMessage, wamid: string, sentAt: Date): SandboxEventRow[] {
    const events: SandboxEventRow[] = [];
    const at = (ms: number) => new Date(sentAt.getTime() + ms);
    const later = (from: Date, minS: number, maxS: number) => new Date(from.getTime() + between(minS, maxS));
    const userId = sandboxUserId(message.to);
    const contact: SandboxContact = { phone: message.to, userId, ...(random() < odds.username ? { username: `@${userId.slice(3, 11)}` } : {}) };
    const base = { wamid, recipientId: message.to, contact, bizOpaqueCallbackData: message.bizOpaqueCallbackData };
    const push = (dueAt: Date, payload: Record<string, unknown>) => events.push({ dueAt, payload });

    if (random() < odds.usernameOnlyContact) {
      // someone who hides their number behind a username writes to the business, or stops its marketing
      const stranger: SandboxContact = { userId: `US.${String(Math.floor(random() * 1e16)).padStart(16, "0")}`, username: "@sandbox.fan", name: "Username customer" };
      const t = at(between(5, 120));
      push(t, random() < 0.5 ? inboundTextPayload({ contact: stranger, text: "Hi! Do you ship to Canada?", at: t }) : userPreferencePayload({ contact: stranger, value: "stop", at: t }));
    }
    if (random() < odds.failed) {
      const code = pickFailure();
      const t = at(between(2, 15));
      push(t, statusPayload({ ...base, status: "failed", at: t, error: { code, title: ERROR_TITLES[code] ?? "Error" } }));
      return events;
    }
    const sent = at(between(1, 5));
    push(sent, statusPayload({ ...base, status: "sent", at: sent }));
    if (random() >= odds.delivered) return events;
    const delivered = later(sent, 2, 40);
    let last = delivered;
    if (random() < odds.read) {
      const read = later(delivered, 10, 600);
      // Meta does not promise a delivered before a read: sometimes only the read arrives
      if (random() >= odds.readWithoutDelivered) push(delivered, statusPayload({ ...base, status: "delivered", at: delivered }));
      push(read, statusPayload({ ...base, status: "read", at: read }));
      last = read;
    } else {
      push(delivered, statusPayload({ ...base, status: "delivered", at: delivered }));
    }
    if (options.engagement) {
      const e = options.engagement;
      const er = e.random ?? Math.random;
      const suffix = urlButtonSuffix(message);
      if (suffix && last !== delivered && er() < e.click) {
        const tap = new Date(last.getTime() + (5 + er() * 600) * 1000 * speed);
        if (er() < e.preview) push(new Date(tap.getTime() - 1000 * speed), { sandbox_click: { suffix, user_agent: SANDBOX_PREVIEW_USER_AGENT } });
        push(tap, { sandbox_click: { suffix, user_agent: SANDBOX_PHONE_USER_AGENT } });
      }
      if (er() < e.reply) {
        const t = new Date(last.getTime() + (30 + er() * 3600) * 1000 * speed);
        push(t, inboundTextPayload({ contact, text: SANDBOX_REPLIES[Math.floor(er() * SANDBOX_REPLIES.length)], at: t }));
      }
    }
    const answer = random();
    if (answer < odds.stop) {
      const t = later(last, 5, 60);
      push(t, inboundTextPayload({ contact, text: "STOP", at: t }));
    } else if (answer < odds.stop + odds.stopButton) {
      const t = later(last, 5, 60);
      push(t, quickReplyPayload({ contact, text: SANDBOX_STOP_BUTTON_TEXT, at: t, repliesTo: wamid }));
    } else if (answer < odds.stop + odds.stopButton + odds.preferenceStop) {
      const t = later(last, 30, 600);
      push(t, userPreferencePayload({ contact, value: "stop", at: t }));
      if (random() < odds.preferenceResume) {
        const r = later(t, 600, 3600);
        push(r, userPreferencePayload({ contact, value: "resume", at: r }));
      }
    }
    return events;
  }

  async function sendTemplate(message: OutboundTemplateMessage): Promise<SendResult> {
    const wamid = `wamid.SANDBOX${randomUUID().replaceAll("-", "").toUpperCase()}`;
    const events = plan(message, wamid, options.now());
    if (events.length > 0) {
      const rows = events.map((e) => ({ due_at: e.dueAt.toISOString(), payload: e.payload }));
      try {
        await options.db.$executeRaw(Prisma.sql`
          INSERT INTO sandbox_events (id, due_at, payload)
          SELECT gen_random_uuid(), e.due_at, e.payload
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS e(due_at timestamptz, payload jsonb)`);
      } catch (error) {
        // the sandbox could not record its own events: report it the way a transport failure would be
        return { ok: false, errorClass: "retry", code: null, title: `Sandbox could not record the send (${error instanceof Error ? error.name : "error"})` };
      }
    }
    return { ok: true, wamid, waId: message.to, messageStatus: "accepted" };
  }

  return { mode: "sandbox", maxMessagesPerSecond: options.maxMps ?? 1000, sendTemplate, readPhoneNumberHealth: async () => ({ ...SANDBOX_PHONE_NUMBER_HEALTH }) };
}

/** Hands the due payloads (Meta's webhook bodies) to the webhook handling inside the flush's transaction. */
export type SandboxDeliver<T> = (tx: Prisma.TransactionClient, payloads: unknown[]) => Promise<{ dropped: number; summary: T }>;

/**
 * Takes the sandbox events that are due and hands them to `deliver`, deleting them, in one transaction:
 * DELETE … RETURNING with SKIP LOCKED, so two flushers never deliver an event twice and a failure leaves
 * the events to the next flush. Bounded per call. (The caller retries a serialization failure.)
 */
export async function flushSandboxEvents<T>({ db, now, limit = 2000, deliver }: {
  db: Pick<PrismaClient, "$transaction">;
  now: Date;
  limit?: number;
  deliver: SandboxDeliver<T>;
}): Promise<{ delivered: number; dropped: number; summary: T | null }> {
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Array<{ payload: unknown }>>(Prisma.sql`
        DELETE FROM sandbox_events WHERE id IN (
          SELECT id FROM sandbox_events WHERE due_at <= ${now} ORDER BY due_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING payload`);
      if (rows.length === 0) return { delivered: 0, dropped: 0, summary: null };
      const { dropped, summary } = await deliver(tx, rows.map((r) => r.payload));
      return { delivered: rows.length - dropped, dropped, summary };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

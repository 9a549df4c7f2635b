/**
 * The sandbox: with no WHATSAPP_ACCESS_TOKEN a built-in fake WhatsApp accepts every send, returns a
 * wamid ("wamid.SANDBOX…") and schedules realistic status webhooks in sandbox_events — sent within
 * seconds, most delivered, many read later, a few failed with real error codes, an occasional STOP
 * reply. flushSandboxEvents() hands the due ones to a callback (the domain stores them in the webhook
 * inbox, then applies them with the same code as Meta's real webhooks), so the dashboard shows the
 * whole funnel moving.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient as Db } from "@/lib/generated/prisma/client";
import { ERROR_TITLES } from "./errors";
import type { OutboundTemplateMessage, SendResult, WhatsAppClient } from "./types";

export const SANDBOX_PHONE_NUMBER_ID = "100000000000000";
export const SANDBOX_DISPLAY_NUMBER = "15550000000";
export const SANDBOX_WABA_ID = "200000000000000";

export type SandboxOptions = {
  db: Db;
  now: () => Date;
  /** [0, 1): inject a seeded one for deterministic tests */
  random?: () => number;
  maxMps?: number;
  /** scales every delay (tests use 0 to make everything due at once) */
  speed?: number;
};

export type SandboxWhatsAppClient = WhatsAppClient & { readonly mode: "sandbox" };

type SandboxEventRow = { dueAt: Date; payload: Record<string, unknown> };

/** The outcome probabilities of a sandbox send. */
export const SANDBOX_ODDS = {
  failed: 0.04,
  /** of the non-failed: delivered */
  delivered: 0.93,
  /** of the delivered: read */
  read: 0.6,
  /** of the delivered: the customer answers STOP */
  stop: 0.01,
} as const;

/** failure codes with their relative weights */
const FAILURES: Array<[code: number, weight: number]> = [
  [131026, 6],
  [131049, 3],
  [131050, 1],
];

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

/** A status webhook exactly as Meta documents it. */
export function statusPayload(input: {
  wamid: string;
  status: "sent" | "delivered" | "read" | "failed";
  at: Date;
  recipientId: string;
  bizOpaqueCallbackData?: string;
  error?: { code: number; title: string; message?: string; details?: string };
}): Record<string, unknown> {
  const status: Record<string, unknown> = {
    id: input.wamid,
    status: input.status,
    timestamp: unixSeconds(input.at),
    recipient_id: input.recipientId,
  };
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
      },
    ];
  }
  return envelope("messages", { statuses: [status] });
}

/** An inbound text message webhook exactly as Meta documents it. */
export function inboundTextPayload(input: { from: string; text: string; at: Date; wamid?: string; name?: string }): Record<string, unknown> {
  return envelope("messages", {
    contacts: [{ profile: { name: input.name ?? "Sandbox customer" }, wa_id: input.from }],
    messages: [
      {
        from: input.from,
        id: input.wamid ?? `wamid.SANDBOXIN${randomUUID().replaceAll("-", "")}`,
        timestamp: unixSeconds(input.at),
        type: "text",
        text: { body: input.text },
      },
    ],
  });
}

export function createSandboxWhatsAppClient(options: SandboxOptions): SandboxWhatsAppClient {
  const random = options.random ?? Math.random;
  const speed = options.speed ?? 1;
  const between = (minS: number, maxS: number) => (minS + random() * (maxS - minS)) * 1000 * speed;

  function plan(message: OutboundTemplateMessage, wamid: string, sentAt: Date): SandboxEventRow[] {
    const events: SandboxEventRow[] = [];
    const at = (ms: number) => new Date(sentAt.getTime() + ms);
    const base = { wamid, recipientId: message.to, bizOpaqueCallbackData: message.bizOpaqueCallbackData };
    if (random() < SANDBOX_ODDS.failed) {
      const total = FAILURES.reduce((s, [, w]) => s + w, 0);
      let pick = random() * total;
      let code = FAILURES[0][0];
      for (const [c, w] of FAILURES) {
        if ((pick -= w) < 0) {
          code = c;
          break;
        }
      }
      const t = at(between(2, 15));
      events.push({ dueAt: t, payload: statusPayload({ ...base, status: "failed", at: t, error: { code, title: ERROR_TITLES[code] ?? "Error" } }) });
      return events;
    }
    const sent = at(between(1, 5));
    events.push({ dueAt: sent, payload: statusPayload({ ...base, status: "sent", at: sent }) });
    if (random() < SANDBOX_ODDS.delivered) {
      const delivered = new Date(sent.getTime() + between(2, 40));
      events.push({ dueAt: delivered, payload: statusPayload({ ...base, status: "delivered", at: delivered }) });
      let last = delivered;
      if (random() < SANDBOX_ODDS.read) {
        const read = new Date(delivered.getTime() + between(10, 600));
        events.push({ dueAt: read, payload: statusPayload({ ...base, status: "read", at: read }) });
        last = read;
      }
      if (random() < SANDBOX_ODDS.stop) {
        const reply = new Date(last.getTime() + between(5, 60));
        events.push({ dueAt: reply, payload: inboundTextPayload({ from: message.to, text: "STOP", at: reply }) });
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
        await options.db.$executeRaw`
          INSERT INTO sandbox_events (id, due_at, payload)
          SELECT gen_random_uuid(), e.due_at, e.payload
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS e(due_at timestamptz, payload jsonb)`;
      } catch (error) {
        // the sandbox could not record its own events: report it the way a transport failure would be
        return { ok: false, errorClass: "retry", code: null, title: `Sandbox could not record the send (${error instanceof Error ? error.name : "error"})` };
      }
    }
    return { ok: true, wamid, waId: message.to, messageStatus: "accepted" };
  }

  return { mode: "sandbox", maxMessagesPerSecond: options.maxMps ?? 1000, sendTemplate };
}

/**
 * Hands the sandbox events that are due to `deliver` (inside the transaction) and deletes them, in one
 * transaction: DELETE … RETURNING with SKIP LOCKED, so two flushers never deliver an event twice and a
 * failure leaves the events to the next flush (the caller retries a deadlock). Bounded per call.
 */
export async function flushSandboxEvents({ db, now, limit = 2000, deliver }: {
  db: Db;
  now: Date;
  limit?: number;
  /** stores the payloads (Meta-shaped webhook bodies) where the webhook's would go */
  deliver: (tx: Prisma.TransactionClient, payloads: unknown[]) => Promise<unknown>;
}): Promise<{ delivered: number }> {
  return db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<Array<{ payload: unknown }>>(Prisma.sql`
          DELETE FROM sandbox_events WHERE id IN (
            SELECT id FROM sandbox_events WHERE due_at <= ${now} ORDER BY due_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
          RETURNING payload`);
        if (rows.length === 0) return { delivered: 0 };
        await deliver(tx, rows.map((r) => r.payload));
        return { delivered: rows.length };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
}

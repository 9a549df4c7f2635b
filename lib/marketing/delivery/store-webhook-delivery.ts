/**
 * Store, then answer: a delivery from Meta (signature already checked, JSON parsed) becomes rows of the
 * webhook inbox in ONE statement — one row per status, inbound message and other change — each with a
 * natural de-duplication key, so a re-delivery adds nothing. Nothing else is touched: no recipient,
 * campaign, schedule or analytics row is read or locked. The applier (apply-inbox.ts) does the rest.
 *
 *  - a status or message that does not match its schema, or an envelope that is not a WhatsApp
 *    webhook, is stored quarantined with the reason (GET /api/marketing/health shows them);
 *  - a change for another WhatsApp Business Account or phone number is stored ignored (counted, never applied);
 *  - other fields are stored whole and parsed by their handler when applied.
 * Any failure of the insert throws: the route answers 5xx and Meta retries.
 */
import { createHash } from "node:crypto";
import type { z } from "@/lib/zod";
import { ZInboundMessage, ZStatus, ZUnixTimestamp, ZWebhookEnvelope } from "@/lib/whatsapp/webhook/schema";
import { Prisma, type Db, type PlainRead } from "../db";
import { parseUuid } from "../uuid";
import { storableTextOf } from "../text";

export type InboxRow = {
  dedupe_key: string;
  kind: "status" | "message" | "change";
  field: string;
  /** accepted: work for the applier (it also goes into the queue, webhook_inbox_pending) */
  state: "accepted" | "quarantined" | "ignored";
  reason: string | null;
  wamid: string | null;
  recipient_id: string | null;
  status: string | null;
  occurred_at: string | null;
  entry_id: string | null;
  phone_number_id: string | null;
  value: unknown;
};

export type StoreSummary = { events: number; stored: number; duplicates: number; quarantined: number; ignored: number };

/** Our account: changes for another WABA or phone number are ignored (each only when configured). */
export type OwnAccount = { wabaId?: string | null; phoneNumberId?: string | null };

const TRACKED_STATUSES = new Set(["sent", "delivered", "read", "failed"]);

const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v) ?? "null").digest("hex").slice(0, 40);

function reasonOf(error: z.ZodError, prefix: string): string {
  return error.issues.slice(0, 5).map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join(".")}: ${i.message}`).join("; ").slice(0, 1000);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The inbox rows of one delivery (pure: exported for tests and the sandbox). */
export function inboxRowsOf(input: unknown, own: OwnAccount = {}): InboxRow[] {
  // what jsonb cannot hold (NUL, lone surrogates) becomes U+FFFD: the event is kept, never refused
  const payload = storableTextOf(input);
  const base = { wamid: null, recipient_id: null, status: null, occurred_at: null, entry_id: null, phone_number_id: null, reason: null };
  const envelope = ZWebhookEnvelope.safeParse(payload);
  if (!envelope.success) {
    return [{ ...base, dedupe_key: `q:${hash(payload)}`, kind: "change", field: "(envelope)", state: "quarantined", reason: `Not a WhatsApp webhook payload: ${reasonOf(envelope.error, "")}`, value: payload ?? null }];
  }
  if (envelope.data.object !== "whatsapp_business_account") return [];
  const rows: InboxRow[] = [];
  envelope.data.entry.forEach((entry, e) => {
    const entryTime = ZUnixTimestamp.safeParse(entry.time);
    const entryAt = entryTime.success ? entryTime.data.toISOString() : null;
    const entryId = entry.id ?? null;
    entry.changes.forEach((change, c) => {
      const field = change.field.slice(0, 200);
      const value = change.value;
      const phoneNumberId = isObject(value) && isObject(value.metadata) && typeof value.metadata.phone_number_id === "string" ? value.metadata.phone_number_id : null;
      const where = { ...base, entry_id: entryId, phone_number_id: phoneNumberId };
      const foreign = (own.wabaId && entryId && entryId !== own.wabaId)
        ? `for another WhatsApp Business Account (${entryId.slice(0, 50)})`
        : (own.phoneNumberId && phoneNumberId && phoneNumberId !== own.phoneNumberId) ? `for another phone number (${phoneNumberId.slice(0, 50)})` : null;
      if (foreign) {
        rows.push({ ...where, dedupe_key: `x:${hash([entryId, entry.time ?? null, field, value])}`, kind: "change", field, state: "ignored", reason: `A change ${foreign}`, occurred_at: entryAt, value: { field, entry_id: entryId } });
        return;
      }
      if (field !== "messages") {
        rows.push({ ...where, dedupe_key: `c:${field}:${hash([entryId, entry.time ?? null, value])}`, kind: "change", field, state: "accepted", occurred_at: entryAt, value: value ?? null });
        return;
      }
      if (!isObject(value)) {
        rows.push({ ...where, dedupe_key: `q:${hash([field, value])}`, kind: "change", field, state: "quarantined", reason: `entry.${e}.changes.${c}.value: not an object`, value: value ?? null });
        return;
      }
      const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isObject) : [];
      const statuses = Array.isArray(value.statuses) ? value.statuses : [];
      const messages = Array.isArray(value.messages) ? value.messages : [];
      statuses.forEach((raw, i) => {
        const s = ZStatus.safeParse(raw);
        if (!s.success) {
          rows.push({ ...where, dedupe_key: `q:${hash([field, raw])}`, kind: "status", field, state: "quarantined", reason: reasonOf(s.error, `entry.${e}.changes.${c}.value.statuses.${i}`), value: raw ?? null });
          return;
        }
        const status = s.data.status.toLowerCase();
        const biz = parseUuid(s.data.biz_opaque_callback_data);
        rows.push({
          ...where, dedupe_key: `s:${s.data.id}:${status}`, kind: "status", field,
          state: TRACKED_STATUSES.has(status) ? "accepted" : "ignored", reason: TRACKED_STATUSES.has(status) ? null : `status "${status.slice(0, 50)}" is not tracked`,
          wamid: s.data.id, recipient_id: biz, status, occurred_at: s.data.timestamp.toISOString(), value: raw,
        });
      });
      messages.forEach((raw, i) => {
        const m = ZInboundMessage.safeParse(raw);
        if (!m.success) {
          rows.push({ ...where, dedupe_key: `q:${hash([field, raw])}`, kind: "message", field, state: "quarantined", reason: reasonOf(m.error, `entry.${e}.changes.${c}.value.messages.${i}`), value: raw ?? null });
          return;
        }
        // the sender's contact entry: by wa_id, or the only one (a username customer has no wa_id)
        const contact = contacts.find((k) => m.data.from !== undefined && k.wa_id === m.data.from) ?? (contacts.length === 1 ? contacts[0] : undefined);
        rows.push({
          ...where, dedupe_key: `m:${m.data.id}`, kind: "message", field, state: "accepted",
          wamid: m.data.id, occurred_at: m.data.timestamp.toISOString(), value: isObject(raw) ? { ...raw, ...(contact ? { contact } : {}) } : raw,
        });
      });
      // WhatsApp's own errors about the delivery (no status, no message): kept for the record
      if (statuses.length === 0 && messages.length === 0) {
        rows.push({ ...where, dedupe_key: `c:${field}:${hash([entryId, entry.time ?? null, value])}`, kind: "change", field, state: "ignored", reason: Array.isArray(value.errors) ? "errors reported by WhatsApp" : "no statuses or messages", occurred_at: entryAt, value });
      }
    });
  });
  return rows;
}

/**
 * The applier's lanes (apply-inbox.ts): a drain works in this many chunk transactions at once. Each queued
 * row is stored with its lane (webhook_inbox_lane(): the statuses of a message share one, other rows are
 * lane 0), so a lane's claim is an index range of its own.
 *
 * More lanes only move PostgreSQL's CPU from the route's stores to the applier (2026-12-04, 2 cores):
 * with 4, `--only 7c` gave 7c 9,800 and 8,135 statuses/s (2 lanes: 8,977 and 8,620) and 7d's lag p99
 * 3.9 and 13.2 s (2 lanes: 21.2 and 20.8 s) while storing 20% slower, and scenario 5 (the webhook over
 * HTTP) went from 3,536/s, p99 126 ms to 3,223/s, p99 151 ms; 8 lanes contend (7c 8,334/s).
 */
export const INBOX_LANES = 2;

// one statement for both runners below (the same text: a prepared statement on the plain path). The
// accepted rows are queued for the applier in the same statement.
const INSERT_INBOX_SQL = `
    WITH ins AS (
    INSERT INTO webhook_inbox (id, dedupe_key, kind, field, state, reason, whatsapp_message_id, recipient_id, status, occurred_at, entry_id, phone_number_id, value, received_at)
    SELECT y.id, y.dedupe_key, y.kind, y.field, y.state, y.reason, y.wamid, y.recipient_id, y.status, y.occurred_at, y.entry_id, y.phone_number_id,
      coalesce(y.value, 'null'::jsonb), $2::timestamptz
    FROM (
      -- ids follow the order of the delivery (ties between a customer's events go by arrival) ...
      SELECT nextval(pg_get_serial_sequence('webhook_inbox', 'id')) AS id, x.* FROM (
        SELECT DISTINCT ON (r.dedupe_key) r.*
        FROM jsonb_to_recordset($1::jsonb) AS r(dedupe_key text, kind text, field text, state text, reason text, wamid text,
          recipient_id uuid, status text, occurred_at timestamptz, entry_id text, phone_number_id text, value jsonb, ord bigint)
        ORDER BY r.dedupe_key, r.ord
      ) x ORDER BY x.ord OFFSET 0
    ) y
    -- ... while rows are inserted in key order: concurrent deliveries with the same events never deadlock
    ORDER BY y.dedupe_key
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, dedupe_key, kind, state, whatsapp_message_id, recipient_id
    ),
    queued AS (
      INSERT INTO webhook_inbox_pending (lane, id, whatsapp_message_id, recipient_id)
      SELECT webhook_inbox_lane(kind, whatsapp_message_id, $3::int), id, whatsapp_message_id, recipient_id FROM ins WHERE state = 'accepted'
    )
    -- the keys stored now: a statement may hold several deliveries (storeInboxDeliveries), each told its own
    SELECT dedupe_key, state FROM ins`;

// the same text as a template whose values ($1, $2, in the order they appear) are bound
const INSERT_INBOX_PIECES = INSERT_INBOX_SQL.split(/\$(\d)/);
const insertTemplate = (params: unknown[]) => new Prisma.Sql(
  INSERT_INBOX_PIECES.filter((_, i) => i % 2 === 0),
  INSERT_INBOX_PIECES.filter((_, i) => i % 2 === 1).map((n) => params[Number(n) - 1]),
);

const insertParams = (rows: InboxRow[], now: Date): [string, string, number] => [JSON.stringify(rows.map((r, ord) => ({ ...r, ord }))), now.toISOString(), INBOX_LANES];

/**
 * Each delivery's summary from the keys the statement stored. A key listed by several deliveries of one
 * statement was stored for the first of them (the statement keeps the first row of a key, in their order):
 * a duplicate for the others, as if each had been stored after the one before.
 */
function summariesOf(deliveries: InboxRow[][], inserted: Array<{ dedupe_key: string; state: string }>): StoreSummary[] {
  const stored = new Map(inserted.map((r) => [r.dedupe_key, r.state]));
  return deliveries.map((rows) => {
    const summary: StoreSummary = { events: rows.length, stored: 0, duplicates: 0, quarantined: 0, ignored: 0 };
    for (const r of rows) {
      const state = stored.get(r.dedupe_key);
      if (state === undefined) {
        summary.duplicates++;
        continue;
      }
      stored.delete(r.dedupe_key);
      summary.stored++;
      if (state === "quarantined") summary.quarantined++;
      else if (state === "ignored") summary.ignored++;
    }
    return summary;
  });
}

/**
 * Stores the rows of several deliveries in ONE statement (one commit), in their order; re-deliveries (same
 * keys) add nothing. Answers each delivery's summary. The statement stores all of them or none: a failure
 * throws, and no delivery of it may be answered as stored.
 * With `query` (a plain pg reader, see PlainRead), as on the webhook's answer path: the same statement,
 * prepared once per connection, without the ORM's per-query work. Its own implicit transaction, like the ORM's.
 */
export async function storeInboxDeliveries(db: Db | Prisma.TransactionClient, deliveries: InboxRow[][], now: Date, query?: PlainRead): Promise<StoreSummary[]> {
  const rows = deliveries.flat();
  if (rows.length === 0) return summariesOf(deliveries, []);
  const params = insertParams(rows, now);
  const inserted = query
    ? (await query({ name: "wac_store_inbox_deliveries", text: INSERT_INBOX_SQL, values: params })).rows
    : await db.$queryRaw<unknown[]>(insertTemplate(params));
  return summariesOf(deliveries, inserted as Array<{ dedupe_key: string; state: string }>);
}

/** Stores a delivery's rows in one statement; re-deliveries (same keys) add nothing. */
export async function storeInboxRows(db: Db | Prisma.TransactionClient, rows: InboxRow[], now: Date): Promise<StoreSummary> {
  const [summary] = await storeInboxDeliveries(db, [rows], now);
  return summary;
}

/** One delivery's rows stored by themselves (see storeInboxDeliveries; the route batches them: lib/server/inbox-store.ts). */
export async function storeWebhookDelivery({ db, payload, now, own = {}, query }: { db: Db; payload: unknown; now: Date; own?: OwnAccount; query?: PlainRead }): Promise<StoreSummary> {
  const [summary] = await storeInboxDeliveries(db, [inboxRowsOf(payload, own)], now, query);
  return summary;
}

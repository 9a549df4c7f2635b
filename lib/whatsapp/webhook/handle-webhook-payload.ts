/**
 * Webhook handling, the same for Meta's real webhooks (app/api/whatsapp/webhook) and the sandbox:
 *
 *   parse the envelope → parse each change's value with its handler's schema (an invalid one rejects the
 *   whole payload before anything is written; an unknown field is ignored) → apply every handler, each
 *   receiving all the changes of its field at once, in ONE transaction (retried on deadlock), so a
 *   payload is applied completely or not at all and a failure can be answered 5xx for Meta to retry.
 *
 * A new webhook field (message_template_status_update, phone_number_quality_update, …) is one more
 * entry in WEBHOOK_HANDLERS.
 */
import type { z } from "zod";
import { withRetry, type Db, type Tx } from "@/lib/marketing/db";
import { applyInboundMessages, applyUserPreferences } from "./inbound";
import { ZMessagesValue, ZUserPreferencesValue, ZWebhookEnvelope, type TMessagesValue, type TUserPreferencesValue } from "./schema";
import { aggregateStatuses, applyPendingStatusEvents, applyStatusAggregates } from "./statuses";
import { templateCategoryWebhookHandler, templateQualityWebhookHandler, templateStatusWebhookHandler } from "@/lib/marketing/templates/handle-template-webhook";
import { phoneQualityWebhookHandler } from "@/lib/marketing/sending/account-health";
import { accountUpdateWebhookHandler } from "@/lib/marketing/sending/account-update";

export type WebhookLog = {
  info?: (message: string, details?: Record<string, unknown>) => void;
  warn: (message: string, details?: Record<string, unknown>) => void;
};

export type WebhookContext = { tx: Tx; now: Date; timezone: string; log: WebhookLog };

export type WebhookChangeHandler<T> = {
  field: string;
  schema: z.ZodType<T>;
  apply: (ctx: WebhookContext, values: T[]) => Promise<Record<string, number>>;
  /** the value is parsed with the entry's `time` added as `entry_time` (for ordering events) */
  withEntryTime?: boolean;
};

/** Define a handler with its value type checked. */
export function defineWebhookHandler<T>(handler: WebhookChangeHandler<T>): WebhookChangeHandler<unknown> {
  return handler as unknown as WebhookChangeHandler<unknown>;
}

const messagesHandler = defineWebhookHandler<TMessagesValue>({
  field: "messages",
  schema: ZMessagesValue,
  async apply(ctx, values) {
    const { aggregates, ignored } = aggregateStatuses(values.flatMap((v) => v.statuses ?? []));
    const statuses = await applyStatusAggregates(ctx.tx, aggregates, { now: ctx.now, timezone: ctx.timezone });
    const inbound = await applyInboundMessages(ctx.tx, values.flatMap((v) => v.messages ?? []), ctx.now);
    const errors = values.reduce((n, v) => n + (v.errors?.length ?? 0), 0);
    if (errors > 0) ctx.log.warn("[whatsapp webhook] WhatsApp reported errors", { errors: values.flatMap((v) => v.errors ?? []).slice(0, 5) });
    return {
      statuses_received: values.reduce((n, v) => n + (v.statuses?.length ?? 0), 0),
      statuses_ignored: ignored,
      recipients_updated: statuses.recipientsUpdated,
      messages_updated: statuses.whatsappMessagesUpdated,
      statuses_pending: statuses.pending,
      unsubscribed: statuses.unsubscribed + inbound.unsubscribed,
      subscribed: inbound.subscribed,
      deferred: statuses.deferred,
      inbound_received: inbound.received,
      inbound_stored: inbound.stored,
    };
  },
});

const userPreferencesHandler = defineWebhookHandler<TUserPreferencesValue>({
  field: "user_preferences",
  schema: ZUserPreferencesValue,
  async apply(ctx, values) {
    const r = await applyUserPreferences(ctx.tx, values);
    return { preferences_received: r.received, unsubscribed: r.unsubscribed, subscribed: r.subscribed, preferences_ignored: r.ignored };
  },
});

/** One handler per webhook field, applied in this order. */
export const WEBHOOK_HANDLERS: ReadonlyArray<WebhookChangeHandler<unknown>> = [
  messagesHandler,
  userPreferencesHandler,
  // message_template_status_update, message_template_quality_update (lib/marketing/templates)
  defineWebhookHandler(templateStatusWebhookHandler),
  defineWebhookHandler(templateQualityWebhookHandler),
  defineWebhookHandler(templateCategoryWebhookHandler),
  // phone_number_quality_update: quality, messaging-limit tier, send hold (lib/marketing/sending)
  defineWebhookHandler(phoneQualityWebhookHandler),
  defineWebhookHandler(accountUpdateWebhookHandler),
];

export class WebhookPayloadError extends Error {
  readonly issues: Array<{ path: string; message: string }>;
  constructor(message: string, issues: Array<{ path: string; message: string }> = []) {
    super(message);
    this.name = "WebhookPayloadError";
    this.issues = issues;
  }
}

export type ParsedWebhook = {
  /** false when the payload is not for a WhatsApp Business Account (ignored) */
  relevant: boolean;
  /** values by field, for the fields we handle */
  byField: Map<string, unknown[]>;
  ignoredFields: string[];
};

export type WebhookSummary = {
  ignored: boolean;
  ignored_fields: string[];
  changes: number;
  results: Record<string, Record<string, number>>;
};

function issuesOf(error: z.ZodError, prefix: string) {
  return error.issues.slice(0, 20).map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join("."), message: i.message }));
}

/** Validates a payload completely; throws WebhookPayloadError (→ 400) without touching anything. */
export function parseWebhookPayload(payload: unknown, handlers: ReadonlyArray<WebhookChangeHandler<unknown>> = WEBHOOK_HANDLERS): ParsedWebhook {
  const envelope = ZWebhookEnvelope.safeParse(payload);
  if (!envelope.success) throw new WebhookPayloadError("Not a WhatsApp webhook payload.", issuesOf(envelope.error, ""));
  const byField = new Map<string, unknown[]>();
  const ignored = new Set<string>();
  if (envelope.data.object !== "whatsapp_business_account") return { relevant: false, byField, ignoredFields: [] };
  const handlerOf = new Map(handlers.map((h) => [h.field, h]));
  envelope.data.entry.forEach((entry, e) =>
    entry.changes.forEach((change, c) => {
      const handler = handlerOf.get(change.field);
      if (!handler) {
        ignored.add(change.field.slice(0, 100));
        return;
      }
      const raw = handler.withEntryTime && change.value && typeof change.value === "object" ? { ...change.value, entry_time: entry.time } : change.value;
      const value = handler.schema.safeParse(raw);
      if (!value.success) throw new WebhookPayloadError(`Invalid "${handler.field}" change.`, issuesOf(value.error, `entry.${e}.changes.${c}.value`));
      const list = byField.get(handler.field) ?? [];
      list.push(value.data);
      byField.set(handler.field, list);
    }),
  );
  return { relevant: true, byField, ignoredFields: [...ignored] };
}

/** Merges several parsed payloads (the sandbox applies a batch of due events at once). */
export function mergeParsedWebhooks(parsed: ParsedWebhook[]): ParsedWebhook {
  const byField = new Map<string, unknown[]>();
  const ignored = new Set<string>();
  for (const p of parsed) {
    for (const [field, values] of p.byField) byField.set(field, [...(byField.get(field) ?? []), ...values]);
    p.ignoredFields.forEach((f) => ignored.add(f));
  }
  return { relevant: parsed.some((p) => p.relevant), byField, ignoredFields: [...ignored] };
}

/** Applies a parsed payload inside the caller's transaction. */
export async function applyParsedWebhook(
  ctx: WebhookContext,
  parsed: ParsedWebhook,
  handlers: ReadonlyArray<WebhookChangeHandler<unknown>> = WEBHOOK_HANDLERS,
): Promise<WebhookSummary> {
  const results: Record<string, Record<string, number>> = {};
  let changes = 0;
  for (const handler of handlers) {
    const values = parsed.byField.get(handler.field);
    if (!values || values.length === 0) continue;
    changes += values.length;
    results[handler.field] = await handler.apply(ctx, values);
  }
  return { ignored: !parsed.relevant, ignored_fields: parsed.ignoredFields, changes, results };
}

/**
 * Validates and applies one webhook payload (already JSON-parsed, signature already checked).
 * Throws WebhookPayloadError for a malformed payload (answer 400, nothing written); any other error
 * means the events could not be stored (answer 5xx so Meta retries).
 */
export async function handleWebhookPayload({ db, now, payload, log = console, timezone = "UTC", handlers = WEBHOOK_HANDLERS }: {
  db: Db;
  now: Date;
  payload: unknown;
  log?: WebhookLog;
  /** CAMPAIGN_TIMEZONE: the calendar of sent_on and scheduled_send_date */
  timezone?: string;
  handlers?: ReadonlyArray<WebhookChangeHandler<unknown>>;
}): Promise<WebhookSummary> {
  const parsed = parseWebhookPayload(payload, handlers);
  if (!parsed.relevant || parsed.byField.size === 0) {
    return { ignored: !parsed.relevant, ignored_fields: parsed.ignoredFields, changes: 0, results: {} };
  }
  const apply = () => withRetry(() => db.$transaction((tx) => applyParsedWebhook({ tx, now, timezone, log }, parsed, handlers), { timeout: 30_000, maxWait: 10_000 }));
  const summary = await apply();
  // Statuses can race the processor recording their message: a message that becomes visible between our
  // statements is neither matched nor kept. So a payload with statuses is applied once more after the
  // commit (forward-only and idempotent: what already applied changes nothing), and statuses kept for a
  // message we did not know are applied again right after our commit, as the processor does after its
  // own. (A failure here answers 5xx: Meta retries, and applying is idempotent.)
  const messages = summary.results.messages as { statuses_received?: number; statuses_pending?: number } | undefined;
  if ((messages?.statuses_received ?? 0) > 0) await apply();
  if ((messages?.statuses_pending ?? 0) > 0) await applyPendingStatusEvents({ db, now, timezone });
  return summary;
}

/**
 * The unit a webhook field is applied by: `{ field, schema, apply(ctx, values) }`. The applier
 * (apply-inbox.ts) parses each stored change of the field with `schema` when it applies it (a value that
 * does not parse is quarantined with the reason) and calls `apply` with all of a chunk's values of that
 * field at once, inside the chunk's transaction.
 */
import type { z } from "@/lib/zod";
import type { Tx } from "../db";
import type { UserIdTouches } from "./apply-subscription-changes";

export type WebhookLog = {
  info?: (message: string, details?: Record<string, unknown>) => void;
  warn: (message: string, details?: Record<string, unknown>) => void;
};

export type WebhookContext = {
  tx: Tx; now: Date; timezone: string; log: WebhookLog;
  /** user ids the chunk gave to customers: the applier settles their held subscription changes */
  touched?: UserIdTouches;
};

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

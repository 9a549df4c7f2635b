/**
 * zod schemas of Meta's webhook payloads. Objects are loose (Meta adds fields over time: they are kept
 * and ignored); only what we rely on is checked. The envelope is parsed first, then each change's value
 * by the schema of its handler (handle-webhook-payload.ts), so an unknown field never fails a payload.
 */
import { z } from "@/lib/zod";

/** Unix seconds as Meta sends them (a string, sometimes a number). */
/** Seconds since 1970 up to 9999-12-31T23:59:59Z: a later instant has no ISO-8601 form PostgreSQL reads (it is quarantined, never a 5xx). */
const MAX_UNIX_SECONDS = 253_402_300_799;
export const ZUnixTimestamp = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()])
  .refine((v) => Number(v) <= MAX_UNIX_SECONDS, { message: "must be a Unix time in seconds before the year 10000" })
  .transform((v) => new Date(Number(v) * 1000));

export const ZChange = z.looseObject({ field: z.string().max(200), value: z.unknown() });
export const ZEntry = z.looseObject({ id: z.string().max(200).optional(), changes: z.array(ZChange).max(10_000).default([]) });
export const ZWebhookEnvelope = z.looseObject({ object: z.string().max(200), entry: z.array(ZEntry).max(10_000) });

const ZMetadata = z.looseObject({ display_phone_number: z.string().optional(), phone_number_id: z.string().optional() }).optional();

export const ZStatusError = z.looseObject({
  code: z.coerce.number().int(),
  title: z.string().max(2000).optional(),
  message: z.string().max(2000).optional(),
  error_data: z.looseObject({ details: z.string().max(5000).optional() }).optional(),
});

export const ZStatus = z.looseObject({
  id: z.string().min(1).max(500),
  /** sent | delivered | read | failed (others, e.g. "deleted" or "warning", are ignored) */
  status: z.string().max(100),
  timestamp: ZUnixTimestamp,
  recipient_id: z.string().max(200).optional(),
  /** the customer's business-scoped user id (customers with a username may have no recipient_id) */
  recipient_user_id: z.string().max(200).optional(),
  biz_opaque_callback_data: z.string().max(10_000).optional(),
  conversation: z.looseObject({ id: z.string().max(500).optional() }).optional(),
  pricing: z.looseObject({
    billable: z.boolean().optional(), pricing_model: z.string().max(100).optional(), category: z.string().max(100).optional(), type: z.string().max(100).optional(),
  }).optional(),
  errors: z.array(ZStatusError).max(100).optional(),
});

export const ZInboundMessage = z.looseObject({
  /** absent for a customer with a username who does not share the phone number */
  from: z.string().min(1).max(200).optional(),
  from_user_id: z.string().max(200).optional(),
  id: z.string().min(1).max(500),
  timestamp: ZUnixTimestamp,
  type: z.string().max(100),
  text: z.looseObject({ body: z.string().max(100_000) }).optional(),
  button: z.looseObject({ payload: z.string().max(10_000).optional(), text: z.string().max(10_000).optional() }).optional(),
  interactive: z
    .looseObject({
      type: z.string().max(100).optional(),
      button_reply: z.looseObject({ id: z.string().max(10_000).optional(), title: z.string().max(10_000).optional() }).optional(),
      list_reply: z.looseObject({ id: z.string().max(10_000).optional(), title: z.string().max(10_000).optional() }).optional(),
    })
    .optional(),
  context: z.looseObject({ from: z.string().optional(), id: z.string().optional() }).optional(),
  /**
   * system messages (Meta: field "messages", no contacts array): `user_changed_number` (from = the old
   * number, wa_id = the new one) and `user_changed_user_id` (only the business-scoped user id changed).
   * Both carry the new user_id / parent_user_id, and may name the previous_user_id /
   * previous_parent_user_id (a number change regenerates the user id too). The field user_id_update
   * (ZUserIdUpdateValue) reports the same change with the previous and the current id.
   */
  system: z.looseObject({
    type: z.string().max(100).optional(),
    body: z.string().max(10_000).optional(),
    wa_id: z.string().max(200).optional(),
    user_id: z.string().max(200).optional(),
    parent_user_id: z.string().max(200).optional(),
    previous_user_id: z.string().max(200).optional(),
    previous_parent_user_id: z.string().max(200).optional(),
  }).optional(),
  /** the sender's entry of the value's contacts[] (added when the delivery is stored) */
  contact: z.looseObject({ wa_id: z.string().max(200).optional(), user_id: z.string().max(200).optional() }).optional(),
});
export type TInboundMessage = z.infer<typeof ZInboundMessage>;

export const ZContact = z.looseObject({ wa_id: z.string().max(200).optional(), user_id: z.string().max(200).optional(), profile: z.looseObject({ name: z.string().max(1000).optional() }).optional() });

export const ZUserPreference = z.looseObject({
  wa_id: z.string().min(1).max(200).optional(),
  user_id: z.string().max(200).optional(),
  detail: z.string().max(2000).optional(),
  category: z.string().max(200),
  /** stop | resume */
  value: z.string().max(200),
  timestamp: ZUnixTimestamp,
});

/** one entry of the field "user_id_update": a customer's business-scoped user id was replaced */
export const ZUserIdUpdate = z.looseObject({
  /** the customer's number, when WhatsApp shares it */
  wa_id: z.string().max(200).optional(),
  detail: z.string().max(2000).optional(),
  user_id: z.looseObject({ previous: z.string().max(200).nullish(), current: z.string().min(1).max(200) }),
  parent_user_id: z.looseObject({ previous: z.string().max(200).nullish(), current: z.string().max(200).nullish() }).nullish(),
  timestamp: ZUnixTimestamp.optional(),
});

/** field "user_id_update": business-scoped user ids that changed (Meta's BSUID rotation) */
export const ZUserIdUpdateValue = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: ZMetadata,
  contacts: z.array(ZContact).max(10_000).optional(),
  user_id_update: z.array(ZUserIdUpdate).max(10_000),
});
export type TUserIdUpdateValue = z.infer<typeof ZUserIdUpdateValue>;

/** field "user_preferences": a customer stopped or resumed marketing messages in WhatsApp itself */
export const ZUserPreferencesValue = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: ZMetadata,
  contacts: z.array(ZContact).max(10_000).optional(),
  user_preferences: z.array(ZUserPreference).max(10_000),
});

/**
 * The recipient statuses and the groups every counter, limit and guard counts by — defined here once.
 * TypeScript uses the lists (SQL statements the fragments of recipient-status-sql.ts, built from them);
 * the database's counter functions use wac_pending_statuses(), wac_sent_statuses() and
 * wac_delivered_statuses(), which a test holds equal to these lists. No imports: client components use it.
 *
 *  pending → sending → queued (Meta accepted) → sent → delivered → read, or failed; skipped (never sent:
 *  unsubscribed, inactive); unknown (the send's outcome is not known: never retried blindly).
 */
export const RECIPIENT_STATUSES = ["pending", "sending", "queued", "sent", "delivered", "read", "failed", "skipped", "unknown"] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** still to send: waiting for its day, or claimed and being sent (the "pending" counter) */
export const PENDING_STATUSES = ["pending", "sending"] as const satisfies readonly RecipientStatus[];
/** accepted by Meta, whatever happened next short of a failure (the "sent" counter) */
export const SENT_STATUSES = ["queued", "sent", "delivered", "read"] as const satisfies readonly RecipientStatus[];
/** reached the phone (the "delivered" counter) */
export const DELIVERED_STATUSES = ["delivered", "read"] as const satisfies readonly RecipientStatus[];
/** accepted by Meta, not delivered yet */
export const NOT_YET_DELIVERED_STATUSES = ["queued", "sent"] as const satisfies readonly RecipientStatus[];
/** a send whose outcome is decided: accepted by Meta or failed (the failure guard's denominator) */
export const ATTEMPTED_STATUSES = [...SENT_STATUSES, "failed"] as const satisfies readonly RecipientStatus[];
/** handed to Meta with an outcome not known yet: being sent, or ambiguous */
export const IN_FLIGHT_STATUSES = ["sending", "unknown"] as const satisfies readonly RecipientStatus[];
/** a message that may have reached Meta: every attempt whatever its outcome (a follow-up's audience) */
export const MAYBE_SENT_STATUSES = [...ATTEMPTED_STATUSES, "unknown"] as const satisfies readonly RecipientStatus[];
/** a send was started on its sent_on day (counts against that day's daily limit) */
export const SEND_STARTED_STATUSES = ["sending", ...MAYBE_SENT_STATUSES] as const satisfies readonly RecipientStatus[];

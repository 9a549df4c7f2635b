/**
 * Status callbacks can beat our own write (WhatsApp answers, the webhook arrives, then we record the send)
 * or be the only trace of a send whose process died: the webhook keeps those it could not match in
 * pending_status_events (by wamid, and by our recipient id echoed as biz_opaque_callback_data).
 * These set-based statements apply them, only ever moving a recipient forward.
 */
import { Prisma, type Tx } from "../db";

/** how far along a recipient is; a status never moves to a lower rank */
export const STATUS_RANK_SQL = (col: Prisma.Sql) => Prisma.sql`(CASE ${col}
  WHEN 'pending' THEN 0 WHEN 'sending' THEN 0 WHEN 'unknown' THEN 0 WHEN 'queued' THEN 1
  WHEN 'sent' THEN 2 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE -1 END)`;

/** Applies pending events to recipients that now carry the event's wamid. */
export async function applyPendingEventsByWamid(tx: Tx, recipientIds: string[], now: Date): Promise<number> {
  if (recipientIds.length === 0) return 0;
  return tx.$executeRaw(Prisma.sql`
    WITH ev AS (
      SELECT DISTINCT ON (r.id) r.id AS rid, e.status, e.occurred_at, e.error_code, e.error_title
      FROM campaign_recipients r JOIN pending_status_events e ON e.whatsapp_message_id = r.whatsapp_message_id
      WHERE r.id = ANY(${recipientIds}::uuid[]) AND e.status IN ('sent', 'delivered', 'read', 'failed')
      ORDER BY r.id, ${STATUS_RANK_SQL(Prisma.sql`e.status`)} DESC, e.occurred_at DESC)
    UPDATE campaign_recipients r SET
      status = ev.status,
      delivered_at = CASE WHEN ev.status IN ('delivered', 'read') THEN coalesce(r.delivered_at, ev.occurred_at) ELSE r.delivered_at END,
      read_at = CASE WHEN ev.status = 'read' THEN ev.occurred_at ELSE r.read_at END,
      failed_at = CASE WHEN ev.status = 'failed' THEN ev.occurred_at ELSE r.failed_at END,
      failure_reason = CASE WHEN ev.status = 'failed' THEN coalesce(ev.error_title, 'Failed') ELSE r.failure_reason END,
      error_code = CASE WHEN ev.status = 'failed' THEN ev.error_code ELSE r.error_code END,
      updated_at = ${now}::timestamptz
    FROM ev WHERE r.id = ev.rid AND ${STATUS_RANK_SQL(Prisma.sql`ev.status`)} > ${STATUS_RANK_SQL(Prisma.sql`r.status`)}`);
}

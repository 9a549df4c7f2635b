/**
 * Status callbacks can beat our own write (WhatsApp answers, the webhook arrives, then we record the send)
 * or be the only trace of a send whose process died: the webhook keeps those it could not match in
 * pending_status_events (by wamid, and by our recipient id echoed as biz_opaque_callback_data).
 * These set-based statements apply them, only ever moving a recipient forward.
 */
import { Prisma } from "../db";

/** how far along a recipient is; a status never moves to a lower rank */
export const STATUS_RANK_SQL = (col: Prisma.Sql) => Prisma.sql`(CASE ${col}
  WHEN 'pending' THEN 0 WHEN 'sending' THEN 0 WHEN 'unknown' THEN 0 WHEN 'queued' THEN 1
  WHEN 'sent' THEN 2 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE -1 END)`;

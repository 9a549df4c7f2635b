/**
 * Claims left in 'sending' for longer than staleClaimMs belong to a run that died (or hung) between
 * WhatsApp accepting a request and our write. They are never resent blindly:
 *  - when a status callback echoed our recipient id (biz_opaque_callback_data), the send happened: the
 *    recipient gets that wamid and status (and a whatsapp_messages row);
 *  - otherwise its outcome is 'unknown', shown to the marketer, who may retry it (retryUnknownRecipients).
 * The claim id stays on an 'unknown' row, so the original worker, should it still finish, can record
 * its result (same attempt), while a retried, newer attempt is fenced off.
 */
import { Prisma, type Db } from "../db";
import { STATUS_RANK_SQL } from "./apply-status-events";

export async function reconcileStaleClaims({ db, now, staleClaimMs }: { db: Db; now: Date; staleClaimMs: number }) {
  const cutoff = new Date(now.getTime() - staleClaimMs);
  return db.$transaction(async (tx) => {
    const [{ echoed }] = await tx.$queryRaw<Array<{ echoed: bigint }>>(Prisma.sql`
      WITH ev AS (
        SELECT DISTINCT ON (e.recipient_id) e.recipient_id, e.whatsapp_message_id, e.status, e.occurred_at, e.error_code, e.error_title
        FROM pending_status_events e JOIN campaign_recipients r ON r.id = e.recipient_id
        WHERE r.status = 'sending' AND r.claimed_at < ${cutoff}::timestamptz AND e.status IN ('sent', 'delivered', 'read', 'failed')
          AND NOT EXISTS (SELECT 1 FROM campaign_recipients o WHERE o.whatsapp_message_id = e.whatsapp_message_id)
        ORDER BY e.recipient_id, ${STATUS_RANK_SQL(Prisma.sql`e.status`)} DESC, e.occurred_at DESC
      ), upd AS (
        UPDATE campaign_recipients r SET
          status = ev.status, whatsapp_message_id = ev.whatsapp_message_id,
          sent_at = coalesce(r.sent_at, r.claimed_at),
          delivered_at = CASE WHEN ev.status IN ('delivered', 'read') THEN ev.occurred_at END,
          read_at = CASE WHEN ev.status = 'read' THEN ev.occurred_at END,
          failed_at = CASE WHEN ev.status = 'failed' THEN ev.occurred_at END,
          failure_reason = CASE WHEN ev.status = 'failed' THEN coalesce(ev.error_title, 'Failed') END,
          error_code = CASE WHEN ev.status = 'failed' THEN ev.error_code END,
          claim_id = NULL, claimed_at = NULL, updated_at = ${now}::timestamptz
        FROM ev WHERE r.id = ev.recipient_id AND r.status = 'sending' AND r.claimed_at < ${cutoff}::timestamptz
        RETURNING r.id, r.campaign_id, r.phone_number, r.whatsapp_message_id, r.status, r.sent_at
      ), msg AS (
        INSERT INTO whatsapp_messages (id, direction, campaign_id, recipient_id, phone_number, whatsapp_message_id, status, message_type, sent_at, created_at, updated_at)
        SELECT gen_random_uuid(), 'outbound', upd.campaign_id, upd.id, upd.phone_number, upd.whatsapp_message_id,
               CASE WHEN upd.status = 'failed' THEN 'failed' ELSE upd.status END, 'template', upd.sent_at, ${now}::timestamptz, ${now}::timestamptz
        FROM upd ON CONFLICT (whatsapp_message_id) DO NOTHING RETURNING 1)
      SELECT count(*) AS echoed FROM upd`);
    const unknown = await tx.$executeRaw(Prisma.sql`
      UPDATE campaign_recipients SET status = 'unknown',
        failure_reason = 'Outcome unknown: the send was interrupted after the request went out (it may have been delivered)',
        updated_at = ${now}::timestamptz
      WHERE status = 'sending' AND claimed_at < ${cutoff}::timestamptz`);
    return { recovered: Number(echoed), unknown };
  });
}

/** Meta retries a webhook for up to 7 days: a kept status whose message never appeared after that never will. */
export const PENDING_STATUS_EVENT_TTL_MS = 8 * 24 * 3600_000;

/** Drops early statuses that can no longer be matched (bounded per call, so a run never stalls on it). */
export async function prunePendingStatusEvents({ db, now, limit = 10_000 }: { db: Db; now: Date; limit?: number }): Promise<number> {
  const cutoff = new Date(now.getTime() - PENDING_STATUS_EVENT_TTL_MS);
  return db.$executeRaw(Prisma.sql`
    DELETE FROM pending_status_events WHERE id IN (
      SELECT id FROM pending_status_events WHERE created_at < ${cutoff}::timestamptz LIMIT ${limit}::int FOR UPDATE SKIP LOCKED)`);
}

/**
 * Claims left in 'sending' for longer than staleClaimMs belong to a run that died (or hung) between
 * WhatsApp accepting a request and our write. They are never resent blindly: their outcome becomes
 * 'unknown' (shown to the marketer, who may retry it after a quiet period: retryUnknownRecipients), and
 * the statuses waiting in the webhook inbox that echo their recipient id (biz_opaque_callback_data) are
 * applied at once through the applier: such a status proves the send, so the recipient gets that wamid
 * and status (and a whatsapp_messages row) — `recovered`.
 * The claim id stays on an 'unknown' row, so the original worker, should it still finish, can record
 * its result (same attempt), while a retried, newer attempt is fenced off.
 * Only rows marked as going out in this claim (send_started_at at or after claimed_at: mark-sending.ts)
 * can have reached WhatsApp (or rows a waiting status echoes); stale claims never marked go back to pending untouched — their claim id
 * cleared, so the dead run could not send them even if it woke up.
 */
import { Prisma, type Db } from "../db";
import { applyInbox } from "../delivery/apply-inbox";

export async function reconcileStaleClaims({ db, now, staleClaimMs, timezone = "UTC" }: { db: Db; now: Date; staleClaimMs: number; timezone?: string }) {
  const cutoff = new Date(now.getTime() - staleClaimMs);
  // one statement, judged on each row's latest version (a mark committing meanwhile is seen):
  // marked rows → unknown (claim kept), never-marked rows → pending (claim cleared)
  // (a status in the inbox that echoes the row's id proves the request went out, mark or not)
  const marked = Prisma.sql`((send_started_at IS NOT NULL AND send_started_at >= claimed_at)
    OR EXISTS (SELECT 1 FROM webhook_inbox_pending e WHERE e.recipient_id = campaign_recipients.id))`;
  const rows = await db.$queryRaw<Array<{ id: string; status: string }>>(Prisma.sql`
    UPDATE campaign_recipients SET
      status = CASE WHEN ${marked} THEN 'unknown' ELSE 'pending' END,
      failure_reason = CASE WHEN ${marked} THEN 'Outcome unknown: the send was interrupted after the request went out (it may have been delivered)' ELSE failure_reason END,
      outcome_unknown_at = CASE WHEN ${marked} THEN ${now}::timestamptz ELSE outcome_unknown_at END,
      sent_on = CASE WHEN ${marked} THEN sent_on END,
      claim_id = CASE WHEN ${marked} THEN claim_id END,
      claimed_at = CASE WHEN ${marked} THEN claimed_at END,
      updated_at = ${now}::timestamptz
    WHERE stage = 'sending' AND claimed_at < ${cutoff}::timestamptz
    RETURNING id, status`);
  const stale = rows.filter((r) => r.status === "unknown");
  if (stale.length === 0) return { recovered: 0, unknown: 0 };
  const ids = stale.map((s) => s.id);
  await applyInbox({ db, now, timezone, recipientIds: ids });
  const [{ left }] = await db.$queryRaw<Array<{ left: bigint }>>(Prisma.sql`
    SELECT count(*) AS left FROM campaign_recipients WHERE id = ANY(${ids}::uuid[]) AND status = 'unknown'`);
  return { recovered: ids.length - Number(left), unknown: Number(left) };
}

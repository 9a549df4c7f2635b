/**
 * Marks part of a claimed batch as going out now (send_started_at), just before its requests start. A
 * claimed row without send_started_at has provably not reached WhatsApp: crash recovery gives it back
 * to pending; only marked rows can end 'unknown' (reconcile-stale-claims.ts).
 *
 * Fenced by the claim: a row whose claim was reconciled meanwhile is not marked and must not be sent.
 * Meta's pair rate (about one message per user every 6 s, 131056): a row whose number had a request
 * start in the last PAIR_GAP_MS — from any campaign or process, or a test send — is not marked but
 * handed back to pending, due again once the gap has passed. (Two processes marking the same number
 * in the very same instant do not see each other's uncommitted mark: that needs one number in two
 * campaigns claimed by two processes at once.)
 */
import { Prisma, type Db } from "../db";
import { PAIR_GAP_MS } from "@/lib/whatsapp/shared-pacer";

export async function markSending({ db, claimId, recipients, now }: {
  db: Db; claimId: string; recipients: Array<{ id: string; phone: string }>; now: Date;
}): Promise<Set<string>> {
  if (recipients.length === 0) return new Set();
  const ids = recipients.map((r) => r.id);
  const since = new Date(now.getTime() - PAIR_GAP_MS);
  const rows = await db.$queryRaw<Array<{ id: string; send: boolean }>>(Prisma.sql`
      WITH mine AS (
        SELECT r.id, r.phone_number FROM campaign_recipients r
        WHERE r.id = ANY(${ids}::uuid[]) AND r.claim_id = ${claimId}::uuid AND r.status = 'sending'
      ), recent AS (
        SELECT DISTINCT m.phone_number FROM mine m
        WHERE EXISTS (SELECT 1 FROM campaign_recipients o WHERE o.phone_number = m.phone_number AND o.id <> m.id
                        AND o.send_started_at > ${since}::timestamptz AND o.send_started_at <= ${now}::timestamptz)
           OR EXISTS (SELECT 1 FROM whatsapp_messages w WHERE w.direction = 'outbound' AND w.phone_number = m.phone_number
                        AND w.sent_at > ${since}::timestamptz AND w.sent_at <= ${now}::timestamptz)
      )
      UPDATE campaign_recipients r SET
        send_started_at = CASE WHEN x.phone_number IS NULL THEN ${now}::timestamptz END,
        status = CASE WHEN x.phone_number IS NULL THEN 'sending' ELSE 'pending' END,
        claim_id = CASE WHEN x.phone_number IS NULL THEN r.claim_id END,
        claimed_at = CASE WHEN x.phone_number IS NULL THEN r.claimed_at END,
        sent_on = CASE WHEN x.phone_number IS NULL THEN r.sent_on END,
        next_attempt_at = CASE WHEN x.phone_number IS NULL THEN r.next_attempt_at
          ELSE greatest(r.next_attempt_at, ${new Date(now.getTime() + PAIR_GAP_MS)}::timestamptz) END,
        updated_at = ${now}::timestamptz
      FROM mine m LEFT JOIN recent x ON x.phone_number = m.phone_number
      WHERE r.id = m.id AND r.claim_id = ${claimId}::uuid AND r.status = 'sending'
      RETURNING r.id, (x.phone_number IS NULL) AS send`);
  return new Set(rows.filter((r) => r.send).map((r) => r.id));
}

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
import { Prisma, readRows, type Db, type PlainRead } from "../db";
import { PAIR_GAP_MS } from "@/lib/whatsapp/shared-pacer";

export async function markSending({ db, claimId, recipients, now, read }: {
  db: Db; claimId: string; recipients: Array<{ id: string; phone: string }>; now: Date;
  /** a plain pg query on the client's pool (the adapter's): a mark runs for every few requests, without the ORM's per-query work */
  read?: PlainRead;
}): Promise<Set<string>> {
  if (recipients.length === 0) return new Set();
  const ids = recipients.map((r) => r.id);
  const since = new Date(now.getTime() - PAIR_GAP_MS);
  const rows = await readRows<{ id: string; send: boolean }>(db, Prisma.sql`
      WITH mine AS (
        SELECT r.id, r.phone_number, r.status FROM campaign_recipients r
        WHERE r.id = ANY(${ids}::uuid[]) AND r.claim_id = ${claimId}::uuid AND r.status = 'sending'
      ), recent AS (
        -- one lookup per number (a correlated LATERAL … LIMIT 1, through the phone indexes): never the
        -- hashed alternative the planner may pick for EXISTS … OR EXISTS, which reads every request of
        -- the last PAIR_GAP_MS (5,235 of them at 920 msg/s) to mark a handful of rows
        SELECT DISTINCT m.phone_number FROM mine m
        CROSS JOIN LATERAL (
          (SELECT 1 FROM campaign_recipients o WHERE o.phone_number = m.phone_number AND o.id <> m.id
             AND o.send_started_at > ${since}::timestamptz AND o.send_started_at <= ${now}::timestamptz LIMIT 1)
          UNION ALL
          (SELECT 1 FROM whatsapp_messages w WHERE w.direction = 'outbound' AND w.phone_number = m.phone_number
             AND w.sent_at > ${since}::timestamptz AND w.sent_at <= ${now}::timestamptz LIMIT 1)
          LIMIT 1
        ) hit
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
      -- still in the claim and in flight (re-checked on the row's latest version if it changed meanwhile);
      -- the status compared with mine's ('sending'), not a constant, so that no status index drives the
      -- scan: each row is found by its id
      WHERE r.id = m.id AND r.claim_id = ${claimId}::uuid AND r.status = m.status
      RETURNING r.id::text AS id, (x.phone_number IS NULL) AS send`, read);
  return new Set(rows.filter((r) => r.send).map((r) => r.id));
}

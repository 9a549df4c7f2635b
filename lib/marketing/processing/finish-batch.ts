/**
 * Records a batch's outcomes with a few set-based statements in one transaction, each fenced by the
 * batch's claim id (a worker whose claim was reconciled and retried cannot overwrite the newer attempt).
 * WhatsApp's answers (accepted, or refused for the recipient: permanent, meta_cap, opted_out) are recorded on
 * a row still 'sending' or made 'unknown' by reconciliation meanwhile (it keeps the claim id): the answer is
 * what the unknown outcome was waiting for. Retries and releases apply only to rows still 'sending':
 *   sent       → queued + wamid + wa_id + message status + sent_at, and a whatsapp_messages row
 *   permanent  → failed (failure_reason, error_code); an undeliverable number (131026) counts towards the customer's not-reachable mark
 *   retry      → pending again with retry_count + 1 and exponential backoff (1 min · 2^n, ≤ 1 h, plus any Retry-After); failed after maxAttempts
 *                (a refusal for throughput, THROTTLE_CODES, is retried the same way but costs no attempt: it is our pace)
 *   ambiguous  → unknown (never resent blindly)
 *   meta_cap   → pending, deferred ≥ 24 h, with retry_count + 1; failed after maxAttempts (the customer is deferred either way)
 *   opted_out  → skipped ('User unsubscribed')
 *   template / account / not started → released back to pending, untouched
 * and, in the same transaction, each error class's effects (error-effects.ts: the customer deferred or
 * unsubscribed, the campaign paused for its template, the account error recorded).
 */
import { THROTTLE_CODES } from "@/lib/whatsapp/errors";
import type { Db } from "../db";
import { Prisma, readRows, transactionRunnerOf, withRetry } from "../db";
import { applyInbox } from "../delivery/apply-inbox";
import { applyErrorEffects, type ErrorFailure } from "../delivery/error-effects";
import { isUndeliverableCode } from "../customers/undeliverable";
import type { SendOutcome } from "./send-batch";
import { gaveUpReasonSql, IN_FLIGHT_SQL, RETRY_BACKOFF_SQL } from "../recipients/recipient-status-sql";

const DAY_MS = 24 * 3600_000;

const failure = (o: Extract<SendOutcome, { kind: "failed" }>, campaignId?: string): ErrorFailure => ({
  errorClass: o.result.errorClass, code: o.result.code, title: o.result.title, campaignId: campaignId ?? null, recipientId: o.id, phone: o.phone, at: o.at,
});

export type FinishCounts = { sent: number; failed: number; retried: number; unknown: number; deferred: number; skipped: number; released: number };

export async function finishBatch({ db, claimId, campaignId, outcomes, now, timezone, maxAttempts, templateName, languageCode }: {
  db: Db; claimId: string; campaignId: string; outcomes: SendOutcome[]; now: Date; timezone: string; maxAttempts: number;
  templateName: string; languageCode: string;
}): Promise<FinishCounts> {
  const sent = outcomes.filter((o) => o.kind === "sent");
  const failed = outcomes.filter((o) => o.kind === "failed");
  const by = (cls: string) => failed.filter((o) => o.result.errorClass === cls);
  const permanent = by("permanent");
  const retry = by("retry");
  const ambiguous = by("ambiguous");
  const metaCap = by("meta_cap");
  const optedOut = by("opted_out");
  const released = [...outcomes.filter((o) => o.kind === "released"), ...by("template"), ...by("account")];
  const claim = Prisma.sql`${claimId}::uuid`;
  // released without a request (template and account errors did go out: they keep their start for the pair rate)
  const notSent = outcomes.filter((o) => o.kind === "released").map((o) => o.id);
  const counts: FinishCounts = { sent: 0, failed: 0, retried: 0, unknown: 0, deferred: 0, skipped: 0, released: 0 };

  // the batch's arrays go to its statements without the ORM's per-value work where the client allows (RunInTransaction)
  await withRetry(() => transactionRunnerOf(db)(async (tx, read) => {
    counts.sent = counts.failed = counts.retried = counts.unknown = counts.deferred = counts.skipped = counts.released = 0;
    const effects: ErrorFailure[] = [];
    if (sent.length > 0) {
      const ids = sent.map((o) => o.id);
      const [row] = await readRows<{ n: number }>(tx, Prisma.sql`
        WITH v AS (
          SELECT * FROM unnest(${ids}::uuid[], ${sent.map((o) => o.result.wamid)}::text[], ${sent.map((o) => o.result.waId)}::text[],
                               ${sent.map((o) => o.result.messageStatus)}::text[], ${sent.map((o) => o.at.toISOString())}::timestamptz[],
                               ${sent.map((o) => o.phone)}::text[],
                               ${sent.map((o) => o.template?.name ?? templateName)}::text[], ${sent.map((o) => o.template?.language ?? languageCode)}::text[])
            AS v(id, wamid, wa_id, mstatus, sent_at, phone, template_name, language_code)
        ), upd AS (
          UPDATE campaign_recipients r SET status = 'queued', whatsapp_message_id = v.wamid, wa_id = v.wa_id,
            whatsapp_message_status = v.mstatus, sent_at = v.sent_at, claim_id = NULL, claimed_at = NULL,
            next_attempt_at = NULL, deferred_reason = NULL, failure_reason = NULL, error_code = NULL, updated_at = ${now}::timestamptz
          FROM v WHERE r.id = v.id AND r.claim_id = ${claim} AND r.status IN ${IN_FLIGHT_SQL}
          RETURNING r.id
        ), msg AS (
          -- every accepted message is recorded (it counts towards the messaging limit), fenced or not
          INSERT INTO whatsapp_messages (id, direction, campaign_id, recipient_id, phone_number, wa_id, whatsapp_message_id, status,
            whatsapp_message_status, message_type, template_name, language_code, sent_at, created_at, updated_at)
          SELECT uuidv7(), 'outbound', ${campaignId}::uuid, v.id, v.phone, v.wa_id, v.wamid, 'queued', v.mstatus, 'template',
            v.template_name, v.language_code, v.sent_at, ${now}::timestamptz, ${now}::timestamptz
          FROM v ON CONFLICT (whatsapp_message_id) DO NOTHING RETURNING 1)
        SELECT count(*)::int AS n FROM upd`, read);
      counts.sent = row.n;
    }
    if (permanent.length > 0) {
      const failedIds = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
        UPDATE campaign_recipients r SET status = 'failed', failed_at = v.at, failure_reason = v.reason, error_code = v.code,
          claim_id = NULL, claimed_at = NULL, outcome_unknown_at = NULL, updated_at = ${now}::timestamptz
        FROM unnest(${permanent.map((o) => o.id)}::uuid[], ${permanent.map((o) => o.result.title)}::text[],
                    ${permanent.map((o) => o.result.code)}::int[], ${permanent.map((o) => o.at.toISOString())}::timestamptz[]) AS v(id, reason, code, at)
        WHERE r.id = v.id AND r.claim_id = ${claim} AND r.status IN ${IN_FLIGHT_SQL}
        RETURNING r.id`);
      counts.failed += failedIds.length;
      // an undeliverable number (131026) counts towards the customer's not-reachable mark (error-effects.ts)
      const failedSet = new Set(failedIds.map((f) => f.id));
      effects.push(...permanent.filter((o) => failedSet.has(o.id) && isUndeliverableCode(o.result.code)).map((o) => failure(o, campaignId)));
    }
    if (retry.length > 0) {
      // a refusal for throughput (THROTTLE_CODES) is our pace, not the recipient's: it costs no attempt
      const n = await tx.$executeRaw(Prisma.sql`
        UPDATE campaign_recipients r SET
          status = CASE WHEN r.retry_count + v.cost >= ${maxAttempts}::int THEN 'failed' ELSE 'pending' END,
          retry_count = r.retry_count + v.cost,
          failure_reason = CASE WHEN r.retry_count + v.cost >= ${maxAttempts}::int THEN ${gaveUpReasonSql(Prisma.sql`v.reason`)} ELSE v.reason END,
          error_code = v.code,
          failed_at = CASE WHEN r.retry_count + v.cost >= ${maxAttempts}::int THEN v.at ELSE NULL END,
          next_attempt_at = CASE WHEN r.retry_count + v.cost >= ${maxAttempts}::int THEN NULL
            ELSE v.at + ${RETRY_BACKOFF_SQL} + make_interval(secs => v.after_ms / 1000.0) END,
          sent_on = CASE WHEN r.retry_count + v.cost >= ${maxAttempts}::int THEN r.sent_on ELSE NULL END,
          claim_id = NULL, claimed_at = NULL, updated_at = ${now}::timestamptz
        FROM unnest(${retry.map((o) => o.id)}::uuid[], ${retry.map((o) => o.result.title)}::text[], ${retry.map((o) => o.result.code)}::int[],
                    ${retry.map((o) => o.at.toISOString())}::timestamptz[], ${retry.map((o) => o.result.retryAfterMs ?? 0)}::int[],
                    ${retry.map((o) => (o.result.code !== null && THROTTLE_CODES.has(o.result.code) ? 0 : 1))}::int[]) AS v(id, reason, code, at, after_ms, cost)
        WHERE r.id = v.id AND r.claim_id = ${claim} AND r.status = 'sending'`);
      counts.retried += n;
    }
    if (ambiguous.length > 0) {
      counts.unknown += await tx.$executeRaw(Prisma.sql`
        UPDATE campaign_recipients r SET status = 'unknown', failure_reason = v.reason, outcome_unknown_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
        FROM unnest(${ambiguous.map((o) => o.id)}::uuid[], ${ambiguous.map((o) => o.result.title)}::text[]) AS v(id, reason)
        WHERE r.id = v.id AND r.claim_id = ${claim} AND r.status = 'sending'`);
    }
    if (metaCap.length > 0) {
      // deferred a day, and it costs an attempt: a customer Meta keeps capping fails after the last one,
      // so the campaign can complete (the failure guard does not count these: failure-guard.ts)
      const until = new Date(now.getTime() + DAY_MS);
      const last = Prisma.sql`r.retry_count + 1 >= ${maxAttempts}::int`;
      const deferred = await tx.$queryRaw<Array<{ id: string; status: string }>>(Prisma.sql`
        UPDATE campaign_recipients r SET
          status = CASE WHEN ${last} THEN 'failed' ELSE 'pending' END,
          retry_count = r.retry_count + 1,
          deferred_reason = CASE WHEN ${last} THEN NULL ELSE 'meta_cap' END,
          next_attempt_at = CASE WHEN ${last} THEN NULL ELSE ${until}::timestamptz END,
          scheduled_send_date = CASE WHEN ${last} THEN r.scheduled_send_date ELSE (${until}::timestamptz AT TIME ZONE ${timezone})::date END,
          failure_reason = CASE WHEN ${last} THEN ${gaveUpReasonSql(Prisma.sql`v.reason`)} ELSE v.reason END,
          failed_at = CASE WHEN ${last} THEN v.at ELSE NULL END,
          error_code = v.code, sent_on = CASE WHEN ${last} THEN r.sent_on ELSE NULL END, claim_id = NULL, claimed_at = NULL,
          outcome_unknown_at = NULL, updated_at = ${now}::timestamptz
        FROM unnest(${metaCap.map((o) => o.id)}::uuid[], ${metaCap.map((o) => o.result.title)}::text[], ${metaCap.map((o) => o.result.code)}::int[],
                    ${metaCap.map((o) => o.at.toISOString())}::timestamptz[]) AS v(id, reason, code, at)
        WHERE r.id = v.id AND r.claim_id = ${claim} AND r.status IN ${IN_FLIGHT_SQL}
        RETURNING r.id, r.status`);
      counts.deferred += deferred.filter((d) => d.status === "pending").length;
      counts.failed += deferred.filter((d) => d.status === "failed").length;
      const deferredIds = new Set(deferred.map((d) => d.id));
      effects.push(...metaCap.filter((o) => deferredIds.has(o.id)).map((o) => failure(o, campaignId)));
    }
    if (optedOut.length > 0) {
      counts.skipped += await tx.$executeRaw(Prisma.sql`
        UPDATE campaign_recipients r SET status = 'skipped', failure_reason = 'User unsubscribed', error_code = v.code,
          claim_id = NULL, claimed_at = NULL, outcome_unknown_at = NULL, updated_at = ${now}::timestamptz
        FROM unnest(${optedOut.map((o) => o.id)}::uuid[], ${optedOut.map((o) => o.result.code)}::int[]) AS v(id, code)
        WHERE r.id = v.id AND r.claim_id = ${claim} AND r.status IN ${IN_FLIGHT_SQL}`);
      effects.push(...optedOut.map((o) => failure(o, campaignId)));
    }
    if (released.length > 0) {
      counts.released += await tx.$executeRaw(Prisma.sql`
        UPDATE campaign_recipients SET status = 'pending', sent_on = NULL, claim_id = NULL, claimed_at = NULL,
          send_started_at = CASE WHEN id = ANY(${notSent}::uuid[]) THEN NULL ELSE send_started_at END, updated_at = ${now}::timestamptz
        WHERE id = ANY(${released.map((o) => o.id)}::uuid[]) AND claim_id = ${claim} AND status = 'sending'`);
    }
    // the error classes' effects on the customer, campaign and account (error-effects.ts)
    effects.push(...by("template").map((o) => failure(o, campaignId)), ...by("account").map((o) => failure(o, campaignId)));
    await applyErrorEffects(tx, effects, { now });
  }, { timeout: 60_000, maxWait: 30_000 }));
  // statuses that beat our write wait in the webhook inbox: they apply now, through the same applier
  if (sent.length > 0) {
    await applyInbox({ db, now, timezone, wamids: sent.map((o) => o.result.wamid), recipientIds: sent.map((o) => o.id) });
  }
  return counts;
}

/**
 * Which of a campaign's pending recipients are due, and in what order they are claimed, without the day in
 * an index: scheduling writes only a recipient's day, and with no index naming it that UPDATE is HOT
 * (migration recipients_hot_schedule). The rule, once, for the claim (processing/claim-batch.ts), the
 * budget (cost/budget.ts), the roll-forward check (hasStrandedRecipients) and the run's "still due":
 *
 *  - a recipient is due on `due` when it is pending, its day is on or before `due`, and any backoff or
 *    deferral it has is over (next_attempt_at ≤ now);
 *  - claim order: first the held rows (a deferral or a backoff, campaign_recipients_held_idx: few) by
 *    (day, id), then the fresh rows (campaign_recipients_queue_idx) by (created_at, id), the order
 *    packSchedule packs them in, so a campaign's due rows come first and the scan stops after the n it
 *    takes (ids are time-ordered too: this is id order but for recipients added by two transactions at
 *    once). The day is a filter, so a row out of that order (retry-unknown's old rows repacked to a later
 *    day) is never taken early, only read past;
 *  - the scan stops once it has read every fresh row that is due, whether or not the claim may take it:
 *    the schedule says how many there are (campaign_send_schedule plus the unfolded counter_deltas, the
 *    figures the triggers keep equal to the rows: they count 'pending' and 'sending', less those in flight
 *    ('sending') less the held ones; exact at the statement's snapshot), and a running count of the due
 *    rows read is the window's run condition, which ends the index scan. So a claim reads at most the due
 *    rows plus the few out of order before them, as the old index on the day did: nothing when nothing is
 *    due, and not the rest of the campaign when due rows may not go (an A/B test holding for its winner
 *    takes only variant rows; a customer still in flight in another campaign waits).
 */
import { Prisma } from "../db";
import type { Day } from "../time";
import { PENDING_SQL } from "./recipient-status-sql";

/** a pending row with a deferral or a backoff (campaign_recipients_held_idx's predicate: the stage, which is the status for 'pending'), aliased r */
const HELD = Prisma.sql`r.stage = 'pending' AND (r.deferred_reason IS NOT NULL OR r.next_attempt_at IS NOT NULL)`;
/** a pending row without either (campaign_recipients_queue_idx's predicate), aliased r */
const FRESH = Prisma.sql`r.stage = 'pending' AND r.deferred_reason IS NULL AND r.next_attempt_at IS NULL`;

/**
 * SQL (a bigint): the campaign's recipients still to send ('pending' or 'sending', what the schedule counts)
 * with a day on or before `day` (`before`: strictly before), from the schedule and the unfolded deltas.
 * `campaignId` is an SQL expression (a bound value or a column).
 */
function scheduledUpToSql(campaignId: Prisma.Sql, day: Day, before: boolean): Prisma.Sql {
  const cmp = before ? Prisma.sql`<` : Prisma.sql`<=`;
  return Prisma.sql`(
    (SELECT coalesce(sum(s.messages_remaining), 0)::bigint FROM campaign_send_schedule s
     WHERE s.campaign_id = ${campaignId} AND s.send_date ${cmp} ${day}::date)
    + (SELECT coalesce(sum(d.n), 0)::bigint FROM counter_deltas d
       WHERE d.campaign_id = ${campaignId} AND d.status IN ${PENDING_SQL} AND d.scheduled_send_date ${cmp} ${day}::date))`;
}

/** SQL (a bigint): the campaign's claims in flight with a day on or before `day` (`before`: strictly before); few, by campaign_recipients_campaign_stage_id_idx. */
function sendingUpToSql(campaignId: Prisma.Sql, day: Day, before: boolean): Prisma.Sql {
  const cmp = before ? Prisma.sql`<` : Prisma.sql`<=`;
  return Prisma.sql`(SELECT count(*) FROM campaign_recipients q
    WHERE q.campaign_id = ${campaignId} AND q.stage = 'sending' AND q.scheduled_send_date ${cmp} ${day}::date)`;
}

/** SQL (a bigint): the campaign's pending recipients (due now or not) with a day on or before `day` (`before`: strictly before), read from the schedule. */
export function pendingUpToSql(campaignId: Prisma.Sql, day: Day, { before = false }: { before?: boolean } = {}): Prisma.Sql {
  return Prisma.sql`(${scheduledUpToSql(campaignId, day, before)} - ${sendingUpToSql(campaignId, day, before)})`;
}

/** SQL (a bigint): the campaign's fresh pending recipients with a day on or before `due` (the bound of the queue scan). */
function freshDueCountSql(campaignId: string, due: Day): Prisma.Sql {
  const id = Prisma.sql`${campaignId}::uuid`;
  return Prisma.sql`(${pendingUpToSql(id, due)} - (SELECT count(*) FROM campaign_recipients r
    WHERE r.campaign_id = ${id} AND ${HELD} AND r.scheduled_send_date <= ${due}::date))`;
}

/**
 * SQL, a whole statement: the first `limit` due recipients of the campaign in claim order, as rows
 * (id, queue, held_day, created_at) — DUE_ORDER ranks them. With `lock` they are locked FOR UPDATE SKIP LOCKED, only
 * as many as are taken (each branch has its LockRows under its own LIMIT, and the fresh branch runs only
 * for what the held rows left). `where`: more conditions on the row, aliased r (e.g. `AND r.variant IS
 * NOT NULL`). `due: null`: whatever the day (the first fresh row is the answer, no count needed);
 * `now: null`: whatever the wait.
 */
export function dueRecipientsSql({ campaignId, due, now, limit, where = Prisma.empty, lock = false }: {
  campaignId: string; due: Day | null; now: Date | null; limit: number; where?: Prisma.Sql; lock?: boolean;
}): Prisma.Sql {
  const id = Prisma.sql`${campaignId}::uuid`;
  const onDay = due === null ? Prisma.empty : Prisma.sql`AND r.scheduled_send_date <= ${due}::date`;
  const waitOver = now === null ? Prisma.empty : Prisma.sql`AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ${now}::timestamptz)`;
  const forUpdate = lock ? Prisma.sql`FOR UPDATE OF r SKIP LOCKED` : Prisma.empty;
  const held = Prisma.sql`SELECT * FROM (
      SELECT r.id, 0 AS queue, r.scheduled_send_date AS held_day, NULL::timestamptz AS created_at FROM campaign_recipients r
      WHERE r.campaign_id = ${id} AND ${HELD} ${onDay} ${waitOver} ${where}
      ORDER BY r.scheduled_send_date, r.id LIMIT ${limit}::int ${forUpdate}) held`;
  // whatever the day, the first fresh row is the answer
  const fresh = due === null
    ? Prisma.sql`SELECT * FROM (
      SELECT r.id, 1 AS queue, NULL::date AS held_day, r.created_at FROM campaign_recipients r
      WHERE r.campaign_id = ${id} AND ${FRESH} ${where}
      ORDER BY r.created_at, r.id LIMIT ${limit}::int ${forUpdate}) fresh`
    // the queue in order with a running count of the due rows before each (the window's run condition
    // ends the index scan after the last due row); each due row is then checked, and locked, on its own
    // (LATERAL: always a nested loop, each row found by its id, never a join that reads the table). The day
    // test is an expression without statistics on purpose: with the day's own (stale just after an
    // activation, or 1,000 due of 1,000,000) the planner expected to read most of the campaign and sorted
    // a sequential scan of it instead of reading the queue index in order. The innermost LIMIT takes
    // nothing away (2^31 − 1, more rows than a campaign has) but, not being a constant, tells the planner
    // only part of the scan will be read, so it reads the index in order rather than sorting all the
    // campaign's rows first (a join above the window makes it plan the window for every row otherwise).
    : Prisma.sql`SELECT x.id, 1 AS queue, NULL::date AS held_day, q.created_at FROM (
        SELECT q.id, q.created_at, coalesce(q.scheduled_send_date <= ${due}::date, false) AS is_due,
          count(*) FILTER (WHERE coalesce(q.scheduled_send_date <= ${due}::date, false))
            OVER (ORDER BY q.created_at, q.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS due_before
        FROM (
          SELECT q.id, q.created_at, q.scheduled_send_date FROM campaign_recipients q
          WHERE q.campaign_id = ${id} AND q.stage = 'pending' AND q.deferred_reason IS NULL AND q.next_attempt_at IS NULL
          ORDER BY q.created_at, q.id LIMIT (SELECT 2147483647)) q) q
      CROSS JOIN LATERAL (
        SELECT r.id FROM campaign_recipients r
        WHERE r.id = q.id AND r.campaign_id = ${id} AND ${FRESH} ${onDay} ${where} ${forUpdate}) x
      WHERE q.due_before < ${freshDueCountSql(campaignId, due)} AND q.is_due
      LIMIT ${limit}::int`;
  return Prisma.sql`SELECT u.id, u.queue, u.held_day, u.created_at FROM (
    ${held}
    UNION ALL
    SELECT * FROM (${fresh}) fresh
  ) u LIMIT ${limit}::int`;
}

/** dueRecipientsSql's order, over its columns (a window's or a query's ORDER BY) */
export const DUE_ORDER = Prisma.sql`queue, held_day, created_at, id`;

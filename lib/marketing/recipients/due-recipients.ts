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
 *  - when no fresh row is due that scan would read the whole campaign, so it runs only when the
 *    schedule says one is: the campaign's recipients still to send on days up to `due`
 *    (campaign_send_schedule plus the unfolded counter_deltas, the figures the triggers keep equal to the
 *    rows: they count 'pending' and 'sending') less those in flight ('sending') less the held ones. Exact
 *    at the statement's snapshot, so it never hides a due recipient.
 */
import { Prisma } from "../db";
import type { Day } from "../time";
import { PENDING_SQL } from "./recipient-status-sql";

/** a pending row with a deferral or a backoff (campaign_recipients_held_idx's predicate), aliased r */
const HELD = Prisma.sql`r.status = 'pending' AND (r.deferred_reason IS NOT NULL OR r.next_attempt_at IS NOT NULL)`;
/** a pending row without either (campaign_recipients_queue_idx's predicate), aliased r */
const FRESH = Prisma.sql`r.status = 'pending' AND r.deferred_reason IS NULL AND r.next_attempt_at IS NULL`;

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

/** SQL (a bigint): the campaign's claims in flight with a day on or before `day` (`before`: strictly before); few, by campaign_recipients_campaign_status_id_idx. */
function sendingUpToSql(campaignId: Prisma.Sql, day: Day, before: boolean): Prisma.Sql {
  const cmp = before ? Prisma.sql`<` : Prisma.sql`<=`;
  return Prisma.sql`(SELECT count(*) FROM campaign_recipients q
    WHERE q.campaign_id = ${campaignId} AND q.status = 'sending' AND q.scheduled_send_date ${cmp} ${day}::date)`;
}

/** SQL (a bigint): the campaign's pending recipients (due now or not) with a day on or before `day` (`before`: strictly before), read from the schedule. */
export function pendingUpToSql(campaignId: Prisma.Sql, day: Day, { before = false }: { before?: boolean } = {}): Prisma.Sql {
  return Prisma.sql`(${scheduledUpToSql(campaignId, day, before)} - ${sendingUpToSql(campaignId, day, before)})`;
}

/** SQL (a boolean): some fresh pending recipient of the campaign has a day on or before `due` (the gate of the id-order scan). */
function freshDueSql(campaignId: string, due: Day): Prisma.Sql {
  const id = Prisma.sql`${campaignId}::uuid`;
  return Prisma.sql`(${pendingUpToSql(id, due)} - (SELECT count(*) FROM campaign_recipients r
    WHERE r.campaign_id = ${id} AND ${HELD} AND r.scheduled_send_date <= ${due}::date) > 0)`;
}

/**
 * SQL, a whole statement: the first `limit` due recipients of the campaign in claim order, as rows
 * (id, queue, held_day, created_at) — DUE_ORDER ranks them. With `lock` they are locked FOR UPDATE SKIP LOCKED, only
 * as many as are taken (each branch has its LockRows under its own LIMIT, and the fresh branch runs only
 * for what the held rows left). `where`: more conditions on the row, aliased r (e.g. `AND r.variant IS
 * NOT NULL`). `due: null`: whatever the day (and then no gate is needed: the first fresh row is the
 * answer); `now: null`: whatever the wait.
 */
export function dueRecipientsSql({ campaignId, due, now, limit, where = Prisma.empty, lock = false }: {
  campaignId: string; due: Day | null; now: Date | null; limit: number; where?: Prisma.Sql; lock?: boolean;
}): Prisma.Sql {
  const id = Prisma.sql`${campaignId}::uuid`;
  const onDay = due === null ? Prisma.empty : Prisma.sql`AND r.scheduled_send_date <= ${due}::date`;
  const waitOver = now === null ? Prisma.empty : Prisma.sql`AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ${now}::timestamptz)`;
  const forUpdate = lock ? Prisma.sql`FOR UPDATE OF r SKIP LOCKED` : Prisma.empty;
  const gate = due === null ? Prisma.empty : Prisma.sql`AND ${freshDueSql(campaignId, due)}`;
  // the fresh rows' day filter as an expression the planner has no statistics for (it assumes half the rows
  // pass): with the day's own statistics (stale just after an activation, or 1,000 due of 1,000,000) it
  // expected to read most of the campaign before finding n, and sorted a sequential scan of it instead of
  // reading the queue index in order, which stops after the n it takes
  const freshOnDay = due === null ? Prisma.empty : Prisma.sql`AND coalesce(r.scheduled_send_date <= ${due}::date, false)`;
  return Prisma.sql`SELECT u.id, u.queue, u.held_day, u.created_at FROM (
    SELECT * FROM (
      SELECT r.id, 0 AS queue, r.scheduled_send_date AS held_day, NULL::timestamptz AS created_at FROM campaign_recipients r
      WHERE r.campaign_id = ${id} AND ${HELD} ${onDay} ${waitOver} ${where}
      ORDER BY r.scheduled_send_date, r.id LIMIT ${limit}::int ${forUpdate}) held
    UNION ALL
    SELECT * FROM (
      SELECT r.id, 1 AS queue, NULL::date AS held_day, r.created_at FROM campaign_recipients r
      WHERE r.campaign_id = ${id} AND ${FRESH} ${freshOnDay} ${where} ${gate}
      ORDER BY r.created_at, r.id LIMIT ${limit}::int ${forUpdate}) fresh
  ) u LIMIT ${limit}::int`;
}

/** dueRecipientsSql's order, over its columns (a window's or a query's ORDER BY) */
export const DUE_ORDER = Prisma.sql`queue, held_day, created_at, id`;

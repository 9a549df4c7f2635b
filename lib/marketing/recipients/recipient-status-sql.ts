/**
 * The recipient status groups of recipient-status.ts as SQL: `status IN ${SENT_SQL}`, written as literals
 * (recipient-status-sql.test.ts checks each against its list).
 * Not bound values: a prepared statement's generic plan (used from its sixth run when it costs no more than
 * planning anew) knows the statuses only when they are in its text. With `status = ANY(ARRAY[$9, $10])` it
 * could not use the indexes whose predicate names a status (in flight, due, …), so it cost a whole-table
 * scan, and PostgreSQL planned such a statement anew on every run (0.8–1.8 ms for the stats' committed
 * spend, more than running it).
 */
import { Prisma } from "../db";

/** A retried recipient's wait (the row aliased r, before its retry_count grows): 1 min · 2^n, at most an hour. */
export const RETRY_BACKOFF_SQL = Prisma.sql`make_interval(secs => least(60 * power(2, r.retry_count), 3600))`;

/** A recipient failed at its last attempt (the row aliased r, before its retry_count grows): `reason` and "(gave up after n attempts)". */
export function gaveUpReasonSql(reason: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${reason} || ' (gave up after ' || (r.retry_count + 1) || ' attempts)'`;
}

/** PENDING_STATUSES */
export const PENDING_SQL = Prisma.sql`('pending', 'sending')`;
/** SENT_STATUSES */
export const SENT_SQL = Prisma.sql`('queued', 'sent', 'delivered', 'read')`;
/** DELIVERED_STATUSES */
export const DELIVERED_SQL = Prisma.sql`('delivered', 'read')`;
/** NOT_YET_DELIVERED_STATUSES */
export const NOT_YET_DELIVERED_SQL = Prisma.sql`('queued', 'sent')`;
/** ATTEMPTED_STATUSES */
export const ATTEMPTED_SQL = Prisma.sql`('queued', 'sent', 'delivered', 'read', 'failed')`;
/** IN_FLIGHT_STATUSES */
export const IN_FLIGHT_SQL = Prisma.sql`('sending', 'unknown')`;
/** MAYBE_SENT_STATUSES */
export const MAYBE_SENT_SQL = Prisma.sql`('queued', 'sent', 'delivered', 'read', 'failed', 'unknown')`;
/** SEND_STARTED_STATUSES */
export const SEND_STARTED_SQL = Prisma.sql`('sending', 'queued', 'sent', 'delivered', 'read', 'failed', 'unknown')`;

/**
 * The groups as stages (campaign_recipients.stage, recipient-status.ts's stageOf): `stage IN ${ATTEMPTED_STAGES_SQL}`.
 * The indexes of campaign_recipients name the stage, never the status (a delivery status is then a HOT
 * update), and the planner cannot prove an index's `stage` predicate from a condition on `status`: a query
 * that needs one of them says the stage. A group without an out state (PENDING, IN_FLIGHT, 'failed', …) is
 * the same list as a stage: `stage IN ${PENDING_SQL}`.
 */
/** SENT_STATUSES: the one stage 'out' */
export const SENT_STAGE_SQL = Prisma.sql`'out'`;
/** ATTEMPTED_STATUSES */
export const ATTEMPTED_STAGES_SQL = Prisma.sql`('out', 'failed')`;
/** MAYBE_SENT_STATUSES */
export const MAYBE_SENT_STAGES_SQL = Prisma.sql`('out', 'failed', 'unknown')`;
/** SEND_STARTED_STATUSES */
export const SEND_STARTED_STAGES_SQL = Prisma.sql`('sending', 'out', 'failed', 'unknown')`;

/**
 * (Re)assigns scheduled_send_date to a campaign's pending recipients, set-based, in daily_send_limit
 * batches from `fromDay`. Call it with the campaign row locked (lockCampaign). The schedule table follows
 * by trigger.
 *
 *  - ready recipients (no backoff/deferral pending) are packed in order (current day, created_at, id):
 *    recipients scheduled before fromDay (stranded) come first, unscheduled ones (just added) last,
 *    and fromDay only gets what is left of its limit after the attempts already made that day;
 *  - deferred recipients (next_attempt_at in the future: retry backoff, Meta's 24 h cap) take the slots
 *    after the ready ones, each on the first day with room on or after the day it becomes eligible (never
 *    earlier than fromDay): no day is planned above the limit.
 *
 * Only rows whose day changes are written, so rolling a few stranded recipients forward through a
 * long schedule touches a few rows per day, not the whole campaign.
 *
 * With a send window only its allowed days are used: the b-th batch goes to the b-th allowed
 * day from fromDay (arithmetic on the week's allowed offsets, still one UPDATE), and deferred recipients
 * count their eligible day as the first allowed day on or after it.
 */
import { Prisma, type DbOrTx } from "../db";
import { allowedOffsets, type TSendWindow } from "../sending/send-window";
import type { Day } from "../time";
import { STAGED_MARKETS_SQL } from "../cost/stage-markets";
import { PENDING_SQL, SEND_STARTED_STAGES_SQL } from "./recipient-status-sql";
import { pendingUpToSql } from "./due-recipients";


export async function attemptsOnDay(db: DbOrTx, campaignId: string, day: Day): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    SELECT count(*) AS n FROM campaign_recipients
    WHERE campaign_id = ${campaignId}::uuid AND sent_on = ${day}::date AND stage IN ${SEND_STARTED_STAGES_SQL}`);
  return Number(row.n);
}

export async function packSchedule(db: DbOrTx, args: {
  campaignId: string; fromDay: Day; dailyLimit: number; now: Date; timezone: string;
  /** the campaign's send window (null or omitted: every day) */
  window?: TSendWindow | null;
  /** markets staged in this transaction (cost/stage-markets.ts): set in the same write as the day */
  stagedMarkets?: boolean;
  /** only the deferred recipients: the ready ones are packed already (no day before fromDay, none without a
   *  day) and deferred ones landed on days without room (hasOverfilledDay); skips sorting every ready row */
  deferredOnly?: boolean;
}): Promise<{ moved: number }> {
  const { campaignId, fromDay, dailyLimit, now, timezone } = args;
  const window = args.window ?? null;
  const offsets = allowedOffsets(window, fromDay);
  // fromDay's own attempts only count when fromDay is a send day
  let used = offsets[0] === 0 ? Math.min(await attemptsOnDay(db, campaignId, fromDay), dailyLimit) : 0;
  if (args.deferredOnly) {
    // the ready recipients keep their days: fromDay's slots they do not fill count as taken (a slot an attempt
    // freed, e.g. a send deferred back to pending, stays empty), so they occupy the slots right after `used`
    const [{ n }] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
      SELECT count(*) AS n FROM campaign_recipients
      WHERE campaign_id = ${campaignId}::uuid AND stage = 'pending' AND scheduled_send_date = ${fromDay}::date
        AND (next_attempt_at IS NULL OR next_attempt_at <= ${now}::timestamptz)`);
    used = offsets[0] === 0 ? Math.max(used, dailyLimit - Number(n)) : 0;
  }
  const staged = args.stagedMarkets ?? false;
  /** the n-th send day from fromDay (0: the first), an SQL integer: n / (send days a week) weeks on, at that offset */
  const nthSendDay = (n: Prisma.Sql) =>
    Prisma.sql`(${fromDay}::date + ((${n} / ${offsets.length}::int) * 7 + (${offsets}::int[])[${n} % ${offsets.length}::int + 1])::int)`;
  const ready = args.deferredOnly ? 0 : await db.$executeRaw(Prisma.sql`
    UPDATE campaign_recipients r SET scheduled_send_date = x.d, updated_at = ${now}::timestamptz
      ${staged ? Prisma.sql`, market = coalesce(r.market, x.market)` : Prisma.empty}
    FROM (
      SELECT b.id, ${nthSendDay(Prisma.sql`b.n`)} AS d,
        ${staged ? Prisma.sql`sm.market` : Prisma.sql`NULL::text`} AS market
      FROM (
        SELECT id, ((row_number() OVER (ORDER BY scheduled_send_date NULLS LAST, created_at, id) - 1 + ${used}::int) / ${dailyLimit}::int)::int AS n
        FROM campaign_recipients
        WHERE campaign_id = ${campaignId}::uuid AND stage = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ${now}::timestamptz)
      ) b
      ${staged ? Prisma.sql`LEFT JOIN ${STAGED_MARKETS_SQL} sm ON sm.id = b.id` : Prisma.empty}
    ) x
    WHERE r.id = x.id AND (r.scheduled_send_date IS DISTINCT FROM x.d OR (r.market IS NULL AND x.market IS NOT NULL))`);
  // deferred recipients take the send slots after the ready ones, each on or after the day it becomes
  // eligible: the greedy fill of days with release times, in one statement. With slots numbered across send
  // days (fromDay's first free slot is `used`), the m-th deferred recipient in (release, created_at, id)
  // order gets slot m + max(used + ready, max over j <= m of (release_j * limit - j)), where release is the
  // index of its first allowed day; the day is that slot's. No day gets more than the limit (they went to
  // their eligible day whatever was planned there, so a day could be planned 151 of 150).
  const eligible = Prisma.sql`greatest(${fromDay}::date, (r.next_attempt_at AT TIME ZONE ${timezone})::date)`;
  const len = offsets.length;
  const dayOfSlot = (slot: Prisma.Sql) => nthSendDay(Prisma.sql`((${slot}) / ${dailyLimit}::int)`);
  const deferred = await db.$executeRaw(Prisma.sql`
    UPDATE campaign_recipients r SET scheduled_send_date = x.d, updated_at = ${now}::timestamptz
    FROM (
      SELECT id, ${dayOfSlot(Prisma.sql`m + greatest(${used}::int + (
          SELECT count(*) FROM campaign_recipients
          WHERE campaign_id = ${campaignId}::uuid AND stage = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ${now}::timestamptz)
        )::int, max(release * ${dailyLimit}::int - m) OVER (ORDER BY release, created_at, id ROWS UNBOUNDED PRECEDING))`)} AS d
      FROM (
        SELECT id, created_at, release, (row_number() OVER (ORDER BY release, created_at, id) - 1)::int AS m
        FROM (
          SELECT r.id, r.created_at,
            -- the index of the first allowed day on or after the eligible day, counted from fromDay
            ((${eligible} - ${fromDay}::date) / 7 * ${len}::int
              + (SELECT count(*) FROM unnest(${offsets}::int[]) o WHERE o < (${eligible} - ${fromDay}::date) % 7))::int AS release
          FROM campaign_recipients r
          WHERE r.campaign_id = ${campaignId}::uuid AND r.stage = 'pending' AND r.next_attempt_at > ${now}::timestamptz
        ) e
      ) b
    ) x
    WHERE r.id = x.id AND r.scheduled_send_date IS DISTINCT FROM x.d`);
  return { moved: ready + deferred };
}

/**
 * True when some pending recipient has no day or a day before `day` (it must be rolled forward). Read from
 * the schedule, not the rows (no index has the day: due-recipients.ts): recipients still to send on days
 * before `day` less those in flight, and the campaign's recipients still to send less those the schedule
 * has a day for (the counters count a recipient without a day in messages_pending only). A few index
 * probes, whatever the campaign's size; it runs for every active campaign on every run, under the lock.
 */
export async function hasStrandedRecipients(db: DbOrTx, campaignId: string, day: Day): Promise<boolean> {
  const id = Prisma.sql`${campaignId}::uuid`;
  const [row] = await db.$queryRaw<Array<{ stranded: boolean }>>(Prisma.sql`
    SELECT ${pendingUpToSql(id, day, { before: true })} > 0
        OR (SELECT messages_pending FROM marketing_campaigns WHERE id = ${id})
           + (SELECT coalesce(sum(n), 0) FROM counter_deltas WHERE campaign_id = ${id} AND status IN ${PENDING_SQL} AND scheduled_send_date IS NULL)
           - (SELECT coalesce(sum(messages_remaining), 0) FROM campaign_send_schedule WHERE campaign_id = ${id}) > 0 AS stranded`);
  return row?.stranded === true;
}

/**
 * True when `day` or a later one has more recipients planned (still to send or being sent) than the daily
 * limit (on `day`, what was sent already is not counted: such a day is rolled forward tomorrow anyway).
 * A recipient deferred at sending time (Meta's per-user cap 131049, the frequency cap) or put back by a
 * status (a retry's backoff) goes to the day it becomes eligible, whatever is planned there; the schedule
 * then shows "0/102" for a day of 100 and the completion date a day early until the overflow is packed
 * (packSchedule, deferredOnly).
 * Read from the schedule (the campaign's day rows and the counter deltas not folded yet), not the rows.
 */
export async function hasOverfilledDay(db: DbOrTx, campaignId: string, day: Day, dailyLimit: number): Promise<boolean> {
  const [row] = await db.$queryRaw<Array<{ overfilled: boolean }>>(Prisma.sql`
    SELECT EXISTS (
      SELECT 1 FROM (
        SELECT send_date AS d, messages_remaining::bigint AS n FROM campaign_send_schedule
        WHERE campaign_id = ${campaignId}::uuid AND send_date >= ${day}::date
        UNION ALL
        SELECT scheduled_send_date, n FROM counter_deltas
        WHERE campaign_id = ${campaignId}::uuid AND status IN ${PENDING_SQL} AND scheduled_send_date >= ${day}::date
      ) u GROUP BY d HAVING sum(n) > ${dailyLimit}::int
    ) AS overfilled`);
  return row?.overfilled === true;
}

/**
 * The number of send days and the last one, from the schedule (days with recipients still to send):
 * the folded schedule plus the counter deltas not folded yet (this transaction's own among them).
 */
export async function scheduleExtent(db: DbOrTx, campaignId: string): Promise<{ days: number; firstDay: Day | null; lastDay: Day | null }> {
  const [row] = await db.$queryRaw<ScheduleExtentRow[]>(scheduleExtentSql(campaignId));
  return readScheduleExtent(row);
}

export type ScheduleExtentRow = { days: bigint | number; first: string | null; last: string | null };

/** scheduleExtent's statement (one row: days, first, last), for a caller that reads it with other figures. */
export function scheduleExtentSql(campaignId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT count(*) AS days, min(d)::text AS first, max(d)::text AS last FROM (
      SELECT d FROM (
        SELECT send_date AS d, messages_remaining::bigint AS n FROM campaign_send_schedule WHERE campaign_id = ${campaignId}::uuid
        UNION ALL
        SELECT scheduled_send_date, n FROM counter_deltas
        WHERE campaign_id = ${campaignId}::uuid AND status IN ${PENDING_SQL} AND scheduled_send_date IS NOT NULL
      ) u GROUP BY d HAVING sum(n) > 0
    ) x`;
}

export function readScheduleExtent(row: ScheduleExtentRow): { days: number; firstDay: Day | null; lastDay: Day | null } {
  return { days: Number(row.days), firstDay: row.first, lastDay: row.last };
}

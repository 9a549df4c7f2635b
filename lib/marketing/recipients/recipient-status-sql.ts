/** The recipient status groups of recipient-status.ts as SQL: `status IN ${SENT_SQL}` (bound values). */
import { Prisma } from "../db";
import {
  ATTEMPTED_STATUSES, DELIVERED_STATUSES, IN_FLIGHT_STATUSES, MAYBE_SENT_STATUSES, NOT_YET_DELIVERED_STATUSES, PENDING_STATUSES,
  SEND_STARTED_STATUSES, SENT_STATUSES,
} from "./recipient-status";

/** `(…)` of a status list for `status IN ${…}` (bound values, the same list the TypeScript checks). */
function statusListSql(group: readonly string[]): Prisma.Sql {
  return Prisma.sql`(${Prisma.join(group)})`;
}

export const PENDING_SQL = statusListSql(PENDING_STATUSES);
export const SENT_SQL = statusListSql(SENT_STATUSES);
export const DELIVERED_SQL = statusListSql(DELIVERED_STATUSES);
export const NOT_YET_DELIVERED_SQL = statusListSql(NOT_YET_DELIVERED_STATUSES);
export const ATTEMPTED_SQL = statusListSql(ATTEMPTED_STATUSES);
export const IN_FLIGHT_SQL = statusListSql(IN_FLIGHT_STATUSES);
export const MAYBE_SENT_SQL = statusListSql(MAYBE_SENT_STATUSES);
export const SEND_STARTED_SQL = statusListSql(SEND_STARTED_STATUSES);

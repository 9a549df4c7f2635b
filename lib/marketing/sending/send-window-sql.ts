/** SQL fragments for send windows (pack-schedule.ts, claim-batch.ts). */
import { Prisma } from "../db";
import { allowedIsoDows, shiftToAllowed, type TSendWindow } from "./send-window";

/** SQL: the first allowed day on or after the `date` expression. */
export function nextAllowedDaySql(w: TSendWindow | null, date: Prisma.Sql): Prisma.Sql {
  if (!w || w.days.length === 7) return date;
  return Prisma.sql`(${date} + (${shiftToAllowed(w)}::int[])[extract(isodow from ${date})::int])`;
}

/** SQL: true when the `date` expression is an allowed day. */
export function isAllowedDaySql(w: TSendWindow | null, date: Prisma.Sql): Prisma.Sql {
  if (!w || w.days.length === 7) return Prisma.sql`true`;
  return Prisma.sql`(extract(isodow from ${date})::int = ANY(${allowedIsoDows(w)}::int[]))`;
}

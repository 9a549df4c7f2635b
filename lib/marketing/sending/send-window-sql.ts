/** SQL fragments for send windows (pack-schedule.ts, claim-batch.ts). */
import { Prisma } from "../db";
import { shiftToAllowed, type TSendWindow } from "./send-window";

/** SQL: the first allowed day on or after the `date` expression. */
export function nextAllowedDaySql(w: TSendWindow | null, date: Prisma.Sql): Prisma.Sql {
  if (!w || w.days.length === 7) return date;
  return Prisma.sql`(${date} + (${shiftToAllowed(w)}::int[])[extract(isodow from ${date})::int])`;
}


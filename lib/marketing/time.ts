/**
 * Calendar days in the campaign time zone (CAMPAIGN_TIMEZONE). A day is a "YYYY-MM-DD" string; Postgres
 * `date` columns travel as UTC-midnight Date objects (dayToDate / dateToDay convert).
 */
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { z } from "@/lib/zod";

export type Day = string;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: string): boolean {
  if (!DAY_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A calendar date "YYYY-MM-DD" (a real one: 2025-02-30 is refused). */
export const ZDay = z.string().refine(isDay, { message: "must be a date YYYY-MM-DD" });

/** The calendar day an instant falls on in a time zone. */
export function dayInZone(instant: Date, timeZone: string): Day {
  return format(new TZDate(instant.getTime(), timeZone), "yyyy-MM-dd");
}

export function addDays(day: Day, days: number): Day {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** A `date` column value (Prisma gives and takes UTC midnight) → "YYYY-MM-DD". */
export function dateToDay(date: Date): Day {
  return date.toISOString().slice(0, 10);
}

export function dayToDate(day: Day): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** The instant a day starts in a time zone. */
export function startOfDayInZone(day: Day, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, timeZone).getTime());
}

/**
 * Send windows: `{"start":"09:00","end":"18:00","days":["mon",…,"fri"]}` in the workspace time
 * zone (CAMPAIGN_TIMEZONE); null = any time, any day (the spec's behaviour and the default).
 *
 * The scheduler (pack-schedule.ts) puts recipients on allowed days only; the processor claims a campaign's
 * recipients only while its window is open, and once it has closed for the day, what was due rolls to the
 * next allowed day. `start` is inclusive, `end` exclusive ("24:00" = until midnight).
 * Pure (no database imports: the dashboard's client components use it); the SQL helpers are in
 * send-window-sql.ts.
 */
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { z } from "@/lib/zod";
import { addDays, dayInZone, type Day } from "../time";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const START_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_RE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export const ZSendWindow = z
  .object({
    start: z.string().regex(START_RE, "must be a time HH:MM (00:00 to 23:59)"),
    end: z.string().regex(END_RE, "must be a time HH:MM (00:01 to 24:00)"),
    days: z.array(z.enum(WEEKDAYS)).min(1, "choose at least one day").max(7),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (START_RE.test(w.start) && END_RE.test(w.end) && w.start >= w.end) ctx.addIssue({ code: "custom", path: ["end"], message: "must be after start" });
    if (new Set(w.days).size !== w.days.length) ctx.addIssue({ code: "custom", path: ["days"], message: "each day at most once" });
  });
export type TSendWindow = z.infer<typeof ZSendWindow>;

/** A stored window (jsonb) → the window, or null (any time). A malformed stored value means any time. */
export function readSendWindow(value: unknown): TSendWindow | null {
  if (value === null || value === undefined) return null;
  const parsed = ZSendWindow.safeParse(value);
  return parsed.success ? normalizeSendWindow(parsed.data) : null;
}

/** Days in week order, once each. */
export function normalizeSendWindow(w: TSendWindow): TSendWindow {
  return { start: w.start, end: w.end, days: WEEKDAYS.filter((d) => w.days.includes(d)) };
}

/** ISO day of the week of a calendar day: 1 = Monday … 7 = Sunday (as Postgres extract(isodow)). */
export function isoDow(day: Day): number {
  return ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** The ISO weekdays a window allows (all seven for null). */
export function allowedIsoDows(w: TSendWindow | null): number[] {
  return w ? WEEKDAYS.flatMap((d, i) => (w.days.includes(d) ? [i + 1] : [])) : [1, 2, 3, 4, 5, 6, 7];
}

export function isAllowedDay(w: TSendWindow | null, day: Day): boolean {
  return allowedIsoDows(w).includes(isoDow(day));
}

/** The first allowed day on or after `day`. */
export function nextAllowedDay(w: TSendWindow | null, day: Day): Day {
  for (let i = 0; i < 7; i++) if (isAllowedDay(w, addDays(day, i))) return addDays(day, i);
  return day; // unreachable: a window allows at least one day
}

/** The n-th (0-based) allowed day counting from `from` (which counts if allowed). */
export function nthAllowedDay(w: TSendWindow | null, from: Day, n: number): Day {
  const offsets = allowedOffsets(w, from);
  return addDays(from, Math.floor(n / offsets.length) * 7 + offsets[n % offsets.length]);
}

/** Offsets 0..6 from `from` of the allowed days in the week starting at `from`, ascending. */
export function allowedOffsets(w: TSendWindow | null, from: Day): number[] {
  const dows = allowedIsoDows(w);
  return [0, 1, 2, 3, 4, 5, 6].filter((i) => dows.includes(isoDow(addDays(from, i))));
}

/** For each ISO weekday 1..7 (index 0..6): days from it to the next allowed day (0 when allowed). */
export function shiftToAllowed(w: TSendWindow | null): number[] {
  const dows = allowedIsoDows(w);
  return [1, 2, 3, 4, 5, 6, 7].map((dow) => {
    for (let k = 0; k < 7; k++) if (dows.includes(((dow - 1 + k) % 7) + 1)) return k;
    return 0;
  });
}

export type WindowPhase =
  /** sending is allowed now */
  | "open"
  /** today is allowed but the window has not opened yet */
  | "before"
  /** the window has closed for today (past its end, or today is not an allowed day) */
  | "closed";

/** Where an instant falls with respect to a window, in the time zone. */
export function windowPhase(w: TSendWindow | null, instant: Date, timeZone: string): WindowPhase {
  if (!w) return "open";
  if (!isAllowedDay(w, dayInZone(instant, timeZone))) return "closed";
  const hhmm = format(new TZDate(instant.getTime(), timeZone), "HH:mm");
  if (hhmm < w.start) return "before";
  return hhmm < w.end ? "open" : "closed";
}

/** When the window closes on the day of `instant` in the time zone (null: no window, never). */
export function windowClosesAt(w: TSendWindow | null, instant: Date, timeZone: string): Date | null {
  if (!w) return null;
  const local = new TZDate(instant.getTime(), timeZone);
  const [h, m] = w.end.split(":").map(Number);
  // 24:00 is the next day's midnight (the Date arithmetic carries the hour over)
  return new Date(new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), h, m, 0, 0, timeZone).getTime());
}

/** The day from which a campaign's pending recipients may still be sent: today, or the next allowed day once today's window has closed. */
export function firstSendableDay(w: TSendWindow | null, instant: Date, timeZone: string): Day {
  const today = dayInZone(instant, timeZone);
  return nextAllowedDay(w, windowPhase(w, instant, timeZone) === "closed" ? addDays(today, 1) : today);
}

/** "Mon–Fri 09:00–18:00" */
export function describeSendWindow(w: TSendWindow | null): string {
  if (!w) return "Any time";
  const names: Record<Weekday, string> = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };
  const idx = w.days.map((d) => WEEKDAYS.indexOf(d)).sort((a, b) => a - b);
  const contiguous = idx.every((v, i) => i === 0 || v === idx[i - 1] + 1);
  const days = idx.length === 7 ? "Every day" : contiguous && idx.length > 2 ? `${names[WEEKDAYS[idx[0]]]}–${names[WEEKDAYS[idx[idx.length - 1]]]}` : idx.map((i) => names[WEEKDAYS[i]]).join(", ");
  return `${days} ${w.start}–${w.end}`;
}

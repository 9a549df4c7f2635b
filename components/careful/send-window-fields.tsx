"use client";

import { cn } from "@/components/ui/cn";
import { Field, Input } from "@/components/ui/field";

/** The API shape of a send window (lib/marketing/sending/send-window.ts validates it). */
export type SendWindowValue = { start: string; end: string; days: string[] } | null;

const DAYS = [
  ["mon", "Mon"], ["tue", "Tue"], ["wed", "Wed"], ["thu", "Thu"], ["fri", "Fri"], ["sat", "Sat"], ["sun", "Sun"],
] as const;

export const BUSINESS_HOURS: NonNullable<SendWindowValue> = { start: "09:00", end: "18:00", days: ["mon", "tue", "wed", "thu", "fri"] };

/**
 * "Any time" or a window (start, end, days) in the workspace time zone. `errors` are keyed by the field
 * path under `prefix` (e.g. send_window.end), as the server action returns them.
 */
export function SendWindowFields({ value, onChange, errors, prefix = "send_window", timezone, idPrefix = "sw" }: {
  value: SendWindowValue;
  onChange: (v: SendWindowValue) => void;
  errors: Record<string, string[] | undefined>;
  prefix?: string;
  timezone: string;
  idPrefix?: string;
}) {
  const err = (k: string) => errors[`${prefix}.${k}`];
  const own = errors[prefix];
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Send window</legend>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name={`${idPrefix}-mode`} checked={value === null} onChange={() => onChange(null)} /> Any time, any day
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name={`${idPrefix}-mode`} checked={value !== null} onChange={() => onChange(value ?? BUSINESS_HOURS)} /> Only during these hours
        </label>
      </div>
      {own ? <p className="text-xs text-red-600">{own.join(" ")}</p> : null}
      {value ? (
        <div className="space-y-3 rounded-lg border border-slate-200 p-3">
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <Field label="From" htmlFor={`${idPrefix}-start`} errors={err("start")}>
              <Input id={`${idPrefix}-start`} type="time" value={value.start} onChange={(e) => onChange({ ...value, start: e.target.value })} invalid={Boolean(err("start"))} />
            </Field>
            <Field label="Until" htmlFor={`${idPrefix}-end`} errors={err("end")} hint="Sending stops at this time.">
              <Input id={`${idPrefix}-end`} type="time" value={value.end === "24:00" ? "23:59" : value.end} onChange={(e) => onChange({ ...value, end: e.target.value })} invalid={Boolean(err("end"))} />
            </Field>
          </div>
          <div>
            <p className="mb-1 text-xs font-medium text-slate-600">Days</p>
            <div className="flex flex-wrap gap-2" role="group" aria-label="Days of the week">
              {DAYS.map(([key, label]) => {
                const on = value.days.includes(key);
                return (
                  <button
                    key={key}
                    type="button"
                    aria-pressed={on}
                    onClick={() => onChange({ ...value, days: on ? value.days.filter((d) => d !== key) : DAYS.map(([k]) => k).filter((k) => k === key || value.days.includes(k)) })}
                    className={cn("rounded-md border px-2.5 py-1 text-sm", on ? "border-brand-600 bg-brand-50 text-brand-800" : "border-slate-300 bg-white text-slate-600")}
                  >
                    {label}
                  </button>
                );
              })}
            </div>
            {err("days") ? <p className="mt-1 text-xs text-red-600">{err("days")!.join(" ")}</p> : null}
          </div>
          <p className="text-xs text-slate-500">Times are in {timezone}. Recipients are scheduled on these days only; what is due when the window closes moves to the next allowed day.</p>
        </div>
      ) : null}
    </fieldset>
  );
}

/** "Mon–Fri 09:00–18:00" */
export function describeWindow(w: SendWindowValue): string {
  if (!w) return "Any time";
  const order = DAYS.map(([k]) => k as string);
  const idx = w.days.map((d) => order.indexOf(d)).sort((a, b) => a - b);
  const label = (i: number) => DAYS[i][1];
  const contiguous = idx.every((v, i) => i === 0 || v === idx[i - 1] + 1);
  const days = idx.length === 7 ? "Every day" : contiguous && idx.length > 2 ? `${label(idx[0])}–${label(idx[idx.length - 1])}` : idx.map(label).join(", ");
  return `${days} ${w.start}–${w.end}`;
}

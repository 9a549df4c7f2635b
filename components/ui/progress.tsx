import { cn } from "./cn";

/** A progress bar; value is a percentage (0–100) or null for an operation whose length is unknown. */
export function ProgressBar({ value, label, className, tone = "brand" }: { value: number | null; label: string; className?: string; tone?: "brand" | "amber" | "red" }) {
  const pct = value === null ? null : Math.max(0, Math.min(100, value));
  const bar = tone === "brand" ? "bg-brand-500" : tone === "amber" ? "bg-amber-500" : "bg-red-500";
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct === null ? undefined : Math.round(pct)}
      className={cn("relative h-2 w-full overflow-hidden rounded-full bg-slate-100", className)}
    >
      {pct === null ? (
        <div className={cn("h-full w-full animate-pulse rounded-full opacity-60", bar)} />
      ) : (
        <div className={cn("h-full rounded-full transition-[width] duration-500", bar)} style={{ width: `${pct}%` }} />
      )}
    </div>
  );
}

import type { ReactNode } from "react";
import { cn } from "./cn";

export function StatCard({ label, value, sub, tone, className }: { label: string; value: ReactNode; sub?: ReactNode; tone?: "red" | "amber" | "green"; className?: string }) {
  return (
    <div className={cn("min-h-[104px] rounded-xl border border-slate-200 bg-white px-4 py-4 shadow-sm", className)}>
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p
        className={cn(
          "mt-1.5 text-2xl font-semibold tabular-nums tracking-tight",
          tone === "red" ? "text-red-600" : tone === "amber" ? "text-amber-700" : tone === "green" ? "text-emerald-700" : "text-slate-900",
        )}
      >
        {value}
      </p>
      {sub ? <p className="mt-1 text-xs text-slate-500">{sub}</p> : null}
    </div>
  );
}

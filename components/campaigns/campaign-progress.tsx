import { ProgressBar } from "@/components/ui/progress";
import { formatInt } from "@/components/ui/format";

/** "(total − pending) of total" with a bar: what the list, overview and detail pages show. */
export function CampaignProgress({ total, pending, compact }: { total: number; pending: number; compact?: boolean }) {
  const done = total - pending;
  const pct = total > 0 ? (100 * done) / total : 0;
  return (
    <div className={compact ? "min-w-32" : "min-w-40"}>
      <div className="mb-1 flex items-baseline justify-between gap-2 text-xs tabular-nums text-slate-500">
        <span>
          <span className="font-medium text-slate-700">{formatInt(done)}</span> / {formatInt(total)}
        </span>
        <span>{total > 0 ? `${pct.toFixed(pct > 0 && pct < 1 ? 1 : 0)}%` : "—"}</span>
      </div>
      <ProgressBar value={pct} label={`${pct.toFixed(0)}% processed`} />
    </div>
  );
}

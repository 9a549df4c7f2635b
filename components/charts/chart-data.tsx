import { formatShortDay } from "@/components/ui/format";

export type ChartColumn<P> = { label: string; value: (p: P) => string };

/**
 * A chart's numbers as a table, behind a "Show data" disclosure under the chart: the chart's text
 * alternative for screen readers and keyboard users, and for anyone who wants the exact figures.
 */
export function ChartData<P extends { date: string }>({ caption, rows, columns }: { caption: string; rows: P[]; columns: Array<ChartColumn<P>> }) {
  return (
    <details className="mt-2 text-sm" data-testid="chart-data">
      <summary className="inline-block cursor-pointer rounded text-xs font-medium text-slate-600 hover:text-slate-900 hover:underline">
        Show data<span className="sr-only">: {caption}</span>
      </summary>
      {rows.length === 0 ? (
        <p className="mt-2 text-xs text-slate-500">No data yet.</p>
      ) : (
        <div className="mt-2 max-h-64 overflow-auto rounded-lg border border-slate-200 focus-visible:-outline-offset-2" tabIndex={0} role="region" aria-label={`${caption}: data`}>
          <table className="w-full border-collapse text-left text-xs">
            <caption className="sr-only">{caption}</caption>
            <thead className="sticky top-0 bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">Day</th>
                {columns.map((c) => (
                  <th key={c.label} scope="col" className="px-3 py-1.5 text-right font-medium">{c.label}</th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((p) => (
                <tr key={p.date}>
                  <th scope="row" className="whitespace-nowrap px-3 py-1 font-normal text-slate-700">{formatShortDay(p.date)}</th>
                  {columns.map((c) => (
                    <td key={c.label} className="px-3 py-1 text-right tabular-nums text-slate-700">{c.value(p)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

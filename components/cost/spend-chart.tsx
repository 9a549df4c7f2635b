"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { countOf, formatShortDay } from "@/components/ui/format";
import { ChartData } from "@/components/charts/chart-data";
import { formatMoney, moneyAxis } from "./money";

export type SpendPoint = { date: string; cost: number };

/** Spend per day (bars). Fixed height, so the page does not move when it draws; a text summary for screen readers and the numbers per day under "Show data". */
export function SpendChart({ data, currency, label, height = 220 }: { data: SpendPoint[]; currency: string | null; label: string; height?: number }) {
  const total = data.reduce((s, p) => s + p.cost, 0);
  // the axis's ticks share one precision (formatMoney alone gave $0.9000 beside $1.80)
  const axis = moneyAxis(data.map((p) => p.cost));
  return (
    <div>
      <figure style={{ height }} className="w-full" aria-label={label} data-testid="spend-chart">
        <figcaption className="sr-only">
          {label}: {formatMoney(total, currency)} over {countOf(data.length, "day")}.
        </figcaption>
        <ResponsiveContainer width="100%" height="100%">
          {/* no keyboard layer: the figure's caption and the "Show data" table are the chart's text */}
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -4 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="date" tickFormatter={(d: string) => formatShortDay(d)} tick={{ fontSize: 12, fill: "#64748b" }} tickLine={false} axisLine={false} minTickGap={24} />
            <YAxis tick={{ fontSize: 12, fill: "#64748b" }} tickLine={false} axisLine={false} ticks={axis.ticks} domain={[0, axis.ticks[axis.ticks.length - 1] || 1]} tickFormatter={(v: number) => formatMoney(v, currency, axis.digits)} width={72} />
            <Tooltip labelFormatter={(d) => formatShortDay(String(d))} formatter={(v) => [formatMoney(Number(v), currency), "Spend"]} contentStyle={{ borderRadius: 8, borderColor: "#e2e8f0", fontSize: 13 }} />
            <Bar dataKey="cost" name="Spend" fill="#0ea5e9" radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <ChartData caption={label} rows={data} columns={[{ label: "Spend", value: (p: SpendPoint) => formatMoney(p.cost, currency) }]} />
    </div>
  );
}

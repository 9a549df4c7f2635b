"use client";

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatInt, formatShortDay } from "@/components/ui/format";
import { ChartData } from "./chart-data";

/** clicks / replies: a campaign's recipients who first clicked / replied that day (drawn when present) */
export type ChartPoint = { date: string; sent: number; delivered: number; read: number; failed: number; clicks?: number; replies?: number };

// every line at least WCAG's 3:1 for graphics on white, and each distinct from the others: Sent sky-600
// (4.1:1), Delivered green-600 (3.3:1), Read violet-500 (4.2:1), Failed red-500 (3.8:1), Clicked amber-600
// (3.2:1), Replied pink-600 (4.6:1)
const SERIES = [
  { key: "sent", name: "Sent", color: "#0284c7" },
  { key: "delivered", name: "Delivered", color: "#16a34a" },
  { key: "read", name: "Read", color: "#8b5cf6" },
  { key: "failed", name: "Failed", color: "#ef4444" },
] as const;
const ENGAGEMENT_SERIES = [
  { key: "clicks", name: "Clicked", color: "#d97706" },
  { key: "replies", name: "Replied", color: "#db2777" },
] as const;

/**
 * Sent / delivered / read / failed per day. The container has a fixed height, so the page does not move
 * when the chart draws; a text summary is given to screen readers, and the numbers per day in a table
 * under "Show data".
 */
export function DailyChart({ data, height = 288, label }: { data: ChartPoint[]; height?: number; label: string }) {
  const series = [...SERIES, ...ENGAGEMENT_SERIES.filter((s) => data.some((p) => p[s.key] !== undefined))];
  const totals = data.reduce((a, p) => ({ sent: a.sent + p.sent, delivered: a.delivered + p.delivered, read: a.read + p.read, failed: a.failed + p.failed }), { sent: 0, delivered: 0, read: 0, failed: 0 });
  return (
    <div>
      <figure style={{ height }} className="w-full" aria-label={label}>
        <figcaption className="sr-only">
          {label}: {formatInt(totals.sent)} sent, {formatInt(totals.delivered)} delivered, {formatInt(totals.read)} read, {formatInt(totals.failed)} failed.
        </figcaption>
        <ResponsiveContainer width="100%" height="100%">
          {/* no keyboard layer: the figure's caption and the "Show data" table are the chart's text (an unnamed focusable SVG added nothing) */}
          <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }} accessibilityLayer={false}>
            <defs>
              {series.map((s) => (
                <linearGradient key={s.key} id={`fill-${s.key}`} x1="0" y1="0" x2="0" y2="1">
                  <stop offset="0%" stopColor={s.color} stopOpacity={0.18} />
                  <stop offset="100%" stopColor={s.color} stopOpacity={0} />
                </linearGradient>
              ))}
            </defs>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="date" tickFormatter={(d: string) => formatShortDay(d)} tick={{ fontSize: 12, fill: "#64748b" }} tickLine={false} axisLine={false} minTickGap={24} />
            <YAxis tick={{ fontSize: 12, fill: "#64748b" }} tickLine={false} axisLine={false} allowDecimals={false} tickFormatter={(v: number) => formatInt(v)} width={56} />
            <Tooltip
              labelFormatter={(d) => formatShortDay(String(d))}
              formatter={(v, name) => [formatInt(Number(v)), String(name)]}
              contentStyle={{ borderRadius: 8, borderColor: "#e2e8f0", fontSize: 13 }}
            />
            {/* the swatch carries the series colour; the text is slate (the colours are 2.1–4.6:1 on white, too light for 12 px text) */}
            <Legend itemSorter={null} iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12, paddingTop: 4 }} formatter={(value) => <span className="text-slate-600">{value}</span>} />
            {series.map((s) => (
              <Area key={s.key} type="monotone" dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={2} fill={`url(#fill-${s.key})`} isAnimationActive={false} dot={false} />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </figure>
      <ChartData caption={label} rows={data} columns={series.map((s) => ({ label: s.name, value: (p: ChartPoint) => formatInt(p[s.key] ?? 0) }))} />
    </div>
  );
}

/** One result row per measurement, the printed table and the JSON file. */
import fs from "node:fs";
import path from "node:path";

export type BenchResult = {
  id: string;
  scenario: string;
  size: string;
  wallMs: number;
  rate?: { value: number; unit: string };
  p50Ms?: number;
  p99Ms?: number;
  /** peak RSS in MB per process label (bench, server, processor×4, graph, …) */
  peakRssMb: Record<string, number>;
  /** the target for this figure, for reference (never enforced) */
  target?: string;
  /** whether the figure meets the target (undefined = no target) */
  met?: boolean;
  notes?: string[];
  extra?: Record<string, unknown>;
};

const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
export const fmtMs = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? "" : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;

function memory(peaks: Record<string, number>): string {
  return Object.entries(peaks).map(([k, v]) => `${k} ${v}`).join(", ");
}

export function tableRows(results: BenchResult[]): string[][] {
  return results.map((r) => [
    r.id,
    r.scenario,
    r.size,
    fmtMs(r.wallMs),
    r.rate ? `${fmtInt(r.rate.value)} ${r.rate.unit}` : "",
    r.p50Ms !== undefined ? `${fmtMs(r.p50Ms)} / ${fmtMs(r.p99Ms)}` : "",
    memory(r.peakRssMb),
    r.target ? `${r.target}${r.met === undefined ? "" : r.met ? " ✓" : " ✗"}` : "",
  ]);
}

const HEAD = ["#", "scenario", "size", "wall", "rate", "p50 / p99", "peak RSS MB", "target"];

export function renderTable(results: BenchResult[]): string {
  const rows = [HEAD, ...tableRows(results)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const line = (r: string[]) => r.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join("  ").trimEnd();
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** The same table as Markdown (for the README). */
export function renderMarkdown(results: BenchResult[]): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  return [`| ${HEAD.join(" | ")} |`, `|${HEAD.map(() => "---").join("|")}|`, ...tableRows(results).map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

export function writeJson(file: string, data: unknown) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + "\n");
}

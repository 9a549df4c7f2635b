/**
 * Amounts of a rate card's currency (fixed locale: no hydration mismatch); small amounts keep 4 decimals.
 * `digits` fixes the decimals instead (a chart's axis, whose ticks share one precision).
 */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined, digits?: number): string {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return "—";
  const d = digits ?? (amount !== 0 && Math.abs(amount) < 1 ? 4 : 2);
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency ?? "USD", minimumFractionDigits: d, maximumFractionDigits: d }).format(amount);
  } catch {
    return `${amount.toFixed(d)} ${currency ?? ""}`.trim();
  }
}

/**
 * A money axis from 0 to the largest value: about `count` round ticks (steps of 1, 2, 2.5 or 5 × a power of
 * ten) and the one number of decimals that writes every tick exactly — 2, or up to 4 when all the values are
 * tiny (steps of $0.0025). Every tick then reads alike ($0.90, $0.95 … $1.80, never $0.9000 beside $1.80).
 */
export function moneyAxis(values: number[], count = 5): { ticks: number[]; digits: number } {
  const max = Math.max(0, ...values.filter((v) => Number.isFinite(v)));
  if (max === 0) return { ticks: [0], digits: 2 };
  const raw = max / (count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw - 1e-12) ?? 10 * power;
  const n = Math.ceil(max / step - 1e-9);
  // round each tick to 6 decimals: 0.1 × 3 is 0.30000000000000004 in floating point
  const ticks = Array.from({ length: n + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
  const exact = (d: number) => ticks.every((t) => Math.abs(Math.round(t * 10 ** d) - t * 10 ** d) < 1e-6);
  const digits = [2, 3, 4].find(exact) ?? 4;
  return { ticks, digits };
}

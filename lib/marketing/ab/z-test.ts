/** The two-proportion z-test an A/B decision reports: is x1/n1 different from x2/n2 beyond chance? */

/** |z| below this: the difference is within noise (95 %, two-sided) */
export const Z_95 = 1.96;

/** z statistic of x1/n1 against x2/n2 (pooled); 0 when a sample is empty or the pooled rate is 0 or 1 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 0;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  return se > 0 ? (x1 / n1 - x2 / n2) / se : 0;
}

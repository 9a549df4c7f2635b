/**
 * The most of `times` (ms) that fall in any one-second window (a window starting at each time): what a
 * per-second cap is judged by, in the pacer's tests, the 4-processor cap test and bench scenario 4.
 */
export function busiestSecond(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (j < t.length && t[j] < t[i] + 1000) j++;
    busiest = Math.max(busiest, j - i);
  }
  return busiest;
}

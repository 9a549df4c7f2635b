/**
 * At most `perSecond` request starts in any one-second window, spread evenly (one every 1000/N ms),
 * with no limit on how many requests are in flight, so the cap is reachable whatever the latency.
 * Timers fire late, all the more while the process is busy (a 1 ms timer often takes 2–3 ms): the
 * schedule catches up on slots missed in the last CATCH_UP_MS (a burst of at most that many ms worth
 * of starts), otherwise a busy sender would stay well below the cap. A sliding window of the last N
 * starts is the hard guarantee. One limiter per client (per process).
 */
const CATCH_UP_MS = 20;

export type RateLimiter = {
  /** resolves when the caller may start its request */
  acquire(): Promise<void>;
  readonly perSecond: number;
};

export function createRateLimiter(perSecond: number, clock: () => number = () => performance.now()): RateLimiter {
  if (!Number.isInteger(perSecond) || perSecond <= 0) throw new Error("perSecond must be a positive integer");
  const interval = 1000 / perSecond;
  const catchUp = Math.max(interval, CATCH_UP_MS);
  const recent: number[] = []; // the last `perSecond` start times, oldest first
  let nextSlot = -Infinity;
  let tail: Promise<void> = Promise.resolve();

  async function waitForTurn() {
    for (;;) {
      const now = clock();
      let earliest = nextSlot;
      if (recent.length >= perSecond) earliest = Math.max(earliest, recent[recent.length - perSecond] + 1000);
      if (now >= earliest) {
        recent.push(now);
        if (recent.length > perSecond) recent.shift();
        nextSlot = Math.max(earliest, now - catchUp) + interval;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.max(1, Math.ceil(earliest - now))));
    }
  }

  return {
    perSecond,
    acquire() {
      const turn = tail.then(waitForTurn);
      tail = turn;
      return turn;
    },
  };
}

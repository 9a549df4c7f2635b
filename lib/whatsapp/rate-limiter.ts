/**
 * At most `perSecond` request starts in any one-second window, spread evenly (one every 1000/N ms, no
 * bursts), with no limit on how many requests are in flight, so the cap is reachable whatever the
 * latency. Timers fire late now and then: the schedule catches up by at most one slot, and a sliding
 * window of the last N starts is the hard guarantee. One limiter per client (per process).
 */
export type RateLimiter = {
  /** resolves when the caller may start its request */
  acquire(): Promise<void>;
  readonly perSecond: number;
};

export function createRateLimiter(perSecond: number, clock: () => number = () => performance.now()): RateLimiter {
  if (!Number.isInteger(perSecond) || perSecond <= 0) throw new Error("perSecond must be a positive integer");
  const interval = 1000 / perSecond;
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
        nextSlot = Math.max(earliest, now - interval) + interval;
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

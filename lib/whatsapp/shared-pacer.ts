/**
 * One WHATSAPP_MAX_MPS for every process sending from the same number. The processes share one schedule
 * of evenly spaced start instants (kept by the caller's store, e.g. a database row): a process leases a
 * block of consecutive instants (BLOCK_MS worth) with one call, then starts one request at each of them.
 *
 *  - The instants are spaced for HEADROOM × the cap, and an instant missed by more than LATE_MS is never
 *    used (the next one is): every request starts within LATE_MS after its own instant, so any one-second
 *    window holds at most the cap's worth of starts (slots from a span ≤ 1000 + LATE_MS ms at the spacing
 *    1000 / (HEADROOM × cap)), whichever process started them.
 *  - The next block is leased while half of the current one is left, so the database's round trip (a
 *    durable commit) never stalls the starts; instants a process leased but never used simply pass.
 *  - A lease is nothing but instants in time: a process that dies holding one frees nothing and blocks
 *    nobody; its unused instants simply pass.
 *  - The instants are placed on this process's clock through the offset between the two clocks. The
 *    schedule reads its clock after the lease waited for its row, so each lease bounds the offset from
 *    below: (its now − when its answer arrived) is at most the true offset, short of it by the answer's
 *    way back only. The offset used is the highest such bound among the last OFFSET_SAMPLES leases of the
 *    last minute: never above the true offset, so an instant is never placed before the schedule's own (where
 *    it could fall on the block leased before it), and late by the quickest answer's way back, not by
 *    the answer that was held up (a busy database, a slow network hop, a busy event loop), which would
 *    otherwise move its whole block later, onto the instants leased after it. Not the middle of the round
 *    trip: four processes starting at once wait for the row in turn (in the bench's scenario 4 the way
 *    there took up to 106 ms at p99 and 183 ms at most, the way back 0.3–0.7 ms at p50), and a process whose
 *    only lease so far waited that long would place its block half the wait early, onto another's.
 *  - Meta's pair rate: no two requests to the same number start within PAIR_GAP_MS in this process (the
 *    campaign engine holds it across processes when it marks a batch as sending).
 */

/** the share of the cap the schedule hands out: the rest absorbs starts up to LATE_MS behind their instant
 *  and the jitter between a request's start and its arrival at WhatsApp. At 0.94, two quiet bench runs of
 *  2026-12-02 (scenario 4) each saw one second with 1,011–1,012 arrivals at a cap of 1,000 (4 processors on 2 busy
 *  cores: a request's bytes leave up to ~60 ms after its instant); at 0.92 a second holds at most
 *  (1,000 + 80) × 0.92 ≈ 994 of them. */
export const HEADROOM = 0.92;
/** a start later than this behind its instant gives the instant up */
export const LATE_MS = 20;
/** how much schedule one lease takes */
export const BLOCK_MS = 50;
/** Meta's pair rate limit (131056): about one message to the same user every 6 s */
export const PAIR_GAP_MS = 6_000;

/** what a lease answers, both read from the schedule's own clock (ms): its first instant, and its now */
export type Lease = { firstAt: number; now: number };

/** Leases `slots` consecutive start instants `intervalMs` apart from the shared schedule. */
export type LeaseSlots = (slots: number, intervalMs: number) => Promise<Lease>;

/** how many recent leases the clock offset is estimated from (the one with the shortest round trip wins) */
export const OFFSET_SAMPLES = 64;
/** a lease older than this says nothing about the clocks any more (one of them may have been stepped) */
export const OFFSET_MAX_AGE_MS = 60_000;

export type SendPacer = {
  /** resolves when a request to `to` may start */
  acquire(to?: string): Promise<void>;
  readonly perSecond: number;
  /** instants leased, used and given up (passed unused, more than LATE_MS late) so far: where the cap's share goes */
  readonly slots?: { leased: number; used: number; dropped: number };
};

export function createSharedPacer({ perSecond, lease, clock = () => performance.now(), pairGapMs = PAIR_GAP_MS }: {
  perSecond: number; lease: LeaseSlots; clock?: () => number; pairGapMs?: number;
}): SendPacer {
  if (!Number.isInteger(perSecond) || perSecond <= 0) throw new Error("perSecond must be a positive integer");
  const intervalMs = 1000 / (perSecond * HEADROOM);
  const block = Math.max(1, Math.floor(BLOCK_MS / intervalMs));
  const slots: number[] = []; // leased start instants (clock() time), oldest first
  const counts = { leased: 0, used: 0, dropped: 0 };
  const lastTo = new Map<string, number>();
  let tail: Promise<void> = Promise.resolve();

  /** the next block, leased while the current one still has half its instants left (null: none asked) */
  let ahead: Promise<void> | null = null;
  /** recent lower bounds of (the schedule's clock − this clock): each lease's now − when its answer arrived */
  const offsets: Array<{ atLeast: number; at: number }> = [];
  const leaseBlock = async () => {
    const answer = await lease(block, intervalMs);
    const receivedAt = clock();
    offsets.push({ atLeast: answer.now - receivedAt, at: receivedAt });
    while (offsets.length > OFFSET_SAMPLES || receivedAt - offsets[0].at > OFFSET_MAX_AGE_MS) offsets.shift();
    const offset = Math.max(...offsets.map((o) => o.atLeast));
    // the block where the schedule put it, on this clock, or a little after: never before (onto the block
    // leased before it); an answer that was held up leaves instants already past (given up below), never a
    // block moved later onto the next process's instants
    const first = answer.firstAt - offset;
    // leases of one process are asked one at a time and the shared schedule only moves forward: in order
    for (let i = 0; i < block; i++) slots.push(first + i * intervalMs);
    counts.leased += block;
  };

  async function nextSlot() {
    for (;;) {
      const now = clock();
      while (slots.length > 0 && slots[0] < now - LATE_MS) {
        slots.shift();
        counts.dropped++;
      }
      if (slots.length <= block / 2 && ahead === null) {
        // the next block is asked before this one runs out, so no start waits for the database's round trip
        const asked = leaseBlock();
        ahead = asked;
        asked.then(() => { ahead = null; }, () => { ahead = null; });
      }
      if (slots.length === 0) {
        const asked = ahead;
        // a lease that fails fails this acquire (nothing starts); the next acquire asks again
        if (asked) await asked;
        continue;
      }
      const at = slots[0];
      if (at > now) {
        await sleep(at - now);
        continue; // re-check lateness after the timer
      }
      slots.shift();
      counts.used++;
      return;
    }
  }

  async function pairGap(to: string | undefined) {
    if (to === undefined) return;
    const last = lastTo.get(to);
    const now = clock();
    if (last !== undefined && now - last < pairGapMs) await sleep(pairGapMs - (now - last));
    lastTo.set(to, clock());
    if (lastTo.size > 10_000) for (const [k, t] of lastTo) if (clock() - t >= pairGapMs) lastTo.delete(k);
  }

  return {
    perSecond,
    slots: counts,
    async acquire(to) {
      await pairGap(to);
      const turn = tail.then(nextSlot);
      tail = turn.catch(() => {});
      return turn;
    },
  };
}

function sleep(ms: number) {
  return new Promise<void>((r) => setTimeout(r, Math.max(1, Math.ceil(ms))));
}

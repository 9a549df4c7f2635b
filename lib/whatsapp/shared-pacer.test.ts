import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { busiestSecond } from "@/tests/support/busiest-second";
import { BLOCK_MS, createSharedPacer, HEADROOM, LATE_MS, PAIR_GAP_MS, type LeaseSlots, type SendPacer } from "./shared-pacer";

/** the shared schedule as the database keeps it: the next free instant, leased in blocks */
function memorySchedule(clock: () => number) {
  let nextAt = -Infinity;
  const leases: number[] = [];
  /** every instant handed out */
  const instants: number[] = [];
  const lease: LeaseSlots = async (slots, intervalMs) => {
    const now = clock();
    const start = Math.max(nextAt, now);
    nextAt = start + slots * intervalMs;
    leases.push(slots);
    for (let i = 0; i < slots; i++) instants.push(start + i * intervalMs);
    return { firstAt: start, now };
  };
  return { lease, leases, instants };
}

/** Each pacer's `each` acquires at once, run to the end on the fake timers: when each one started. */
async function startTimes(pacers: SendPacer[], each: number, clock: () => number): Promise<number[]> {
  const starts: number[] = [];
  const all = Promise.all(pacers.flatMap((p) => Array.from({ length: each }, async () => {
    await p.acquire();
    starts.push(clock());
  })));
  await vi.runAllTimersAsync();
  await all;
  return starts;
}

/** Starts not matched to an instant of their own (each start at or up to LATE_MS after it, each instant used once). */
function startsWithoutInstant(starts: number[], instants: number[]): number[] {
  const free = [...instants].sort((a, b) => a - b);
  return [...starts].sort((a, b) => a - b).filter((t) => {
    const i = free.findIndex((at) => at <= t && t <= at + LATE_MS);
    if (i < 0) return true;
    free.splice(i, 1);
    return false;
  });
}

describe("createSharedPacer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("four processes sharing one schedule never start more than the cap in any second, and reach it", async () => {
    const clock = () => Date.now();
    const schedule = memorySchedule(clock);
    const pacers = Array.from({ length: 4 }, () => createSharedPacer({ perSecond: 50, lease: schedule.lease, clock }));
    const t0 = clock();
    const starts = await startTimes(pacers, 100, clock);
    expect(starts).toHaveLength(400);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(50);
    // 400 starts at HEADROOM × 50 per second
    expect(Math.max(...starts) - t0).toBeLessThan((400 / (50 * HEADROOM)) * 1000 + BLOCK_MS * 4);
    // asked in blocks of BLOCK_MS worth (at least one start), not more often; each process leases at most
    // one block ahead that it never uses
    const block = Math.max(1, Math.floor((BLOCK_MS * 50 * HEADROOM) / 1000));
    expect(schedule.leases.every((n) => n === block)).toBe(true);
    expect(schedule.leases.length).toBeLessThanOrEqual(400 / block + 4);
  });

  it("the next block is leased before the current one runs out: a slow database does not slow the starts", async () => {
    const clock = () => Date.now();
    const schedule = memorySchedule(clock);
    // every lease answers 10 ms late (a durable commit on a busy database)
    const lease: LeaseSlots = async (slots, intervalMs) => {
      await new Promise((r) => setTimeout(r, 10));
      return schedule.lease(slots, intervalMs);
    };
    const pacer = createSharedPacer({ perSecond: 1000, lease, clock });
    const t0 = clock();
    const starts = await startTimes([pacer], Math.floor(1000 * HEADROOM), clock);
    // HEADROOM × 1,000 starts at HEADROOM × 1,000 a second take one second (plus the first lease), not 20 × (50 + 10) ms
    expect(Math.max(...starts) - t0).toBeLessThanOrEqual(1000 + 10 + 2);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(1000);
  });

  it("an answer held up on its way back leaves its block where the schedule put it: every start within LATE_MS after an instant of its own", async () => {
    const clock = () => Date.now();
    const schedule = memorySchedule(clock);
    let asked = 0;
    // the third lease's answer comes back 300 ms after the schedule gave it (a busy database or network)
    const lease: LeaseSlots = async (slots, intervalMs) => {
      const answer = await schedule.lease(slots, intervalMs);
      if (++asked === 3) await new Promise((r) => setTimeout(r, 300));
      return answer;
    };
    const pacer = createSharedPacer({ perSecond: 50, lease, clock });
    const starts = await startTimes([pacer], 30, clock);
    // each start is matched to an instant of the schedule it may use (at or up to LATE_MS after it), each
    // instant used once: a block moved 300 ms later would start on instants leased after it
    const unmatched = startsWithoutInstant(starts, schedule.instants);
    expect(unmatched).toEqual([]);
    // the held block's instants had passed when its answer came: given up, not used late
    expect(pacer.slots!.dropped).toBeGreaterThan(0);
  });

  it("a lease that waited for the schedule's row is not placed early: every start at or up to LATE_MS after an instant of its own", async () => {
    const clock = () => Date.now();
    const schedule = memorySchedule(clock);
    // processes starting at once queue for the schedule's row: each of this process's leases waits 100 ms
    // before the schedule reads its clock (and leases), then answers at once
    const lease: LeaseSlots = async (slots, intervalMs) => {
      await new Promise((r) => setTimeout(r, 100));
      return schedule.lease(slots, intervalMs);
    };
    const pacer = createSharedPacer({ perSecond: 50, lease, clock });
    const starts = await startTimes([pacer], 30, clock);
    // the middle of the round trip would put each block 50 ms before the schedule's instants: onto the
    // block another process leased just before
    const unmatched = startsWithoutInstant(starts, schedule.instants);
    expect(starts).toHaveLength(30);
    expect(unmatched).toEqual([]);
  });

  it("a block leased by a process that died delays the others by at most its span", async () => {
    const clock = () => Date.now();
    const schedule = memorySchedule(clock);
    await schedule.lease(50, 20); // one second, never used
    const pacer = createSharedPacer({ perSecond: 50, lease: schedule.lease, clock });
    const t0 = clock();
    const started = pacer.acquire().then(() => clock());
    await vi.runAllTimersAsync();
    expect((await started) - t0).toBeLessThanOrEqual(1000);
  });

  it("two requests to one number start at least the pair gap apart", async () => {
    const clock = () => Date.now();
    const pacer = createSharedPacer({ perSecond: 50, lease: memorySchedule(clock).lease, clock });
    const times: number[] = [];
    const both = Promise.all([pacer.acquire("15550001111").then(() => times.push(clock())), pacer.acquire("15550001111").then(() => times.push(clock()))]);
    await vi.runAllTimersAsync();
    await both;
    expect(Math.abs(times[1] - times[0])).toBeGreaterThanOrEqual(PAIR_GAP_MS);
  });

  it("a failing lease fails the acquire (nothing starts) and the next acquire tries again", async () => {
    const clock = () => Date.now();
    let fail = true;
    const lease: LeaseSlots = async () => {
      if (fail) throw new Error("database unavailable");
      return { firstAt: clock(), now: clock() };
    };
    const pacer = createSharedPacer({ perSecond: 50, lease, clock });
    await expect(pacer.acquire()).rejects.toThrow("database unavailable");
    fail = false;
    await expect(pacer.acquire()).resolves.toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { applyInboxSoon } from "./inbox-applier";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("applyInboxSoon", () => {
  it("runs one applier at a time; an ask made during a pass settles when the next pass ends, not when the whole run does", async () => {
    const passes: Array<{ start: number; end: number }> = [];
    let active = 0;
    let maxActive = 0;
    const t0 = Date.now();
    const run = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      const start = Date.now() - t0;
      await tick(40);
      passes.push({ start, end: Date.now() - t0 });
      active--;
    };
    const settled: Record<string, number> = {};
    const ask = (name: string) => applyInboxSoon(run, { gatherMs: 0 }).then(() => { settled[name] = Date.now() - t0; });

    const first = ask("first"); // pass 1
    await tick(10);
    const second = ask("second"); // asked during pass 1: applied by pass 2
    await tick(50); // pass 2 is going
    const third = ask("third"); // asked during pass 2: applied by pass 3
    await Promise.all([first, second, third]);

    expect(passes).toHaveLength(3);
    expect(maxActive).toBe(1);
    // the first ask waits for the whole run; the others only for the pass after their ask
    expect(settled.second).toBeGreaterThanOrEqual(passes[1].end);
    expect(settled.second).toBeLessThan(passes[2].end);
    expect(settled.third).toBeGreaterThanOrEqual(passes[2].end);
    expect(settled.first).toBeGreaterThanOrEqual(passes[2].end);
  });

  it("an ask waiting for a pass is settled when the run fails, and the next ask starts a new run", async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      await tick(20);
      throw new Error("database went away");
    };
    const first = applyInboxSoon(failing, { gatherMs: 0 });
    await tick(5);
    const second = applyInboxSoon(failing, { gatherMs: 0 });
    await expect(first).rejects.toThrow("database went away");
    await expect(second).resolves.toBeUndefined();
    expect(calls).toBe(1);
    let ran = false;
    await applyInboxSoon(async () => { ran = true; }, { gatherMs: 0 });
    expect(ran).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { applyInboxSoon } from "./inbox-applier";

describe("applyInboxSoon", () => {
  it("runs one applier at a time; an ask made during a pass settles when the next pass ends, not when the whole run does", async () => {
    // each pass waits until the test lets it end: no timing involved
    const gates: Array<() => void> = [];
    let active = 0;
    let maxActive = 0;
    const run = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => gates.push(resolve));
      active--;
    };
    const settled = new Set<string>();
    const ask = (name: string) => applyInboxSoon(run, { gatherMs: 0 }).then(() => { settled.add(name); });
    const passStarted = async (n: number) => {
      for (let i = 0; i < 100 && gates.length < n; i++) await new Promise((r) => setImmediate(r));
      expect(gates).toHaveLength(n);
    };
    const endPass = async (n: number) => {
      gates[n - 1]();
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    };

    const first = ask("first");
    await passStarted(1);
    const second = ask("second"); // asked during pass 1: applied by pass 2
    await endPass(1);
    await passStarted(2);
    expect([...settled]).toEqual([]);
    const third = ask("third"); // asked during pass 2: applied by pass 3
    await endPass(2);
    expect([...settled]).toEqual(["second"]); // not kept waiting for the rest of the run
    await passStarted(3);
    await endPass(3);
    await Promise.all([first, second, third]);
    expect([...settled].sort()).toEqual(["first", "second", "third"]);
    expect(gates).toHaveLength(3);
    expect(maxActive).toBe(1);
  });

  it("an ask waiting for a pass is settled when the run fails, and the next ask starts a new run", async () => {
    let calls = 0;
    let fail!: () => void;
    const failing = async () => {
      calls++;
      await new Promise<void>((resolve) => { fail = resolve; });
      throw new Error("database went away");
    };
    const first = applyInboxSoon(failing, { gatherMs: 0 });
    const second = applyInboxSoon(failing, { gatherMs: 0 }); // asked while the first pass runs
    fail();
    await expect(first).rejects.toThrow("database went away");
    await expect(second).resolves.toBeUndefined();
    expect(calls).toBe(1);
    let ran = false;
    await applyInboxSoon(async () => { ran = true; }, { gatherMs: 0 });
    expect(ran).toBe(true);
  });
});

/**
 * Property-based: random campaigns with random send windows, a random frequency cap, runs at
 * random instants (sometimes two processors at once), pauses, resumes and window changes. After every run:
 * nothing stranded, nothing scheduled on a day its window does not allow, nothing sent while its window
 * was closed, no customer over the cap, counters and schedule equal to the recipients.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cloudClient, seedCustomers, setupEngineTest, type EngineTest } from "../engine/support";
import { updateSendingSettings } from "@/lib/marketing/sending/sending-settings";
import { applyCarefulOp, arbCap, arbCarefulOp, carefulViolations, type CarefulWorld } from "../support/careful";

vi.mock("server-only", () => ({}));

const TZ = "America/New_York";
const POOL = 8;
let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest({ poolMax: 12 });
});
afterAll(async () => e?.stop());

let base = 14030000000;

describe("careful sending, random operations", () => {
  it("keeps windows, the cap and the schedule whatever happens", async () => {
    const runs = Number(process.env.CAREFUL_PROPERTY_RUNS ?? 12);
    let propertyRuns = 0;
    let statesChecked = 0;
    await fc.assert(
      fc.asyncProperty(arbCap, fc.array(arbCarefulOp(POOL), { minLength: 4, maxLength: 14 }), async (cap, ops) => {
        await e.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status IN ('active', 'paused', 'draft')`;
        await updateSendingSettings({ db: e.db, now: new Date(), input: { frequency_cap: cap } });
        propertyRuns++;
        const first = base;
        base += 100;
        await seedCustomers(e.db, POOL, { base: first });
        const w: CarefulWorld = {
          db: e.db, whatsapp: cloudClient(e.graph), timezone: TZ, cap,
          config: { timezone: TZ, messagingLimit: null, timeBudgetMs: 50_000, batchSize: 3 },
          phones: Array.from({ length: POOL }, (_, i) => String(first + i + 1)),
          // a Monday morning in February (EST), so windows, weekends and caps all come into play
          now: new Date("2025-02-03T12:00:00Z"), campaigns: [], log: [`cap ${JSON.stringify(cap)}`],
        };
        // always at least one campaign
        await applyCarefulOp(w, { op: "campaign", phones: [0, 1, 2, 3, 4], limit: 2, window: null, startOffset: 0, priority: 5 });
        // every sequence ends with a run, so each property run judges at least one state
        for (const op of [...ops, { op: "run", advanceMin: 1, concurrent: false } as const]) {
          const ranAt = await applyCarefulOp(w, op);
          if (!ranAt) continue;
          const v = await carefulViolations(w, ranAt);
          statesChecked++;
          if (v.length > 0) throw new Error(`${v.join("\n")}\n--- after:\n${w.log.join("\n")}`);
        }
      }),
      { numRuns: runs, endOnFailure: true },
    );
    // fc.assert throws on the first violation; these make sure the property really ran and judged states
    expect(propertyRuns).toBe(runs);
    expect(statesChecked).toBeGreaterThanOrEqual(runs);
  });
});

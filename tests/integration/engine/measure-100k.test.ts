/**
 * Measurement (not part of the default suite): ENGINE_MEASURE=1 npx vitest run --project integration tests/integration/engine/measure-100k.test.ts
 * Adds 100,000 recipients by target audience, activates them, rolls a missed day forward, and prints timings.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cloudClient, seedCustomers, setupEngineTest, type EngineTest } from "./support";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";

vi.mock("server-only", () => ({}));

let e: EngineTest;
beforeAll(async () => {
  if (process.env.ENGINE_MEASURE) e = await setupEngineTest();
});
afterAll(async () => e?.stop());

const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const r = await fn();
  console.info(`[measure] ${label}: ${Math.round(performance.now() - t0)} ms`);
  return r;
};

describe.runIf(process.env.ENGINE_MEASURE)("100,000 recipients", () => {
  it("adds by audience and activates in seconds", async () => {
    const now = new Date("2025-01-10T10:00:00Z");
    await time("seed 100,000 customers (+20,000 not matching)", async () => {
      await seedCustomers(e.db, 100_000, { tier: "premium", tags: ["fashion"], base: 15000000000 });
      await seedCustomers(e.db, 20_000, { tier: "basic", tags: ["fashion"], base: 16000000000 });
    });
    const c = await createCampaign({ db: e.db, now, input: { name: "Big", template_name: "promo", daily_send_limit: 2000, target_audience: { customer_tier: "premium", tags: ["fashion"] } } });
    const added = await time("add 100,000 recipients by target audience", () => addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, useTargetAudience: true }));
    expect(added.recipients_added).toBe(100_000);
    const act = await time("activate (schedule 100,000 over 50 days)", () => activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: "2025-01-15" }));
    expect(act.estimated_days).toBe(50);
    const wa = cloudClient(e.graph);
    const r = await time("process-daily after a missed day (roll 100,000 forward + send 2,000 over HTTP)", () =>
      runDailyProcessing({ db: e.db, now: new Date("2025-01-16T09:00:00Z"), whatsapp: wa, config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 60_000 } }));
    expect(r.messages_sent).toBe(2000);
    const again = await time("add the same audience again (100,000 conflicts)", () => addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, useTargetAudience: true }));
    expect(again.recipients_added).toBe(0);
  }, 600_000);
});

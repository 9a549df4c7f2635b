/**
 * A processor run inside a serverless function's limit: with a 10 s maxDuration and a slow WhatsApp API,
 * the run — counted from the request's start, so the time spent before it (template sync) counts too —
 * ends within the 10 s; what was claimed but never sent goes back to pending, and only requests that
 * really went out can end `unknown`. `?date=` after today is refused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, cloudClient, seedCustomers, setupEngineTest, type EngineTest } from "./support";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import type { EngineConfig } from "@/lib/marketing/engine-config";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { planTimeBudget } from "@/lib/marketing/processing/time-budget";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import * as processDaily from "@/app/api/marketing/process-daily/route";

let e: EngineTest;
const REQUEST_TIMEOUT_MS = 2_000;
const MAX_DURATION_MS = 10_000;

beforeAll(async () => {
  e = await setupEngineTest();
});
afterAll(async () => e?.stop());
beforeEach(() => e.graph.reset());

let base = 13020000000;
async function campaignOf(n: number) {
  // each test's run sees its own campaign only
  await e.db.marketingCampaign.updateMany({ where: { status: "active" }, data: { status: "cancelled" } });
  const now = new Date("2025-05-01T08:00:00Z");
  const c = await createCampaign({ db: e.db, now, input: { name: `Budget ${base}`, template_name: "promo", daily_send_limit: 10_000 } });
  await seedCustomers(e.db, n, { base });
  const phones = Array.from({ length: n }, (_, i) => String(base + i + 1));
  base += 10_000;
  await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: phones });
  await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: "2025-05-01" });
  return c.id;
}

/** one process-daily request: `beforeRun` stands for the work the route does first (template sync) */
async function request(campaignId: string, beforeRunMs: number) {
  const startedAt = performance.now();
  await new Promise((r) => setTimeout(r, beforeRunMs));
  const budget = planTimeBudget({ maxDurationMs: MAX_DURATION_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, configuredBudgetMs: 50_000 });
  const config: EngineConfig = { timezone: "UTC", messagingLimit: null, timeBudgetMs: budget.sendBudgetMs, deadlineMs: budget.deadlineMs, staleClaimMs: 600_000, concurrency: 10 };
  const result = await runDailyProcessing({
    db: e.db, now: new Date("2025-05-01T10:00:00Z"), startedAt, config,
    whatsapp: cloudClient(e.graph, { timeoutMs: REQUEST_TIMEOUT_MS }),
  });
  const elapsedMs = performance.now() - startedAt;
  const rows = await e.db.campaignRecipient.findMany({ where: { campaignId }, select: { phoneNumber: true, status: true } });
  const requested = new Set(e.graph.sends.map((s) => s.to));
  return { result, elapsedMs, rows, requested };
}

describe("a 10 s budget against a slow WhatsApp API", () => {
  it("ends in time; what never went out is pending again, never unknown", async () => {
    const id = await campaignOf(400);
    // slow, but well inside the client's timeout: on a loaded machine the fake's answer and the client's
    // event loop add to the latency, and at 1.5 s of a 2 s timeout a request sometimes timed out (unknown)
    e.graph.setLatency(REQUEST_TIMEOUT_MS / 2);
    const { result, elapsedMs, rows, requested } = await request(id, 1_000);
    expect(elapsedMs).toBeLessThan(MAX_DURATION_MS);
    expect(result).toMatchObject({ has_more: true, stopped_reason: "time_budget", unknown: 0 });
    const by = (status: string) => rows.filter((r) => (status === "sent" ? ["queued", "sent", "delivered", "read"].includes(r.status) : r.status === status));
    expect(by("unknown")).toEqual([]);
    expect(by("sending")).toEqual([]);
    expect(by("sent").length).toBe(result.messages_sent);
    expect(result.messages_sent).toBeGreaterThan(0);
    expect(by("pending").length).toBe(400 - result.messages_sent);
    // exactly the numbers WhatsApp received a request for are sent; no pending one was requested
    expect(requested.size).toBe(result.messages_sent);
    for (const r of by("pending")) expect(requested.has(r.phoneNumber)).toBe(false);
    for (const r of by("sent")) expect(requested.has(r.phoneNumber)).toBe(true);
  });

  it("requests that went out and got no answer in time are unknown — only those", async () => {
    const id = await campaignOf(200);
    e.graph.setLatency(REQUEST_TIMEOUT_MS + 1_000);
    const { result, elapsedMs, rows, requested } = await request(id, 500);
    expect(elapsedMs).toBeLessThan(MAX_DURATION_MS);
    const unknown = rows.filter((r) => r.status === "unknown");
    expect(unknown.length).toBeGreaterThan(0);
    expect(result.unknown).toBe(unknown.length);
    for (const r of unknown) expect(requested.has(r.phoneNumber)).toBe(true);
    for (const r of rows.filter((x) => x.status === "pending")) expect(requested.has(r.phoneNumber)).toBe(false);
    expect(rows.filter((r) => r.status === "sending")).toEqual([]);
    expect(unknown.length + rows.filter((r) => r.status === "pending").length).toBe(200);
  });
});

describe("the process-daily route", () => {
  it("keeps its run inside its maxDuration and refuses a date after today", async () => {
    const budget = planTimeBudget({ maxDurationMs: processDaily.maxDuration * 1000, requestTimeoutMs: 15_000, configuredBudgetMs: 50_000 });
    expect(budget.sendBudgetMs + 15_000).toBeLessThan(budget.deadlineMs);
    expect(budget.deadlineMs).toBeLessThan(processDaily.maxDuration * 1000);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const r = await call(processDaily.POST, { query: { date: tomorrow } });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: [{ path: "date", message: "must not be after today" }] });
    const today = new Date().toISOString().slice(0, 10);
    expect((await call(processDaily.POST, { query: { date: today } })).status).toBe(200);
  });
});

/**
 * Careful sending, against a real Postgres, the real Cloud API client and the fake Graph API,
 * with an injected clock: send windows (activation on allowed days only, a window closing during a run,
 * rollover), the frequency cap across overlapping campaigns and concurrent processors, 131049 deferring a
 * customer everywhere, the failure guard, quality webhooks holding and releasing sends, and alerts
 * delivered to a loopback receiver with a retry (ALERT_WEBHOOK_URL is a webhook endpoint for alert.created).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { call, checkConsistency, seedCustomers, setClock, engineSuite, strandedCount, TOKEN } from "../engine/support";
import { Prisma } from "@/lib/marketing/db";
import { createCampaign, type TCreateCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { getCampaignStats } from "@/lib/marketing/stats/get-campaign-stats";
import { deliverEvents } from "@/lib/marketing/events/deliver-events";
import { ALERT_ENDPOINT_MANAGER, alertEndpointAllowsPrivateNetwork } from "@/lib/marketing/events/alert-endpoint";
import { verifySignatureHeader } from "@/lib/marketing/events/sign-payload";
import { deleteWebhookEndpoint, updateWebhookEndpoint } from "@/lib/marketing/events/webhook-endpoints";
import { AppError } from "@/lib/marketing/errors";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { createApiToken } from "@/lib/marketing/auth/api-tokens";
import { updateSendingSettings } from "@/lib/marketing/sending/sending-settings";
import type { TSendWindow } from "@/lib/marketing/sending/send-window";
import type { EngineConfig } from "@/lib/marketing/engine-config";
import * as campaignsRoute from "@/app/api/marketing/campaigns/route";
import * as activateRoute from "@/app/api/marketing/campaigns/[campaignId]/activate/route";
import * as resumeRoute from "@/app/api/marketing/campaigns/[campaignId]/resume/route";
import * as statsRoute from "@/app/api/marketing/campaigns/[campaignId]/stats/route";
import * as healthRoute from "@/app/api/marketing/health/route";
import * as releaseRoute from "@/app/api/marketing/health/release-hold/route";
import * as alertsRoute from "@/app/api/marketing/alerts/route";
import * as alertsReadRoute from "@/app/api/marketing/alerts/read/route";
import * as sendingSettingsRoute from "@/app/api/marketing/settings/sending/route";

vi.mock("server-only", () => ({}));

// February 2025: New York is on EST (UTC−5) throughout. 2025-02-07 is a Friday.
const TZ = "America/New_York";
const WEEKDAYS_9_TO_6: TSendWindow = { start: "09:00", end: "18:00", days: ["mon", "tue", "wed", "thu", "fri"] };
const { e, wa } = await engineSuite({
  poolMax: 20,
  reset: async (e) => {
    await e.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status IN ('active', 'paused', 'draft')`;
    await e.db.$executeRaw`UPDATE settings SET frequency_cap = NULL, send_hold = false, send_hold_reason = NULL, send_hold_since = NULL, default_send_window = NULL`;
    await e.db.$executeRaw`DELETE FROM webhook_endpoints`; // each test configures ALERT_WEBHOOK_URL itself
  },
});

const config = (over: Partial<EngineConfig> = {}): EngineConfig => ({ timezone: TZ, messagingLimit: null, timeBudgetMs: 50_000, staleClaimMs: 10 * 60_000, ...over });
const run = (now: string, over: Partial<EngineConfig> = {}) => runDailyProcessing({ db: e.db, now: new Date(now), whatsapp: wa, config: config(over) });

let phoneBase = 13020000000;
/** n fresh subscribed customers */
async function customers(n: number): Promise<string[]> {
  const base = phoneBase;
  phoneBase += 1000;
  await seedCustomers(e.db, n, { base });
  return Array.from({ length: n }, (_, i) => String(base + i + 1));
}

async function campaign(phones: string[], opts: { limit?: number; start?: string; now?: string; window?: TSendWindow | null; priority?: number; extra?: Partial<TCreateCampaign> } = {}) {
  const now = new Date(opts.now ?? "2025-02-06T15:00:00Z");
  const c = await createCampaign({ db: e.db, now, input: { name: `W${phoneBase}-${Math.random()}`, template_name: "promo", daily_send_limit: opts.limit ?? 250, priority: opts.priority ?? 5,
    ...(opts.window !== undefined ? { send_window: opts.window } : {}), ...opts.extra } });
  await addRecipients({ db: e.db, now, timezone: TZ, campaignId: c.id, phoneNumbers: phones });
  const activation = opts.start ? await activateCampaign({ db: e.db, now, timezone: TZ, campaignId: c.id, startDate: opts.start }) : null;
  return { id: c.id, activation };
}

async function expectConsistent(campaignId: string) {
  const s = await checkConsistency(e.db, campaignId);
  expect(s.counters).toEqual(s.recount);
  expect(s.scheduleMismatches).toBe(0);
}

async function scheduleOf(campaignId: string) {
  const rows = await e.db.$queryRaw<Array<{ d: string; n: bigint }>>(Prisma.sql`
    SELECT scheduled_send_date::text AS d, count(*) AS n FROM campaign_recipients
    WHERE campaign_id = ${campaignId}::uuid AND status = 'pending' GROUP BY 1 ORDER BY 1`);
  return rows.map((r) => [r.d, Number(r.n)]);
}

/** every outbound marketing send per phone, oldest first */
async function sendTimes(phones: string[]) {
  const rows = await e.db.$queryRaw<Array<{ phone: string; at: Date }>>(Prisma.sql`
    SELECT phone_number AS phone, sent_at AS at FROM whatsapp_messages
    WHERE direction = 'outbound' AND phone_number = ANY(${phones}::text[]) ORDER BY sent_at`);
  const m = new Map<string, Date[]>();
  for (const r of rows) m.set(r.phone, [...(m.get(r.phone) ?? []), r.at]);
  return m;
}

/** no phone has more than max sends in any `days` × 24 h */
function maxInAnyWindow(times: Map<string, Date[]>, days: number): number {
  let worst = 0;
  for (const list of times.values()) {
    for (let i = 0; i < list.length; i++) {
      const inWindow = list.filter((t) => t.getTime() >= list[i].getTime() && t.getTime() < list[i].getTime() + days * 86_400_000).length;
      worst = Math.max(worst, inWindow);
    }
  }
  return worst;
}

describe("send windows", () => {
  it("422 with field details for bad windows; the settings' default window applies to new campaigns", async () => {
    setClock("2025-02-06T15:00:00Z");
    const bad: Array<[unknown, string]> = [
      [{ start: "9:00", end: "18:00", days: ["mon"] }, "send_window.start"],
      [{ start: "09:00", end: "25:00", days: ["mon"] }, "send_window.end"],
      [{ start: "18:00", end: "09:00", days: ["mon"] }, "send_window.end"],
      [{ start: "09:00", end: "09:00", days: ["mon"] }, "send_window.end"],
      [{ start: "09:00", end: "18:00", days: [] }, "send_window.days"],
      [{ start: "09:00", end: "18:00", days: ["monday"] }, "send_window.days.0"],
      [{ start: "09:00", end: "18:00", days: ["mon", "mon"] }, "send_window.days"],
      [{ start: "09:00", end: "18:00" }, "send_window.days"],
    ];
    for (const [w, path] of bad) {
      const res = await call(campaignsRoute.POST, { body: { name: "x", template_name: "promo", send_window: w } });
      expect(res.status, JSON.stringify(w)).toBe(422);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(w)).toContain(path);
    }
    await updateSendingSettings({ db: e.db, now: new Date(), input: { default_send_window: { start: "10:00", end: "16:30", days: ["fri", "mon"] } } });
    const withDefault = await call(campaignsRoute.POST, { body: { name: "d", template_name: "promo" } });
    expect(withDefault.status).toBe(201);
    expect(withDefault.body.send_window).toEqual({ start: "10:00", end: "16:30", days: ["mon", "fri"] });
    const anyTime = await call(campaignsRoute.POST, { body: { name: "n", template_name: "promo", send_window: null } });
    expect(anyTime.body.send_window).toBeNull();
  });

  it("settings: admins set the default window, cap and guard (422 on bad values, 403 for others)", async () => {
    setClock("2025-02-06T15:00:00Z");
    const marketer = await createApiToken({ db: e.db, name: "m2", role: "marketer", createdById: null, now: new Date() });
    const body = { default_send_window: WEEKDAYS_9_TO_6, frequency_cap: { max: 2, days: 7 }, failure_guard: { threshold_pct: 15, window: 400, min_attempts: 50 } };
    expect((await call(sendingSettingsRoute.PATCH, { method: "PATCH", body, token: marketer.token })).status).toBe(403);
    const bad = await call(sendingSettingsRoute.PATCH, { method: "PATCH", body: { frequency_cap: { max: 0, days: 7 }, failure_guard: { threshold_pct: 10, window: 100, min_attempts: 200 } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["failure_guard.min_attempts", "frequency_cap.max"]);
    const ok = await call(sendingSettingsRoute.PATCH, { method: "PATCH", body });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject(body);
    expect((await call(sendingSettingsRoute.GET)).body).toMatchObject({ ...body, send_hold: { active: false } });
    await updateSendingSettings({ db: e.db, now: new Date(), input: { failure_guard: { threshold_pct: 10, window: 500, min_attempts: 100 } } });

    // test sends: the "require a test send" switch and the team's test numbers, normalised
    const badNumbers = await call(sendingSettingsRoute.PATCH, { method: "PATCH", body: { test_phone_numbers: ["+1 415 555 0100", "not a number"] } });
    expect(badNumbers.status).toBe(422);
    expect(badNumbers.body.error.details.map((d: { path: string }) => d.path)).toEqual(["test_phone_numbers.1"]);
    const tests = await call(sendingSettingsRoute.PATCH, { method: "PATCH", body: { require_test_send: true, test_phone_numbers: ["+1 415 555 0100", "14155550100", "+44 20 7946 0958"] } });
    expect(tests.status).toBe(200);
    expect(tests.body).toMatchObject({ require_test_send: true, test_phone_numbers: ["14155550100", "442079460958"] });
    await updateSendingSettings({ db: e.db, now: new Date(), input: { require_test_send: false, test_phone_numbers: [] } });
  });

  it("activation schedules allowed days only: estimated days and completion date skip weekends", async () => {
    setClock("2025-02-06T15:00:00Z");
    const phones = await customers(10);
    const created = await call(campaignsRoute.POST, { body: { name: "weekdays", template_name: "promo", daily_send_limit: 3, send_window: WEEKDAYS_9_TO_6 } });
    await addRecipients({ db: e.db, now: new Date(), timezone: TZ, campaignId: created.body.id, phoneNumbers: phones });
    const res = await call(activateRoute.POST, { params: { campaignId: created.body.id }, query: { start_date: "2025-02-07" } });
    expect(res.status).toBe(200);
    // Fri 7 (3), Mon 10 (3), Tue 11 (3), Wed 12 (1)
    expect(res.body).toMatchObject({ estimated_days: 4, estimated_completion_date: "2025-02-12" });
    expect(await scheduleOf(created.body.id)).toEqual([["2025-02-07", 3], ["2025-02-10", 3], ["2025-02-11", 3], ["2025-02-12", 1]]);
    // a start day that is not allowed begins on the next allowed one
    const sat = await campaign(await customers(4), { limit: 3, window: WEEKDAYS_9_TO_6, start: "2025-02-08" });
    expect(sat.activation).toMatchObject({ estimated_days: 2, estimated_completion_date: "2025-02-11" });
    expect(await scheduleOf(sat.id)).toEqual([["2025-02-10", 3], ["2025-02-11", 1]]);
    await expectConsistent(created.body.id);
  });

  it("sends only inside the window; a window closing during a run stops it; what is left rolls to the next allowed day", async () => {
    const phones = await customers(8);
    const c = await campaign(phones, { limit: 10, window: WEEKDAYS_9_TO_6, start: "2025-02-07" });
    // Friday 08:30 New York: before the window
    const early = await run("2025-02-07T13:30:00Z");
    expect(early.messages_sent).toBe(0);
    expect(early.outside_window).toContain(c.id);
    // Friday 17:59:58.8, each send takes 600 ms, batches of 2 sent one at a time: the first batch's sends start
    // at :58.8 and :59.4; the second batch starts while the first one's last request is out (batches
    // overlap), its first send at ~:59.4; its second would start at ~18:00:00.0, after the close: released.
    // So at most 3 go out (fewer when the machine is busy and the run's own steps take longer: the clock
    // runs on with real time), and the rest stay due today
    e.graph.setLatency(600);
    const closing = await run("2025-02-07T22:59:58.800Z", { batchSize: 2, concurrency: 1 });
    e.graph.setLatency(0);
    const sentBeforeClose = closing.messages_sent;
    expect(sentBeforeClose).toBeLessThanOrEqual(3);
    expect(closing.outside_window).toContain(c.id);
    expect(await scheduleOf(c.id)).toEqual([["2025-02-07", 8 - sentBeforeClose]]);
    // 18:05: closed for the day → the due recipients roll to Monday; nobody is stranded
    const after = await run("2025-02-07T23:05:00Z");
    expect(after.messages_sent).toBe(0);
    expect(await scheduleOf(c.id)).toEqual([["2025-02-10", 8 - sentBeforeClose]]);
    expect(await strandedCount(e.db, "2025-02-08")).toBe(0);
    await expectConsistent(c.id);
    // the weekend sends nothing
    expect((await run("2025-02-08T17:00:00Z")).messages_sent).toBe(0);
    expect((await run("2025-02-09T17:00:00Z")).messages_sent).toBe(0);
    // Monday 09:00 sharp: the window opens
    expect((await run("2025-02-10T14:00:00Z")).messages_sent).toBe(8 - sentBeforeClose);
    const local = await e.db.$queryRaw<Array<{ t: string; dow: number }>>(Prisma.sql`
      SELECT to_char(sent_at AT TIME ZONE ${TZ}, 'HH24:MI:SS') AS t, extract(isodow from sent_at AT TIME ZONE ${TZ})::int AS dow
      FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND sent_at IS NOT NULL`);
    expect(local).toHaveLength(8);
    for (const r of local) {
      expect(r.dow).toBeLessThanOrEqual(5);
      expect(r.t >= "09:00:00" && r.t <= "18:00:01").toBe(true);
    }
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("completed");
    await expectConsistent(c.id);
  });
});

describe("frequency cap across campaigns", () => {
  it("defers (never skips) a customer over the cap in an overlapping campaign, to the first eligible allowed day, and sends later", async () => {
    await updateSendingSettings({ db: e.db, now: new Date(), input: { frequency_cap: { max: 1, days: 7 } } });
    const phones = await customers(5);
    const a = await campaign(phones, { limit: 10, start: "2025-02-07", priority: 9 });
    const b = await campaign(phones, { limit: 10, start: "2025-02-07", priority: 1, window: WEEKDAYS_9_TO_6 });
    const day1 = await run("2025-02-07T15:00:00Z");
    expect(day1).toMatchObject({ messages_sent: 5, deferred_by_frequency_cap: 5, skipped: 0 });
    const stats = await call(statsRoute.GET, { params: { campaignId: b.id } });
    expect(stats.body).toMatchObject({ pending: 5, sent: 0, skipped: 0, deferred_by_frequency_cap: 5 });
    // eligible again Fri 14 at 10:00 New York (7 × 24 h later), an allowed day
    expect(await scheduleOf(b.id)).toEqual([["2025-02-14", 5]]);
    expect((await run("2025-02-10T15:00:00Z")).messages_sent).toBe(0);
    expect((await run("2025-02-14T14:30:00Z")).messages_sent).toBe(0); // 09:30: not yet 7 days
    expect(await strandedCount(e.db, "2025-02-14")).toBe(0);
    expect((await run("2025-02-14T15:01:00Z")).messages_sent).toBe(5);
    const times = await sendTimes(phones);
    expect([...times.values()].every((t) => t.length === 2)).toBe(true);
    expect(maxInAnyWindow(times, 7)).toBe(1);
    expect((await getCampaignStats({ db: e.db, campaignId: b.id })).deferred_by_frequency_cap).toBe(0);
    await expectConsistent(a.id);
    await expectConsistent(b.id);
  });

  it("holds under concurrent processors: never over N in D days, and every deferred recipient is sent later", async () => {
    await updateSendingSettings({ db: e.db, now: new Date(), input: { frequency_cap: { max: 2, days: 7 } } });
    const phones = await customers(30);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await campaign(phones, { limit: 100, start: "2025-02-07" })).id);
    const days = ["2025-02-07", "2025-02-14", "2025-02-21"];
    for (const d of days) {
      // four processors at once, twice
      for (let k = 0; k < 2; k++) {
        const results = await Promise.all([0, 1, 2, 3].map((j) => run(`${d}T16:0${k}:0${j}Z`, { batchSize: 7 })));
        expect(results.every((r) => r.skipped === 0)).toBe(true);
      }
      const times = await sendTimes(phones);
      expect(maxInAnyWindow(times, 7)).toBeLessThanOrEqual(2);
      expect(await strandedCount(e.db, d)).toBe(0);
    }
    // 4 campaigns × 30 customers, 2 a week: all sent by the second week, none lost or skipped
    const [{ sent, other }] = await e.db.$queryRaw<Array<{ sent: bigint; other: bigint }>>(Prisma.sql`
      SELECT count(*) FILTER (WHERE status IN ('queued','sent','delivered','read')) AS sent, count(*) FILTER (WHERE status NOT IN ('queued','sent','delivered','read')) AS other
      FROM campaign_recipients WHERE campaign_id = ANY(${ids}::uuid[])`);
    expect([Number(sent), Number(other)]).toEqual([120, 0]);
    expect(e.graph.sends.length).toBe(120);
    for (const id of ids) await expectConsistent(id);
  });

  it("131049 defers the customer at least 24 h in every campaign, not only the one that hit it", async () => {
    const phones = await customers(3);
    const a = await campaign(phones, { limit: 10, start: "2025-02-07", priority: 9 });
    const b = await campaign(phones, { limit: 10, start: "2025-02-07", priority: 1 });
    e.graph.script({ to: phones[0], error: { code: 131049, title: "Not delivered to maintain healthy ecosystem engagement" }, times: 1 });
    const r = await run("2025-02-07T15:00:00Z");
    // A reaches the other two; B holds them back: Meta's pair rate (131056) wants about 6 s between two
    // messages to one customer
    expect(r).toMatchObject({ messages_sent: 2, deferred_by_meta_cap: 1 });
    // B sends them in the next run, a minute later: the pair rate counts from where each run's clock really
    // was (`now` plus the time the run took), so a run only 10 s later would still find them held back
    // whenever the first one took over ~4 s to reach them (a loaded machine)
    expect((await run("2025-02-07T15:01:00Z")).messages_sent).toBe(2);
    expect(e.graph.sends.filter((s) => s.to === phones[0])).toHaveLength(1); // B never asked WhatsApp
    for (const id of [a.id, b.id]) {
      const rec = await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: id, phoneNumber: phones[0] } });
      expect(rec).toMatchObject({ status: "pending", deferredReason: "meta_cap" });
      expect(rec.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(new Date("2025-02-08T15:00:00Z").getTime());
    }
    expect((await getCampaignStats({ db: e.db, campaignId: b.id })).deferred_by_meta_cap).toBe(1);
    expect((await run("2025-02-08T14:00:00Z")).messages_sent).toBe(0);
    // the customer is due again in both campaigns: one now, the other once the pair rate's 6 s have passed
    // (the next run, a minute later, as above)
    expect((await run("2025-02-08T15:30:00Z")).messages_sent).toBe(1);
    expect((await run("2025-02-08T15:31:00Z")).messages_sent).toBe(1);
    await expectConsistent(a.id);
    await expectConsistent(b.id);
  });
});

describe("failure guard", () => {
  it("pauses at more than 10% of the last attempts (from 100 attempts on), not at 10%; resuming needs confirmation", async () => {
    const t0 = "2025-02-06T15:00:00Z";
    const exact = await customers(100);
    const over = await customers(150);
    for (const p of [...exact.slice(0, 10), ...over.slice(0, 11)]) e.graph.script({ to: p, error: { code: 131026, title: "Message undeliverable" } });
    const a = await campaign(exact, { limit: 100, start: "2025-02-07", priority: 9 });
    // B: the first 100 (11 failing) on day 1, 50 more (added later) on day 2
    const b = await campaign(over.slice(0, 100), { limit: 100, priority: 1, now: t0 });
    await addRecipients({ db: e.db, now: new Date("2025-02-06T15:01:00Z"), timezone: TZ, campaignId: b.id, phoneNumbers: over.slice(100) });
    await activateCampaign({ db: e.db, now: new Date(t0), timezone: TZ, campaignId: b.id, startDate: "2025-02-07" });
    const r = await run("2025-02-07T15:00:00Z", { batchSize: 50 });
    expect(r.paused_campaigns.map((p) => p.campaign_id)).toEqual([b.id]);
    const ca = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: a.id } });
    expect([ca.status, ca.messagesFailed]).toEqual(["completed", 10]);
    const cb = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: b.id } });
    expect(cb).toMatchObject({ status: "paused", pausedBy: "failure_guard", messagesFailed: 11, messagesSent: 89, messagesPending: 50 });
    expect(cb.pauseReason).toBe("Paused automatically: 11% of the last 100 sends failed (131026 message undeliverable: 11)");
    const alert = await e.db.alert.findFirstOrThrow({ where: { campaignId: b.id, kind: "campaign_paused_failure_guard" } });
    expect(alert.severity).toBe("critical");
    // a paused campaign sends nothing
    expect((await run("2025-02-08T15:00:00Z")).messages_sent).toBe(0);
    setClock("2025-02-08T16:00:00Z");
    const refused = await call(resumeRoute.POST, { params: { campaignId: b.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("GUARD_CONFIRMATION_REQUIRED");
    const health = await call(healthRoute.GET);
    expect(health.body.guard_paused_campaigns.map((c: { id: string }) => c.id)).toContain(b.id);
    // a confirmation that is not true or false is refused, never read as "not confirmed"
    const unclear = await call(resumeRoute.POST, { params: { campaignId: b.id }, query: { confirm: "yes" } });
    expect(unclear.status).toBe(422);
    expect(unclear.body.error.details).toEqual([{ path: "confirm", message: "true or false" }]);
    const resumed = await call(resumeRoute.POST, { params: { campaignId: b.id }, query: { confirm: "true" } });
    expect(resumed.status).toBe(200);
    // the guard now judges only what is sent after the resume: the 50 left go out
    const next = await run("2025-02-08T16:30:00Z", { batchSize: 50 });
    expect(next).toMatchObject({ messages_sent: 50, paused_campaigns: [] });
    await expectConsistent(b.id);
  });
});

describe("account health", () => {
  const quality = (event: string, time: number, extra: Record<string, unknown> = {}) => ({
    object: "whatsapp_business_account",
    entry: [{ id: "WABA", time, changes: [{ field: "phone_number_quality_update", value: { display_phone_number: "15550001234", event, ...extra } }] }],
  });

  it("FLAGGED holds all sending until an admin releases it; a downgrade records the tier and holds; stale events are ignored", async () => {
    const phones = await customers(4);
    const c = await campaign(phones, { limit: 10, start: "2025-02-07" });
    const now = new Date("2025-02-07T14:00:00Z");
    const t = Math.floor(now.getTime() / 1000);
    await handleWebhookPayload({ db: e.db, now, payload: quality("FLAGGED", t, { current_limit: "TIER_10K" }), timezone: TZ });
    let s = await e.db.setting.findUniqueOrThrow({ where: { id: 1 } });
    expect(s).toMatchObject({ sendHold: true, qualityRating: "FLAGGED", messagingLimitTier: "TIER_10K" });
    expect(s.sendHoldReason).toContain("flagged");
    const held = await run("2025-02-07T15:00:00Z");
    expect(held).toMatchObject({ messages_sent: 0, stopped_reason: "send_hold" });
    expect(e.graph.sends).toHaveLength(0);
    expect(await strandedCount(e.db, "2025-02-07")).toBe(0);
    // a downgrade (newer) records the tier; an older UNFLAGGED arriving late changes nothing
    await handleWebhookPayload({ db: e.db, now, payload: quality("DOWNGRADE", t + 60, { current_limit: "TIER_1K", old_limit: "TIER_10K" }), timezone: TZ });
    await handleWebhookPayload({ db: e.db, now, payload: quality("UNFLAGGED", t + 30), timezone: TZ });
    s = await e.db.setting.findUniqueOrThrow({ where: { id: 1 } });
    expect(s).toMatchObject({ sendHold: true, qualityRating: "FLAGGED", messagingLimitTier: "TIER_1K" });
    setClock("2025-02-07T15:10:00Z");
    const health = await call(healthRoute.GET);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ send_hold: { active: true }, quality_rating: "FLAGGED", messaging_limit_tier: "TIER_1K", messaging_limit: 1000 });
    expect(health.body.unique_users_24h).toBeGreaterThan(0); // earlier tests sent that day
    // the hold outlives an UNFLAGGED: only an admin ends it
    await handleWebhookPayload({ db: e.db, now, payload: quality("UNFLAGGED", t + 120), timezone: TZ });
    expect((await e.db.setting.findUniqueOrThrow({ where: { id: 1 } })).sendHold).toBe(true);
    const viewer = await createApiToken({ db: e.db, name: "v", role: "viewer", createdById: null, now });
    const marketer = await createApiToken({ db: e.db, name: "m", role: "marketer", createdById: null, now });
    expect((await call(releaseRoute.POST, { token: viewer.token })).status).toBe(403);
    expect((await call(releaseRoute.POST, { token: marketer.token })).status).toBe(403);
    const released = await call(releaseRoute.POST, { token: TOKEN });
    expect(released).toMatchObject({ status: 200, body: { released: true } });
    expect((await run("2025-02-07T15:20:00Z")).messages_sent).toBe(4);
    const kinds = (await e.db.alert.findMany({ where: { createdAt: { gte: now } } })).map((a) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(["send_hold", "account_quality", "send_hold_released", "campaign_completed"]));
    await expectConsistent(c.id);
  });

  it("a policy account error from a send holds sending too", async () => {
    const phones = await customers(3);
    await campaign(phones, { limit: 10, start: "2025-02-07" });
    e.graph.script({ error: { code: 131031, title: "Business account locked", httpStatus: 403 }, times: 1 });
    const r = await run("2025-02-07T15:00:00Z", { concurrency: 1 });
    expect(r.stopped_reason).toBe("account");
    expect((await e.db.setting.findUniqueOrThrow({ where: { id: 1 } })).sendHold).toBe(true);
    expect((await run("2025-02-07T15:05:00Z")).stopped_reason).toBe("send_hold");
  });
});

describe("alerts", () => {
  it("are listed with unread first-class, marked read, and delivered to a webhook with a retry after a failure", async () => {
    const received: Array<{ body: string; signature: string | undefined }> = [];
    let failures = 1;
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (failures-- > 0) {
          res.writeHead(500).end("boom");
          return;
        }
        received.push({ body, signature: req.headers["x-wac-signature"] as string | undefined });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    // a loopback ALERT_WEBHOOK_URL may be called outside production only (or with ALERT_WEBHOOK_ALLOW_PRIVATE_NETWORK=1)
    const allow = alertEndpointAllowsPrivateNetwork({ url, production: false, explicitlyAllowed: false });
    expect(allow).toBe(true);
    expect(alertEndpointAllowsPrivateNetwork({ url, production: true, explicitlyAllowed: false })).toBe(false);
    expect(alertEndpointAllowsPrivateNetwork({ url: "http://10.0.0.5/hook", production: false, explicitlyAllowed: false })).toBe(false);
    try {
      const phones = await customers(2);
      const c = await campaign(phones, { limit: 10, start: "2025-02-07" });
      const r = await run("2025-02-07T15:00:00Z", { alertWebhookUrl: url, alertWebhookAllowPrivateNetwork: allow });
      expect(r.completed_campaigns).toEqual([c.id]);
      const alert = await e.db.alert.findFirstOrThrow({ where: { campaignId: c.id, kind: "campaign_completed" } });
      const endpoint = await e.db.webhookEndpoint.findUniqueOrThrow({ where: { managedBy: ALERT_ENDPOINT_MANAGER } });
      expect(endpoint).toMatchObject({ url, enabled: true, format: "slack", eventTypes: ["alert.created"], allowPrivateNetwork: true });
      const delivery = async () => {
        const rows = await e.db.$queryRaw<Array<{ status: string; attempts: number; last_error: string | null; next_attempt_at: Date | null }>>(Prisma.sql`
          SELECT d.status, d.attempts, d.last_error, d.next_attempt_at FROM webhook_deliveries d JOIN outbound_events ev ON ev.id = d.event_id
          WHERE d.endpoint_id = ${endpoint.id}::uuid AND ev.type = 'alert.created' AND ev.data->>'alert_id' = ${alert.id}`);
        expect(rows).toHaveLength(1);
        return rows[0];
      };
      const first = await delivery();
      expect(first).toMatchObject({ status: "pending", attempts: 1, last_error: "HTTP 500" });
      expect(first.next_attempt_at!.getTime()).toBeGreaterThan(new Date("2025-02-07T15:00:20Z").getTime());
      // not before the backoff, then delivered
      expect((await deliverEvents({ db: e.db, now: new Date("2025-02-07T15:00:10Z") })).delivered).toBe(0);
      expect((await deliverEvents({ db: e.db, now: new Date("2025-02-07T15:01:00Z") })).delivered).toBe(1);
      expect(await delivery()).toMatchObject({ status: "delivered", attempts: 2 });
      expect(received).toHaveLength(1);
      // the Slack/Teams body, as it always was, and signed like every delivery
      const posted = JSON.parse(received[0].body);
      expect(Object.keys(posted)).toEqual(["text", "severity", "kind", "campaign_id", "created_at", "details"]);
      expect(posted).toMatchObject({ kind: "campaign_completed", severity: alert.severity, campaign_id: c.id, created_at: alert.createdAt.toISOString() });
      expect(posted.text).toContain("completed: 2 sent");
      expect(verifySignatureHeader({ secret: endpoint.secret, header: received[0].signature ?? null, body: received[0].body, nowSeconds: Date.parse("2025-02-07T15:01:00Z") / 1000 })).toBe(true);
      // delivered once: nothing more to post
      expect((await deliverEvents({ db: e.db, now: new Date("2025-02-07T16:00:00Z") })).delivered).toBe(0);
      setClock("2025-02-07T16:00:00Z");
      const list = await call(alertsRoute.GET, { query: { unread: "true" } });
      expect(list.body.alerts.map((a: { id: string }) => a.id)).toContain(alert.id);
      expect((await call(alertsReadRoute.POST, { body: { ids: [alert.id] } })).body).toEqual({ marked: 1 });
      expect((await call(alertsRoute.GET, { query: { unread: "true" } })).body.alerts.map((a: { id: string }) => a.id)).not.toContain(alert.id);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("a campaign name cannot ping a Slack/Teams channel or plant a link in the delivered text", async () => {
    const received: Array<{ text: string }> = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const phones = await customers(1);
      const name = "<!channel> @here <@U024BE7LH> [win](https://evil.example) <https://evil.example|open>";
      const c = await campaign(phones, { limit: 10, start: "2025-02-07", extra: { name } });
      await run("2025-02-07T15:00:00Z", { alertWebhookUrl: url, alertWebhookAllowPrivateNetwork: true });
      const text = received.find((a) => a.text.includes("completed"))?.text ?? "";
      expect(text).toContain("completed: 1 sent");
      for (const active of [/<!channel>/, /<@U/, /(^|\s)@here\b/, /\]\(/, /<https?:/]) expect(text).not.toMatch(active);
      const stored = await e.db.alert.findFirstOrThrow({ where: { campaignId: c.id, kind: "campaign_completed" } });
      expect(stored.text).toBe(text);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("never fails a run when the receiver is down", async () => {
    const phones = await customers(1);
    await campaign(phones, { limit: 10, start: "2025-02-07" });
    const r = await run("2025-02-07T15:00:00Z", { alertWebhookUrl: "http://127.0.0.1:9/unreachable", alertWebhookAllowPrivateNetwork: true });
    expect(r.messages_sent).toBe(1);
  });

  it("ALERT_WEBHOOK_URL is one endpoint kept in step with the variable: refused when private, not editable, disabled when unset", async () => {
    const phones = await customers(2);
    await campaign(phones, { limit: 10, start: "2025-02-07" });
    // a private URL without the allowance: the endpoint exists, but every attempt is refused before any request
    await run("2025-02-07T15:00:00Z", { alertWebhookUrl: "http://127.0.0.1:9/private", alertWebhookAllowPrivateNetwork: false });
    const endpoint = await e.db.webhookEndpoint.findUniqueOrThrow({ where: { managedBy: ALERT_ENDPOINT_MANAGER } });
    expect(endpoint).toMatchObject({ url: "http://127.0.0.1:9/private", enabled: true, allowPrivateNetwork: false });
    const [refused] = await e.db.webhookDelivery.findMany({ where: { endpointId: endpoint.id }, orderBy: { id: "asc" } });
    expect(refused.lastError).toMatch(/^refused: .*loopback, link-local or private/);
    // admins see it but cannot change or delete it: the environment owns it
    const admin = { kind: "user" as const, id: "x", role: "admin" as const, actor: "user:x" };
    for (const attempt of [
      () => updateWebhookEndpoint({ db: e.db, now: new Date(), principal: admin, endpointId: endpoint.id, input: { enabled: false } }),
      () => deleteWebhookEndpoint({ db: e.db, now: new Date(), principal: admin, endpointId: endpoint.id }),
    ]) {
      await expect(attempt()).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === "CONFLICT");
    }
    // the same variable again changes nothing; unset disables the endpoint (its log stays) and alerts are no longer queued
    await run("2025-02-07T15:01:00Z", { alertWebhookUrl: "http://127.0.0.1:9/private", alertWebhookAllowPrivateNetwork: false });
    expect((await e.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).updatedAt).toEqual(endpoint.updatedAt);
    await run("2025-02-07T15:02:00Z", { alertWebhookUrl: null });
    expect(await e.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({ enabled: false });
    const events = await e.db.outboundEvent.count({ where: { type: "alert.created" } });
    await e.db.$executeRaw`INSERT INTO alerts (id, severity, kind, text, dedupe_key) VALUES (gen_random_uuid(), 'info', 'test', 'After unset', 'after-unset')`;
    expect(await e.db.outboundEvent.count({ where: { type: "alert.created" } })).toBe(events);
  });
});

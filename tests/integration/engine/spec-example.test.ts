/**
 * The spec's "Complete Step-by-Step Example", through the route handlers with an injected clock:
 * 10,000 subscribed premium "fashion" customers, 250 a day from 15 January → 40 send days, last 23 February;
 * the database after each step; a pause of two days that sends nothing; completion.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, checkConsistency, CRON, seedCustomers, setClock, setupEngineTest, strandedCount, type EngineTest } from "./support";
import { Prisma } from "@/lib/marketing/db";
import { addDays } from "@/lib/marketing/time";
import * as campaigns from "@/app/api/marketing/campaigns/route";
import * as recipients from "@/app/api/marketing/campaigns/[campaignId]/recipients/route";
import * as activate from "@/app/api/marketing/campaigns/[campaignId]/activate/route";
import * as pause from "@/app/api/marketing/campaigns/[campaignId]/pause/route";
import * as resume from "@/app/api/marketing/campaigns/[campaignId]/resume/route";
import * as stats from "@/app/api/marketing/campaigns/[campaignId]/stats/route";
import * as processDaily from "@/app/api/marketing/process-daily/route";

vi.mock("server-only", () => ({}));

let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest();
});
afterAll(async () => e?.stop());

describe("the spec's step-by-step example", () => {
  it("runs 10,000 recipients over 40 days of 250 (plus 2 paused days)", async () => {
    // customers: 10,000 match (subscribed premium + fashion); others do not
    await seedCustomers(e.db, 10_000, { tier: "premium", tags: ["fashion", "shoes"], base: 14690000000 });
    await seedCustomers(e.db, 300, { tier: "basic", tags: ["fashion"], base: 14700000000 });
    await seedCustomers(e.db, 200, { tier: "premium", tags: ["garden"], base: 14710000000 });
    await seedCustomers(e.db, 100, { tier: "premium", tags: ["fashion"], base: 14720000000 });
    await e.db.$executeRaw`UPDATE user_profiles SET subscription = 'unsubscribed' WHERE whatsapp_phone LIKE '1472%'`;

    // Step 1: create
    setClock("2025-01-10T10:00:00Z");
    const created = await call(campaigns.POST, { body: {
      name: "New Year Sale 2025", description: "50% off everything", template_name: "new_year_promo", language_code: "en_US",
      daily_send_limit: 250, priority: 5, target_audience: { customer_tier: "premium", tags: ["fashion"] } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "New Year Sale 2025", status: "draft", template_name: "new_year_promo" });
    const id: string = created.body.id;
    const p = { campaignId: id };
    let c = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
    expect([c.status, c.totalTargetCustomers, c.messagesPending]).toEqual(["draft", 0, 0]);

    // Step 2: add recipients from the target audience
    const added = await call(recipients.POST, { params: p, query: { use_target_audience: "true" } });
    expect(added.body).toMatchObject({ campaign_id: id, recipients_added: 10_000, total_recipients: 10_000, message: "Added 10000 recipients to campaign" });
    c = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
    expect([c.status, c.totalTargetCustomers, c.messagesPending]).toEqual(["draft", 10_000, 10_000]);
    expect(await e.db.campaignRecipient.count({ where: { campaignId: id, status: "pending", scheduledSendDate: null } })).toBe(10_000);

    // Step 3: activate from 15 January
    const act = await call(activate.POST, { params: p, query: { start_date: "2025-01-15" } });
    expect(act.body).toEqual({ campaign_id: id, status: "active", recipients_scheduled: 10_000, daily_limit: 250, start_date: "2025-01-15",
      estimated_days: 40, estimated_completion_date: "2025-02-23", message: "Campaign activated. Sending 250 messages/day starting 2025-01-15",
      // beyond the spec's answer: the estimate at the rate card in force (10,000 US numbers × $0.025 marketing)
      estimated_cost: 250, cost_currency: "USD", cost_uncovered_recipients: 0 });
    const schedule = await e.db.campaignSendSchedule.findMany({ where: { campaignId: id }, orderBy: { sendDate: "asc" } });
    expect(schedule).toHaveLength(40);
    expect(schedule.every((s) => s.batchSize === 250 && s.messagesRemaining === 250 && s.status === "pending" && s.batchNumber === 1)).toBe(true);
    expect(schedule[0].sendDate.toISOString().slice(0, 10)).toBe("2025-01-15");
    expect(schedule[39].sendDate.toISOString().slice(0, 10)).toBe("2025-02-23");
    c = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
    expect([c.status, c.startedAt?.toISOString()]).toEqual(["active", "2025-01-10T10:00:00.000Z"]);

    // the day before the start: nothing is due
    setClock("2025-01-14T09:00:00Z");
    expect((await call(processDaily.GET, { token: CRON, method: "GET" })).body.messages_sent).toBe(0);

    // Step 4: day 1
    setClock("2025-01-15T09:00:00Z");
    const day1 = await call(processDaily.GET, { token: CRON, method: "GET" });
    expect(day1.status).toBe(200);
    expect(day1.body).toMatchObject({ date: "2025-01-15", campaigns_processed: 1, messages_sent: 250, failed: 0, skipped: 0,
      message: "Processed 1 campaigns, sent 250 messages" });
    const sent = await e.db.campaignRecipient.findMany({ where: { campaignId: id, status: "queued" } });
    expect(sent).toHaveLength(250);
    expect(sent.every((r) => r.whatsappMessageId?.startsWith("wamid.") && r.sentAt && r.sentAt.toISOString().startsWith("2025-01-15T09:00")
      && r.scheduledSendDate?.toISOString().startsWith("2025-01-15"))).toBe(true);
    expect(await e.db.campaignRecipient.count({ where: { campaignId: id, status: "pending", scheduledSendDate: { gt: new Date("2025-01-15") } } })).toBe(9_750);
    c = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
    expect([c.messagesSent, c.messagesPending]).toEqual([250, 9_750]);
    const a1 = await e.db.campaignAnalytics.findUniqueOrThrow({ where: { campaignId_date: { campaignId: id, date: new Date("2025-01-15") } } });
    expect([a1.messagesSent, a1.messagesDelivered]).toEqual([250, 0]);
    expect(await e.db.whatsappMessage.count({ where: { campaignId: id, direction: "outbound" } })).toBe(250);
    // a second cron delivery the same day sends nothing more
    expect((await call(processDaily.POST, { token: CRON })).body.messages_sent).toBe(0);

    // Step 5 (webhooks, simulated here): 240 delivered, 180 of them read → the spec's rates
    await e.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET status = 'delivered', delivered_at = now()
      WHERE id IN (SELECT id FROM campaign_recipients WHERE campaign_id = ${id}::uuid AND status = 'queued' ORDER BY id LIMIT 240)`);
    await e.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET status = 'read', read_at = now()
      WHERE id IN (SELECT id FROM campaign_recipients WHERE campaign_id = ${id}::uuid AND status = 'delivered' ORDER BY id LIMIT 180)`);
    const s1 = await call(stats.GET, { params: p });
    expect(s1.body).toMatchObject({ campaign_id: id, campaign_name: "New Year Sale 2025", status: "active", total_target: 10_000, sent: 250,
      delivered: 240, read: 180, failed: 0, pending: 9_750, progress_percentage: 2.5, delivery_rate: 96, read_rate: 72,
      estimated_completion_date: "2025-02-23" });

    // some customers unsubscribe (STOP) and some numbers turn out undeliverable
    // spread over the remaining days (recipients go out in the order they were added: ids are time-ordered)
    const pendingPhones = (await e.db.campaignRecipient.findMany({ where: { campaignId: id, status: "pending" }, orderBy: { phoneNumber: "asc" }, select: { phoneNumber: true } }))
      .map((r) => r.phoneNumber);
    const later = pendingPhones.filter((_, i) => i % Math.floor(pendingPhones.length / 200) === 0).slice(0, 200);
    await e.db.userProfile.updateMany({ where: { whatsappPhone: { in: later.slice(0, 50) } }, data: { subscription: "unsubscribed" } });
    for (const to of later.slice(50)) e.graph.script({ to, error: { code: 131026, title: "Message undeliverable" } });

    // Steps 6–45: days 2..10, a pause over two days, then on to the end
    let day = "2025-01-15";
    const perDay: Array<[string, number]> = [["2025-01-15", 250]];
    for (let n = 2; n <= 42; n++) {
      day = addDays(day, 1);
      setClock(`${day}T09:00:00Z`);
      if (n === 11) expect((await call(pause.POST, { params: p })).body.status).toBe("paused");
      if (n === 13) expect((await call(resume.POST, { params: p })).body.status).toBe("active");
      const r = await call(processDaily.GET, { token: CRON, method: "GET" });
      expect(r.status).toBe(200);
      if (n === 11 || n === 12) expect(r.body.messages_sent).toBe(0);
      perDay.push([day, r.body.messages_sent + r.body.failed]);
      expect(await strandedCount(e.db, day)).toBe(0);
    }
    expect(perDay.filter(([, n]) => n > 250)).toEqual([]);
    expect(perDay.filter(([, n]) => n > 0)).toHaveLength(40);
    c = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
    expect(c.status).toBe("completed");
    expect(c.completedAt?.toISOString()).toMatch(/^2025-02-25T09:00/);
    expect([c.totalTargetCustomers, c.messagesSent, c.messagesFailed, c.messagesSkipped, c.messagesPending]).toEqual([10_000, 9_800, 150, 50, 0]);
    expect(await e.db.campaignAnalytics.count({ where: { campaignId: id } })).toBe(40);
    // nobody twice
    const phones = e.graph.sends.map((r) => r.to);
    expect(new Set(phones).size).toBe(phones.length);
    expect(phones.length).toBe(9_950);
    const final = await checkConsistency(e.db, id);
    expect(final.counters).toEqual(final.recount);
    expect(final.scheduleMismatches).toBe(0);
    const s2 = await call(stats.GET, { params: p });
    expect(s2.body).toMatchObject({ status: "completed", progress_percentage: 100, pending: 0, skipped: 50, failed: 150 });
  }, 300_000);
});

/**
 * The sandbox accepts sends, schedules realistic status events and delivers them through the webhook
 * handling code; two flushers never apply an event twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWhatsAppClient } from "@/lib/whatsapp/create-client";
import { flushSandbox } from "@/lib/marketing/delivery/flush-sandbox";
import { SANDBOX_FAILURES } from "@/lib/whatsapp/sandbox";
import { createTestDb, type TestDb } from "../../support/db";
import { consistency, createCampaignWithRecipients, seeded } from "./fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const quiet = { warn: () => {} };
const flushSandboxEvents = ({ db, now, limit }: { db: TestDb["db"]; now: Date; limit?: number }) =>
  flushSandbox({ db, now, limit, timezone: "UTC", log: quiet });

describe("sandbox", () => {
  it("emits sent, delivered, read, failed and STOP events that move the funnel through the webhook code", async () => {
    const start = new Date("2026-03-02T10:00:00Z");
    const client = createWhatsAppClient({ apiUrl: "https://graph.facebook.com", apiVersion: "v23.0", maxMps: 80, timeoutMs: 1000, db: t.db, now: () => start, random: seeded(7) });
    expect(client.mode).toBe("sandbox");
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 300, { status: "sending" });
    const results = await Promise.all(recipients.map((r) => client.sendTemplate({ to: r.phoneNumber, templateName: "promo", languageCode: "en_US", components: [], bizOpaqueCallbackData: r.id })));
    expect(results.every((r) => r.ok && r.wamid.startsWith("wamid.SANDBOX"))).toBe(true);
    // the engine records the sends
    const wamids = results.map((r) => (r.ok ? r.wamid : ""));
    await t.db.$executeRaw`
      UPDATE campaign_recipients r SET status = 'queued', whatsapp_message_id = x.w, claim_id = NULL, claimed_at = NULL, sent_at = ${start}
      FROM unnest(${recipients.map((r) => r.id)}::uuid[], ${wamids}::text[]) AS x(id, w) WHERE r.id = x.id`;
    const events = await t.db.sandboxEvent.count();
    expect(events).toBeGreaterThan(300);

    // a few seconds later: some are sent already, nothing is read yet
    const early = await flushSandboxEvents({ db: t.db, now: new Date(start.getTime() + 3000) });
    expect(early.delivered).toBeGreaterThan(0);
    const afterEarly = await t.db.campaignRecipient.groupBy({ by: ["status"], where: { campaignId: campaign.id }, _count: true });
    expect(afterEarly.find((g) => g.status === "sent")?._count ?? 0).toBeGreaterThan(0);
    expect(afterEarly.find((g) => g.status === "read")).toBeUndefined();

    // an hour later, two flushers at once: every event applied exactly once
    const later = new Date(start.getTime() + 3600_000);
    const [a, b] = await Promise.all([
      flushSandboxEvents({ db: t.db, now: later, limit: 200 }),
      flushSandboxEvents({ db: t.db, now: later, limit: 200 }),
    ]);
    let rest = 0;
    for (;;) {
      const r = await flushSandboxEvents({ db: t.db, now: later });
      if (r.delivered === 0) break;
      rest += r.delivered;
    }
    expect(early.delivered + a.delivered + b.delivered + rest).toBe(events);
    expect(await t.db.sandboxEvent.count()).toBe(0);

    const by = Object.fromEntries((await t.db.campaignRecipient.groupBy({ by: ["status"], where: { campaignId: campaign.id }, _count: true })).map((g) => [g.status, g._count]));
    const delivered = (by.delivered ?? 0) + (by.read ?? 0);
    expect(delivered).toBeGreaterThan(240);
    expect(by.read ?? 0).toBeGreaterThan(120);
    expect((by.failed ?? 0) + (by.pending ?? 0)).toBeGreaterThan(0);
    expect((by.failed ?? 0) + (by.pending ?? 0)).toBeLessThan(40);
    const failed = await t.db.campaignRecipient.findMany({ where: { campaignId: campaign.id, status: { in: ["failed", "pending"] } } });
    for (const f of failed) expect(SANDBOX_FAILURES.map(([code]) => code)).toContain(f.errorCode);
    const k = await consistency(t.db, campaign.id);
    expect(k.counters).toEqual(k.recount);
    expect(k.analyticsMismatches).toBe(0);

    // STOP replies (if the dice rolled any) unsubscribed their senders
    const stops = await t.db.whatsappMessage.findMany({ where: { direction: "inbound" } });
    for (const s of stops) expect((await t.db.userProfile.findUnique({ where: { whatsappPhone: s.phoneNumber! } }))!.subscription).toBe("unsubscribed");
  });
});

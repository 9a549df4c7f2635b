/**
 * A recipient deferred at sending time (Meta's per-user cap, 131049) goes to the day it becomes eligible,
 * whatever is planned there: QA pass 3 saw "Dec 7 0/102" on a campaign of 100 a day, and a completion date a
 * day early. The next processor run moves it to the first day with room, so no day stays above the limit.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { cloudClient, engineSuite } from "../engine/support";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { Prisma } from "@/lib/marketing/db";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { hasOverfilledDay, scheduleExtent } from "@/lib/marketing/recipients/pack-schedule";

const { e } = await engineSuite({ noTemplateLibrary: true });
const CAP = { code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement." };
const config = { timezone: "UTC", messagingLimit: null, timeBudgetMs: 20_000, staleClaimMs: 600_000 };

async function perDay(campaignId: string) {
  const rows = await e.db.$queryRaw<Array<{ d: string; n: bigint }>>(Prisma.sql`
    SELECT scheduled_send_date::text AS d, count(*) AS n FROM campaign_recipients
    WHERE campaign_id = ${campaignId}::uuid AND status = 'pending' GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(rows.map((r) => [r.d, Number(r.n)]));
}

describe("a recipient deferred onto a full day", () => {
  it("is moved to the next day with room by the next run; no day stays above the limit", async () => {
    const now = new Date("2026-04-01T09:00:00Z");
    const phones = Array.from({ length: 6 }, (_, i) => String(16505552001 + i));
    for (const p of phones) await e.db.userProfile.create({ data: { whatsappPhone: p } });
    const c = await createCampaign({ db: e.db, now, input: { name: "Overfill", template_name: "promo", daily_send_limit: 3 } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: phones });
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: "2026-04-01" });
    expect(await perDay(c.id)).toEqual({ "2026-04-01": 3, "2026-04-02": 3 });

    // today's first recipient is deferred a day by Meta: onto tomorrow, which is full
    e.graph.script({ to: phones[0], error: { ...CAP, httpStatus: 400 } });
    await runDailyProcessing({ db: e.db, now, whatsapp: cloudClient(e.graph), config });
    expect(await perDay(c.id)).toEqual({ "2026-04-02": 4 });
    expect(await hasOverfilledDay(e.db, c.id, "2026-04-01", 3)).toBe(true);

    // the next run (the cron's next call) packs it after tomorrow's three
    const r = await runDailyProcessing({ db: e.db, now: new Date("2026-04-01T09:05:00Z"), whatsapp: cloudClient(e.graph), config });
    expect(r.messages_sent).toBe(0);
    expect(await perDay(c.id)).toEqual({ "2026-04-02": 3, "2026-04-03": 1 });
    expect(await hasOverfilledDay(e.db, c.id, "2026-04-01", 3)).toBe(false);
    expect((await scheduleExtent(e.db, c.id)).lastDay).toBe("2026-04-03");
    const deferred = await e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c.id, phoneNumber: phones[0] } });
    expect(deferred).toMatchObject({ status: "pending", deferredReason: "meta_cap" });
    expect(deferred.scheduledSendDate?.toISOString().slice(0, 10)).toBe("2026-04-03");
  });

  it("a day overfilled by anything else gets the whole schedule packed again", async () => {
    const now = new Date("2026-04-01T09:00:00Z");
    const phones = Array.from({ length: 7 }, (_, i) => String(16505553001 + i));
    const c = await createCampaign({ db: e.db, now, input: { name: "Overfill ready", template_name: "promo", daily_send_limit: 3 } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: phones });
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: "2026-04-02" });
    // not a deferral: four ready recipients planned on one day (a schedule written by an older version, say)
    await e.db.$executeRaw`UPDATE campaign_recipients SET scheduled_send_date = '2026-04-02' WHERE campaign_id = ${c.id}::uuid AND phone_number = ${phones[3]}`;
    expect(await perDay(c.id)).toEqual({ "2026-04-02": 4, "2026-04-03": 2, "2026-04-04": 1 });
    await runDailyProcessing({ db: e.db, now, whatsapp: cloudClient(e.graph), config });
    expect(await perDay(c.id)).toEqual({ "2026-04-02": 3, "2026-04-03": 3, "2026-04-04": 1 });
  });
});

/**
 * Every processor run asks each active campaign, under its lock, whether a pending recipient has no day or
 * a day already past (hasStrandedRecipients). The answer must be right, and it must read no recipient row
 * but the campaign's claims in flight however large the campaign: it asks the schedule (no index has the
 * day, so that scheduling is HOT), not the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/marketing/db";
import { hasStrandedRecipients } from "@/lib/marketing/recipients/pack-schedule";
import { createTestDb, type TestDb } from "../../support/db";
import { querySpy } from "../../support/query-spy";
import { createCampaignWithRecipients } from "../whatsapp/fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const TODAY = "2026-03-10";

describe("hasStrandedRecipients", () => {
  it("answers from the schedule, not the rows, and says which campaigns have pending recipients without a day or with a past day", async () => {
    // other campaigns: many pending recipients due today and earlier (what a busy run looks like)
    for (let i = 0; i < 3; i++) await createCampaignWithRecipients(t.db, 4000, { status: "pending", sentOn: i === 0 ? "2026-03-01" : TODAY, phonePrefix: 15554000000, customers: false });
    // a large campaign scheduled on later days only
    const { campaign: ahead } = await createCampaignWithRecipients(t.db, 30_000, { status: "pending", sentOn: "2026-03-11", phonePrefix: 15559000000, customers: false });
    await t.db.$executeRaw(Prisma.sql`
      UPDATE campaign_recipients SET scheduled_send_date = date '2026-03-11' + (right(phone_number, 4)::int % 90)
      WHERE campaign_id = ${ahead.id}::uuid`);
    await t.db.$executeRawUnsafe("ANALYZE campaign_recipients");

    const { db: spy, plans } = querySpy(t.db, { explain: true });
    expect(await hasStrandedRecipients(spy, ahead.id, TODAY)).toBe(false);
    expect(plans).toHaveLength(1);
    expect(plans[0]).not.toMatch(/Seq Scan/);
    // the only recipient rows read are the campaign's claims in flight (by campaign and stage)
    expect(plans[0].match(/on campaign_recipients /g)).toHaveLength(1);
    expect(plans[0]).toMatch(/Index Scan using campaign_recipients_campaign_stage_id_idx on campaign_recipients /);

    // a day already past, or no day at all, among the pending: stranded
    const { campaign: past, recipients: pastRows } = await createCampaignWithRecipients(t.db, 5, { status: "pending", sentOn: "2026-03-12", customers: false });
    expect(await hasStrandedRecipients(t.db, past.id, TODAY)).toBe(false);
    await t.db.campaignRecipient.update({ where: { id: pastRows[2].id }, data: { scheduledSendDate: new Date("2026-03-09") } });
    expect(await hasStrandedRecipients(t.db, past.id, TODAY)).toBe(true);
    const { campaign: dayless, recipients: daylessRows } = await createCampaignWithRecipients(t.db, 5, { status: "pending", sentOn: "2026-03-12", customers: false });
    await t.db.campaignRecipient.update({ where: { id: daylessRows[4].id }, data: { scheduledSendDate: null } });
    expect(await hasStrandedRecipients(t.db, dayless.id, TODAY)).toBe(true);
    // today is not past
    await t.db.campaignRecipient.update({ where: { id: daylessRows[4].id }, data: { scheduledSendDate: new Date(`${TODAY}T00:00:00Z`) } });
    expect(await hasStrandedRecipients(t.db, dayless.id, TODAY)).toBe(false);
    // only pending recipients count: a failed one with a past day or none is not stranded
    const { campaign: done, recipients: doneRows } = await createCampaignWithRecipients(t.db, 3, { status: "failed", sentOn: "2026-03-01", customers: false });
    await t.db.campaignRecipient.update({ where: { id: doneRows[0].id }, data: { scheduledSendDate: null } });
    expect(await hasStrandedRecipients(t.db, done.id, TODAY)).toBe(false);
    // a campaign without recipients
    const { campaign: empty } = await createCampaignWithRecipients(t.db, 0, { customers: false });
    expect(await hasStrandedRecipients(t.db, empty.id, TODAY)).toBe(false);
  });
});

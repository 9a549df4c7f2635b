/**
 * The campaign page's recipients table pages both ways on keyset cursors: walking forward with `after`
 * and back with `before` gives the same pages in the same order, with or without a status filter or a
 * phone prefix; the first page offers no way back and the last none forward; the backward read uses the
 * same index ranges as the forward one (no OFFSET, no sort of the campaign's rows).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchRecipients, ZRecipientsPageQuery, type TRecipientsPageQuery } from "@/lib/marketing/recipients/search-recipients";
import { Prisma } from "@/lib/marketing/db";
import { findSampleCustomer } from "@/lib/marketing/templates/template-editor-data";
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

type Page = Awaited<ReturnType<typeof searchRecipients>>;
const ids = (p: Page) => p.rows.map((r) => r.id);

/** Every page forwards from the first, then every page backwards from the last. */
async function walk(campaignId: string, base: Partial<TRecipientsPageQuery>) {
  const q = (extra: Record<string, string>) => ZRecipientsPageQuery.parse({ ...base, limit: 10, ...extra });
  const forward: Page[] = [await searchRecipients({ db: t.db, campaignId, role: "admin", query: q({}) })];
  while (forward.at(-1)!.nextCursor) forward.push(await searchRecipients({ db: t.db, campaignId, role: "admin", query: q({ after: forward.at(-1)!.nextCursor! }) }));
  const backward: Page[] = [forward.at(-1)!];
  while (backward.at(-1)!.prevCursor) backward.push(await searchRecipients({ db: t.db, campaignId, role: "admin", query: q({ before: backward.at(-1)!.prevCursor! }) }));
  return { forward, backward };
}

describe("recipients table paging", () => {
  it("walks back through the same pages it walked forward (all, a status group, a phone prefix)", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 250, { status: "pending", phonePrefix: 15551000000 });
    // a status group spread across the phone order: every third recipient failed, every seventh is sending
    await t.db.$executeRaw(Prisma.sql`
      UPDATE campaign_recipients SET
        status = CASE WHEN n % 3 = 0 THEN 'failed' WHEN n % 7 = 0 THEN 'sending' ELSE status END,
        failed_at = CASE WHEN n % 3 = 0 THEN now() END,
        claim_id = CASE WHEN n % 3 <> 0 AND n % 7 = 0 THEN gen_random_uuid() END,
        claimed_at = CASE WHEN n % 3 <> 0 AND n % 7 = 0 THEN now() END
      FROM (SELECT id AS rid, right(phone_number, 3)::int AS n FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid) x
      WHERE id = x.rid`);
    const byPhone = recipients.map((r) => r.id);

    for (const [base, expected] of [
      [{}, byPhone],
      [{ status: "pending" as const }, null],
      [{ status: "failed" as const }, null],
      [{ phone: "155510001" }, recipients.filter((r) => r.phoneNumber.startsWith("155510001")).map((r) => r.id)],
    ] as const) {
      const { forward, backward } = await walk(campaign.id, base);
      const all = forward.flatMap(ids);
      expect({ base, pages: forward.length > 2 }).toEqual({ base, pages: true });
      if (expected) expect(all).toEqual(expected);
      else {
        const rows = await t.db.campaignRecipient.findMany({ where: { campaignId: campaign.id, status: { in: base.status === "pending" ? ["pending", "sending"] : ["failed"] } }, orderBy: { id: "asc" }, select: { id: true } });
        expect(all).toEqual(rows.map((r) => r.id));
      }
      expect(new Set(all).size).toBe(all.length);
      // the same pages, met in the reverse order
      expect(backward.map(ids)).toEqual([...forward].reverse().map(ids));
      expect(forward[0].prevCursor).toBeNull();
      expect(backward.at(-1)!.prevCursor).toBeNull();
      expect(forward.at(-1)!.nextCursor).toBeNull();
      for (const p of forward.slice(0, -1)) expect(p.rows).toHaveLength(10);
      // from a page reached backwards, Next goes where it came from
      if (backward.length > 2) {
        const next = await searchRecipients({ db: t.db, campaignId: campaign.id, role: "admin", query: ZRecipientsPageQuery.parse({ ...base, limit: 10, after: backward[1].nextCursor! }) });
        expect(ids(next)).toEqual(ids(backward[0]));
      }
    }
  });

  it("going back to the top after rows left the filter shows a full first page", async () => {
    const { campaign } = await createCampaignWithRecipients(t.db, 25, { status: "pending", phonePrefix: 15552000000 });
    const q = (extra: Record<string, string>) => ZRecipientsPageQuery.parse({ status: "pending", limit: 10, ...extra });
    const first = await searchRecipients({ db: t.db, campaignId: campaign.id, role: "admin", query: q({}) });
    const second = await searchRecipients({ db: t.db, campaignId: campaign.id, role: "admin", query: q({ after: first.nextCursor! }) });
    // five of the first page are sent meanwhile: fewer than a page is left before the second
    await t.db.campaignRecipient.updateMany({ where: { id: { in: ids(first).slice(0, 5) } }, data: { status: "queued" } });
    const back = await searchRecipients({ db: t.db, campaignId: campaign.id, role: "admin", query: q({ before: second.prevCursor! }) });
    expect(ids(back)).toEqual([...ids(first).slice(5), ...ids(second).slice(0, 5)]);
    expect(back.prevCursor).toBeNull();
    expect(back.nextCursor).toBe(ids(second)[4]);
  });

  it("reads a page backwards on an index range, never skipping over the rows before it", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 2000, { status: "pending", phonePrefix: 15553000000 });
    await t.db.$executeRawUnsafe("ANALYZE campaign_recipients");
    // a cursor in the middle, in phone order and in id order
    const mid = recipients[1000];
    const midById = recipients.map((r) => r.id).sort()[1000];
    const { db: spy, plans } = querySpy(t.db, { explain: true });
    await searchRecipients({ db: spy, campaignId: campaign.id, role: "admin", query: ZRecipientsPageQuery.parse({ before: mid.id }) });
    await searchRecipients({ db: spy, campaignId: campaign.id, role: "admin", query: ZRecipientsPageQuery.parse({ status: "pending", before: midById }) });
    expect(plans).toHaveLength(2);
    // the page's rows are found by walking an index backwards from the cursor, LIMIT rows and no more
    for (const plan of plans) expect(plan).toMatch(/Limit[\s\S]*Index (Only )?Scan Backward using \w+ on campaign_recipients/);
  });

  it("reads a large campaign's page on its own index range when other campaigns hold the lower numbers", async () => {
    // the bench's shape: one campaign with most of the table, others on the same low numbers before it.
    // Walking the phone_number index would read every other campaign's row before this campaign's first
    const others: Array<Awaited<ReturnType<typeof createCampaignWithRecipients>>> = [];
    for (let i = 0; i < 4; i++) others.push(await createCampaignWithRecipients(t.db, 3000, { status: "queued", phonePrefix: 15554000000 }));
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 30_000, { status: "pending", phonePrefix: 15559000000, customers: false });
    await t.db.$executeRawUnsafe("ANALYZE campaign_recipients");
    const { db: spy, plans } = querySpy(t.db, { explain: true });
    const first = await searchRecipients({ db: spy, campaignId: campaign.id, role: "admin", query: ZRecipientsPageQuery.parse({}) });
    expect(ids(first)).toEqual(recipients.slice(0, 50).map((r) => r.id));
    const back = await searchRecipients({ db: spy, campaignId: campaign.id, role: "admin", query: ZRecipientsPageQuery.parse({ before: recipients[15_000].id }) });
    expect(ids(back)).toEqual(recipients.slice(14_950, 15_000).map((r) => r.id));
    const byStatus = await searchRecipients({ db: spy, campaignId: campaign.id, role: "admin", query: ZRecipientsPageQuery.parse({ status: "pending" }) });
    expect(ids(byStatus)).toEqual(recipients.map((r) => r.id).sort().slice(0, 50));
    expect(plans).toHaveLength(3);
    // a status group reads its (campaign_id, stage, id) ranges, never the primary key filtered for the campaign
    expect(plans.pop()).toMatch(/Limit[\s\S]*Index (Only )?Scan using campaign_recipients_campaign_stage_id_idx on campaign_recipients r/);
    for (const plan of plans) {
      expect(plan).toMatch(/Limit[\s\S]*Index Scan (Backward )?using unique_campaign_recipient on campaign_recipients r/);
      expect(plan).not.toMatch(/phone_number_idx/);
    }
    // the template editor's sample customer: the campaign's lowest number, read the same way
    plans.length = 0;
    const sample = await findSampleCustomer({ db: spy, campaignId: others[0].campaign.id });
    expect(sample?.phone_number).toBe("15554000001");
    expect(plans[0]).toMatch(/Index Scan using unique_campaign_recipient on campaign_recipients r/);
    // a phone prefix reads by the prefix's range (on either index: the planner knows how many numbers start so)
    const prefix = await searchRecipients({ db: t.db, campaignId: campaign.id, role: "admin", query: ZRecipientsPageQuery.parse({ phone: "15559029" }) });
    expect(ids(prefix)).toEqual(recipients.filter((r) => r.phoneNumber.startsWith("15559029")).slice(0, 50).map((r) => r.id));
    const shared = await searchRecipients({ db: t.db, campaignId: others[0].campaign.id, role: "admin", query: ZRecipientsPageQuery.parse({ phone: "1555400299" }) });
    expect(shared.rows.map((r) => r.phoneNumber)).toEqual(["15554002990", "15554002991", "15554002992", "15554002993", "15554002994", "15554002995", "15554002996", "15554002997", "15554002998", "15554002999"]);
    // a viewer (who sees numbers masked) finds a number only by typing it whole: a part would read them digit by digit
    const viewer = (phone: string) => searchRecipients({ db: t.db, campaignId: others[0].campaign.id, role: "viewer", query: ZRecipientsPageQuery.parse({ phone }) });
    expect((await viewer("1555400299")).rows).toEqual([]);
    expect((await viewer("+1 555 400-2995")).rows.map((r) => r.phoneNumber)).toEqual(["15554002995"]); // as pasted: spaces and dashes are not part of it
  });

  it("reads a number as the workspace writes them: a whole national number, and a trunk 0 standing for the country code", async () => {
    const { campaign } = await createCampaignWithRecipients(t.db, 20, { status: "pending", phonePrefix: 447911123400 });
    const find = async (phone: string, role: "admin" | "viewer" = "admin") =>
      (await searchRecipients({ db: t.db, campaignId: campaign.id, role, query: ZRecipientsPageQuery.parse({ phone }) })).rows.map((r) => r.phoneNumber);
    // without a default country a number written with its trunk 0 is no number anyone has
    expect(await find("07911 123405")).toEqual([]);
    await t.db.setting.update({ where: { id: 1 }, data: { defaultCountry: "GB" } });
    try {
      expect(await find("07911 123405")).toEqual(["447911123405"]);
      expect(await find("07911 123405", "viewer")).toEqual(["447911123405"]);
      expect(await find("0791112341")).toEqual(Array.from({ length: 10 }, (_, i) => `4479111234${10 + i}`));
      expect(await find("0791112341", "viewer")).toEqual([]); // a part of a number: not for a viewer
      expect(await find("+44 7911 123405")).toEqual(["447911123405"]);
      expect(await find("00447911123405")).toEqual(["447911123405"]);
      expect(await find("447911123405")).toEqual(["447911123405"]);
    } finally {
      await t.db.setting.update({ where: { id: 1 }, data: { defaultCountry: null } });
    }
  });
});

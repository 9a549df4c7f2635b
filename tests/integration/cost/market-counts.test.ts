/**
 * The per-market counts that let a large campaign's cost be estimated without recounting it, against a
 * real database: campaign_market_counts (kept by statement triggers on campaign_recipients) always equals a
 * recount of the campaign's recipients that are not skipped, per market ('' for those without one yet), through
 * inserts (with or without the customer's market), market assignment, skips and un-skips, deletes and a deleted
 * campaign; the cost estimate reads it.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { withEngineTest, type EngineTest } from "../engine/support";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { assignMarkets } from "@/lib/marketing/cost/assign-markets";
import { estimateCampaignCost } from "@/lib/marketing/cost/estimate-campaign-cost";
import { Prisma } from "@/lib/marketing/db";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";

let e: EngineTest;
withEngineTest({ poolMax: 10 }, (engine) => {
  e = engine;
});

const now = new Date("2026-03-01T10:00:00Z");

async function kept(campaignId: string) {
  const rows = await e.db.$queryRaw<Array<{ market: string; n: number }>>(Prisma.sql`
    SELECT market, recipients AS n FROM campaign_market_counts WHERE campaign_id = ${campaignId}::uuid AND recipients <> 0 ORDER BY market`);
  return rows.map((r) => [r.market, Number(r.n)]);
}
async function recount(campaignId: string) {
  const rows = await e.db.$queryRaw<Array<{ market: string; n: bigint }>>(Prisma.sql`
    SELECT coalesce(market, '') AS market, count(*) AS n FROM campaign_recipients
    WHERE campaign_id = ${campaignId}::uuid AND status <> 'skipped' GROUP BY 1 ORDER BY 1`);
  return rows.map((r) => [r.market, Number(r.n)]);
}

describe("per-market recipient counts", () => {
  it("equal a recount through inserts, market assignment, skips, un-skips and deletes; the estimate reads them", async () => {
    const c = await createCampaign({ db: e.db, now, input: { name: "Markets", template_name: "promo" } });
    const numbers = ["919876543210", "919876543211", "919876543212", "447700900123", "447700900124", "12025550123", "14165550123", "4915112345678"];
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: numbers });
    expect(await kept(c.id)).toEqual([["", numbers.length]]); // no market yet: counted under ''
    expect(await kept(c.id)).toEqual(await recount(c.id));
    const before = await estimateCampaignCost({ db: e.db, campaignId: c.id, day: "2026-03-01" }); // assigns the markets
    expect(await kept(c.id)).toEqual(await recount(c.id));
    expect(before.recipients).toBe(numbers.length);
    expect(before.markets.find((m) => m.market === "India")).toMatchObject({ recipients: 3 });
    // every recipient has its market: the count under '' says so, and the assignment looks for nothing
    expect(await assignMarkets(e.db, c.id)).toBe(0);

    // a recipient inserted with its market already set (as a copy would), and one without (added later)
    await e.db.$executeRaw`INSERT INTO campaign_recipients (id, campaign_id, phone_number, status, market, updated_at) VALUES (gen_random_uuid(), ${c.id}::uuid, '919876543299', 'pending', 'India', now())`;
    await e.db.$executeRaw`INSERT INTO campaign_recipients (id, campaign_id, phone_number, status, updated_at) VALUES (gen_random_uuid(), ${c.id}::uuid, '447700900199', 'pending', now())`;
    expect(await kept(c.id)).toEqual(await recount(c.id));
    // the estimate counts the one without a market (assigning it) as well
    const more = await estimateCampaignCost({ db: e.db, campaignId: c.id, day: "2026-03-01" });
    expect(more.recipients).toBe(numbers.length + 2);
    expect(await kept(c.id)).toEqual(await recount(c.id));

    // skips (one statement, several markets), an un-skip, other status changes, deletes
    await e.db.$executeRaw`UPDATE campaign_recipients SET status = 'skipped' WHERE campaign_id = ${c.id}::uuid AND phone_number IN ('919876543210', '447700900123', '12025550123')`;
    expect(await kept(c.id)).toEqual(await recount(c.id));
    await e.db.$executeRaw`UPDATE campaign_recipients SET status = 'pending' WHERE campaign_id = ${c.id}::uuid AND phone_number = '447700900123'`;
    await e.db.$executeRaw`UPDATE campaign_recipients SET status = 'failed', failed_at = now(), sent_on = '2026-03-01' WHERE campaign_id = ${c.id}::uuid AND phone_number = '919876543211'`;
    expect(await kept(c.id)).toEqual(await recount(c.id));
    await e.db.$executeRaw`DELETE FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND phone_number IN ('919876543212', '919876543210')`;
    expect(await kept(c.id)).toEqual(await recount(c.id));
    const after = await estimateCampaignCost({ db: e.db, campaignId: c.id, day: "2026-03-01" });
    const [{ n }] = await e.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND status <> 'skipped'`;
    expect(after.recipients).toBe(Number(n));

    // a campaign deleted with its recipients leaves no count behind
    await e.db.marketingCampaign.delete({ where: { id: c.id } });
    expect(await e.db.$queryRaw<unknown[]>`SELECT 1 FROM campaign_market_counts WHERE campaign_id = ${c.id}::uuid`).toEqual([]);
  });

  it("equal a recount for recipients inserted with their customer's market (audience and explicit numbers)", async () => {
    const phones = ["919876500001", "919876500002", "447700500001", "12025500001", "17872500001", "77012500001"];
    await upsertCustomers({ db: e.db, now, rows: phones.map((phone) => ({ phone, tags: ["counted-markets"] })) });
    const c = await createCampaign({ db: e.db, now, input: { name: "Markets copied", template_name: "promo", target_audience: { tags: ["counted-markets"] } } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, useTargetAudience: true });
    // counted by the INSERT itself: every recipient came with a market
    expect((await kept(c.id)).reduce((s, [, n]) => s + Number(n), 0)).toBe(phones.length);
    expect(await kept(c.id)).toEqual(await recount(c.id));
    expect(await kept(c.id)).toContainEqual(["India", 2]);

    // explicit numbers: customers' with their market, in the same statement as one that is no customer
    const d = await createCampaign({ db: e.db, now, input: { name: "Markets copied, explicit", template_name: "promo" } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: d.id, phoneNumbers: [...phones.slice(0, 3), "4915112340001"] });
    expect(await kept(d.id)).toEqual(await recount(d.id));
    // the three customers with their market, the number that is no customer under '' (no market yet)
    expect((await kept(d.id)).reduce((s, [, n]) => s + Number(n), 0)).toBe(4);
    expect(await kept(d.id)).toContainEqual(["", 1]);
    await assignMarkets(e.db, d.id); // the one without a market
    expect(await kept(d.id)).toEqual(await recount(d.id));
    expect(await kept(d.id)).toContainEqual(["Germany", 1]);

    await e.db.$executeRaw`UPDATE campaign_recipients SET status = 'skipped' WHERE campaign_id = ${c.id}::uuid AND phone_number IN ('919876500001', '447700500001')`;
    await e.db.$executeRaw`DELETE FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND phone_number = '17872500001'`;
    expect(await kept(c.id)).toEqual(await recount(c.id));
  });

  it("concurrent market assignment of the same recipients counts each once", async () => {
    const c = await createCampaign({ db: e.db, now, input: { name: "Markets concurrently", template_name: "promo" } });
    const phones = Array.from({ length: 3000 }, (_, i) => String(447700000000 + i));
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: phones });
    await Promise.all([assignMarkets(e.db, c.id), assignMarkets(e.db, c.id), assignMarkets(e.db, c.id)]);
    const counts = await kept(c.id);
    expect(counts.reduce((s, [, n]) => s + Number(n), 0)).toBe(3000);
    expect(counts).toEqual(await recount(c.id));
  });
});

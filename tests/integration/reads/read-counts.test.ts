/**
 * The counts that let large campaigns be read without recounting them, against a real database:
 *  - campaign_market_counts (kept by statement triggers on campaign_recipients) always equals a recount of
 *    the campaign's recipients that are not skipped, per market, through inserts, market assignment, skips
 *    and un-skips, deletes and a deleted campaign; the cost estimate reads it;
 *  - the campaign page's audience size: exact and live up to EXACT_UP_TO matches; above, the planner's
 *    estimate until a full count exists, then that count with its time; a stale count is recounted by the
 *    refresh the page runs after its answer, and only one recount of an audience runs at a time.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { seedCustomers, setupEngineTest, type EngineTest } from "../engine/support";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { assignMarkets } from "@/lib/marketing/cost/assign-markets";
import { estimateCampaignCost } from "@/lib/marketing/cost/estimate-campaign-cost";
import { audienceCountForView, audienceKey, EXACT_UP_TO, FRESH_MS, refreshAudienceCount } from "@/lib/marketing/dashboard/audience-count";
import { Prisma } from "@/lib/marketing/db";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";

let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest({ poolMax: 10 });
});
afterAll(async () => e?.stop());

const now = new Date("2026-03-01T10:00:00Z");

async function kept(campaignId: string) {
  const rows = await e.db.$queryRaw<Array<{ market: string; n: number }>>(Prisma.sql`
    SELECT market, recipients AS n FROM campaign_market_counts WHERE campaign_id = ${campaignId}::uuid AND recipients <> 0 ORDER BY market`);
  return rows.map((r) => [r.market, Number(r.n)]);
}
async function recount(campaignId: string) {
  const rows = await e.db.$queryRaw<Array<{ market: string; n: bigint }>>(Prisma.sql`
    SELECT market, count(*) AS n FROM campaign_recipients
    WHERE campaign_id = ${campaignId}::uuid AND market IS NOT NULL AND status <> 'skipped' GROUP BY market ORDER BY market`);
  return rows.map((r) => [r.market, Number(r.n)]);
}

describe("per-market recipient counts", () => {
  it("equal a recount through inserts, market assignment, skips, un-skips and deletes; the estimate reads them", async () => {
    const c = await createCampaign({ db: e.db, now, input: { name: "Markets", template_name: "promo" } });
    const numbers = ["919876543210", "919876543211", "919876543212", "447700900123", "447700900124", "12025550123", "14165550123", "4915112345678"];
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: numbers });
    expect(await kept(c.id)).toEqual([]); // no market yet
    const before = await estimateCampaignCost({ db: e.db, campaignId: c.id, day: "2026-03-01" }); // assigns the markets
    expect(await kept(c.id)).toEqual(await recount(c.id));
    expect(before.recipients).toBe(numbers.length);
    expect(before.markets.find((m) => m.market === "India")).toMatchObject({ recipients: 3 });

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

describe("audience size on the campaign page", () => {
  it("is exact and live up to the limit, then an estimate, then the last full count with its time", async () => {
    const small = { tags: ["small-audience"] };
    await seedCustomers(e.db, 25, { tags: small.tags, base: 16000000000 });
    const a = await audienceCountForView({ db: e.db, audience: small, now });
    expect(a).toEqual({ value: { kind: "exact", count: 25 }, refresh: null });

    const big = { tags: ["big-audience"], city: "Lyon" };
    await seedCustomers(e.db, EXACT_UP_TO + 40, { tags: big.tags, city: "Lyon", base: 17000000000 });
    await e.db.$executeRawUnsafe("ANALYZE user_profiles");
    const first = await audienceCountForView({ db: e.db, audience: big, now });
    expect(first.value.kind).toBe("estimated");
    expect(first.value.count).toBeGreaterThan(EXACT_UP_TO);
    expect(first.refresh).not.toBeNull();
    await first.refresh!();

    const second = await audienceCountForView({ db: e.db, audience: { city: "lyon", tags: ["big-audience", "big-audience"] }, now });
    expect(second.value).toMatchObject({ kind: "counted", count: EXACT_UP_TO + 40 });
    expect(second.refresh).toBeNull(); // fresh: no recount

    // customers change; the page keeps the counted size until it is stale, then the refresh recounts it
    await seedCustomers(e.db, 10, { tags: big.tags, city: "Lyon", base: 17100000000 });
    const [{ counted_at }] = await e.db.$queryRaw<Array<{ counted_at: Date }>>`SELECT counted_at FROM audience_counts WHERE key = ${audienceKey(big)}`;
    const later = new Date(counted_at.getTime() + FRESH_MS + 1000);
    const stale = await audienceCountForView({ db: e.db, audience: big, now: later });
    expect(stale.value).toMatchObject({ kind: "counted", count: EXACT_UP_TO + 40 });
    expect(stale.refresh).not.toBeNull();
    await stale.refresh!();
    const recounted = await audienceCountForView({ db: e.db, audience: big, now: later });
    expect(recounted.value).toMatchObject({ kind: "counted", count: EXACT_UP_TO + 50 });
  });

  it("one recount of an audience at a time: a claim younger than the claim period keeps others out", async () => {
    const aud = { tags: ["claimed-audience"] };
    const key = audienceKey(aud);
    const t = new Date("2026-03-02T10:00:00Z");
    await e.db.$executeRaw`INSERT INTO audience_counts (key, refresh_started_at) VALUES (${key}, ${t})`;
    await refreshAudienceCount({ db: e.db, audience: aud, now: new Date(t.getTime() + 1000) });
    const [row] = await e.db.$queryRaw<Array<{ count: number | null }>>`SELECT count FROM audience_counts WHERE key = ${key}`;
    expect(row.count).toBeNull(); // another recount holds the claim
    // a claim that outlived the claim period (its recount died) is taken over
    await refreshAudienceCount({ db: e.db, audience: aud, now: new Date(t.getTime() + 10 * 60_000) });
    const [after] = await e.db.$queryRaw<Array<{ count: number | null; refresh_started_at: Date | null }>>`SELECT count, refresh_started_at FROM audience_counts WHERE key = ${key}`;
    expect(after).toEqual({ count: 0, refresh_started_at: null });
  });
});

/**
 * Scheduling writes only a recipient's day, and no index names the day (due-recipients.ts): activation's
 * UPDATE is HOT for every recipient (no new entry in any index). The claim finds its rows without the day
 * in an index: held rows (a deferral or a backoff) by (day, id) first, then fresh rows in queue order with the
 * day as a filter, reading no further than the last due row the schedule counts (none when nothing is due).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/marketing/db";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { activateCampaign, activateLocked } from "@/lib/marketing/campaigns/activate-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { claimBatch } from "@/lib/marketing/processing/claim-batch";
import { dueRecipientsSql } from "@/lib/marketing/recipients/due-recipients";
import { createTestDb, type TestDb } from "../../support/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});
beforeEach(async () => {
  await t.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status IN ('active', 'paused')`;
});

const TZ = "UTC";
const at = (iso: string) => new Date(iso);
let phoneBase = 14150000000;

/** a draft with n recipients who are customers with a market (so activation has no market to set) */
async function draftWith(n: number, limit: number) {
  const now = at("2026-03-01T10:00:00Z");
  const base = phoneBase;
  phoneBase += 100_000;
  await t.db.$executeRaw(Prisma.sql`
    INSERT INTO user_profiles (id, whatsapp_phone, name, subscription, is_active, market, created_at, updated_at)
    SELECT gen_random_uuid(), (${base}::bigint + g)::text, 'C' || g, 'subscribed', true, 'North America', now(), now()
    FROM generate_series(1, ${n}::int) g`);
  const c = await createCampaign({ db: t.db, now, input: { name: `H${base}`, template_name: "promo_hello", daily_send_limit: limit } });
  const phones = Array.from({ length: n }, (_, i) => String(base + i + 1));
  await addRecipients({ db: t.db, now, timezone: TZ, campaignId: c.id, phoneNumbers: phones });
  return { id: c.id, phones };
}

const claim = (campaignId: string, due: string, n: number) =>
  claimBatch({ db: t.db, campaignId, today: due, due, now: at(`${due}T12:00:00Z`), batchSize: n, messagingLimit: null });

/** the campaign's pending recipients in id order */
async function pendingById(campaignId: string) {
  return t.db.$queryRaw<Array<{ id: string; day: string }>>(Prisma.sql`
    SELECT id::text, scheduled_send_date::text AS day FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND status = 'pending' ORDER BY id`);
}

describe("activation is HOT", () => {
  it("every recipient's day is written without a new index entry", async () => {
    const c = await draftWith(3000, 400);
    const counts = await t.db.$transaction(async (tx) => {
      await activateLocked(tx, { now: at("2026-03-01T10:00:00Z"), timezone: TZ, campaignId: c.id, start: "2026-03-02", actor: "test" });
      // this transaction's own updates of the table (pg_stat_get_xact_*: not yet flushed to the cumulative stats)
      const [row] = await tx.$queryRaw<Array<{ upd: bigint; hot: bigint }>>(Prisma.sql`
        SELECT pg_stat_get_xact_tuples_updated('campaign_recipients'::regclass) AS upd,
               pg_stat_get_xact_tuples_hot_updated('campaign_recipients'::regclass) AS hot`);
      return { upd: Number(row.upd), hot: Number(row.hot) };
    });
    expect(counts.upd).toBe(3000);
    expect(counts.hot).toBe(3000);
    const days = await t.db.$queryRaw<Array<{ day: string; n: bigint }>>(Prisma.sql`
      SELECT scheduled_send_date::text AS day, count(*) AS n FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid GROUP BY 1 ORDER BY 1`);
    expect(days.map((d) => [d.day, Number(d.n)])).toEqual(
      Array.from({ length: 8 }, (_, i) => [`2026-03-${String(i + 2).padStart(2, "0")}`, i < 7 ? 400 : 200]));
  });
});

describe("the claim without the day in an index", () => {
  it("takes fresh recipients in id order, and held ones (a wait that is over) before them, by day then id", async () => {
    const c = await draftWith(20, 10);
    await activateCampaign({ db: t.db, now: at("2026-03-01T10:00:00Z"), timezone: TZ, campaignId: c.id, startDate: "2026-03-02" });
    const rows = await pendingById(c.id);
    expect(rows.slice(0, 10).every((r) => r.day === "2026-03-02")).toBe(true);
    // two recipients of the second day were deferred (the cap) to 2 March and their wait is over; a third
    // backed off (a retry) is on 1 March: the held ones go first, by day then id, then the fresh ones by id
    const [h1, h2, h3] = [rows[15], rows[12], rows[18]];
    await t.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET deferred_reason = 'frequency_cap', next_attempt_at = '2026-03-02T08:00:00Z', scheduled_send_date = '2026-03-02'
      WHERE id IN (${h1.id}::uuid, ${h2.id}::uuid)`);
    await t.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET next_attempt_at = '2026-03-02T09:00:00Z', scheduled_send_date = '2026-03-01', retry_count = 1
      WHERE id = ${h3.id}::uuid`);
    const first = await claim(c.id, "2026-03-02", 4);
    if (first.kind !== "claimed") throw new Error(`expected a claim, got ${first.kind}`);
    expect(first.recipients.map((r) => r.id)).toEqual([h3.id, h2.id, h1.id, rows[0].id]);
    const second = await claim(c.id, "2026-03-02", 5);
    if (second.kind !== "claimed") throw new Error(`expected a claim, got ${second.kind}`);
    expect(second.recipients.map((r) => r.id)).toEqual(rows.slice(1, 6).map((r) => r.id));
  });

  it("a held recipient whose wait is not over is not taken, nor is one of a later day", async () => {
    const c = await draftWith(4, 10);
    await activateCampaign({ db: t.db, now: at("2026-03-01T10:00:00Z"), timezone: TZ, campaignId: c.id, startDate: "2026-03-02" });
    const rows = await pendingById(c.id);
    await t.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET deferred_reason = 'meta_cap', next_attempt_at = '2026-03-02T18:00:00Z' WHERE id = ${rows[0].id}::uuid`);
    await t.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET deferred_reason = 'meta_cap', next_attempt_at = '2026-03-01T18:00:00Z', scheduled_send_date = '2026-03-03' WHERE id = ${rows[1].id}::uuid`);
    const got = await claim(c.id, "2026-03-02", 10);
    if (got.kind !== "claimed") throw new Error(`expected a claim, got ${got.kind}`);
    expect(got.recipients.map((r) => r.id)).toEqual([rows[2].id, rows[3].id]);
    expect(await claim(c.id, "2026-03-02", 10)).toEqual({ kind: "nothing_due" });
  });

  it("a recipient out of id order (an old id repacked to a later day, as retry-unknown does) is not sent early", async () => {
    const c = await draftWith(6, 3);
    await activateCampaign({ db: t.db, now: at("2026-03-01T10:00:00Z"), timezone: TZ, campaignId: c.id, startDate: "2026-03-02" });
    const rows = await pendingById(c.id);
    expect(rows.map((r) => r.day)).toEqual(["2026-03-02", "2026-03-02", "2026-03-02", "2026-03-03", "2026-03-03", "2026-03-03"]);
    // the oldest recipient's send went out with an unknown outcome and was retried: fresh again, a later day
    await t.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET scheduled_send_date = '2026-03-04' WHERE id = ${rows[0].id}::uuid`);
    const today = await claim(c.id, "2026-03-02", 10);
    if (today.kind !== "claimed") throw new Error(`expected a claim, got ${today.kind}`);
    expect(today.recipients.map((r) => r.id)).toEqual([rows[1].id, rows[2].id]);
    expect(await claim(c.id, "2026-03-02", 10)).toEqual({ kind: "nothing_due" });
    // on its day it goes, first in id order (the limit of 3 leaves the last of 3 March for later)
    const later = await claim(c.id, "2026-03-04", 10);
    if (later.kind !== "claimed") throw new Error(`expected a claim, got ${later.kind}`);
    expect(later.recipients.map((r) => r.id)).toEqual([rows[0].id, rows[3].id, rows[4].id]);
  });

  /** EXPLAIN ANALYZE of the claim's statement; the rows the queue index scan read */
  async function queueRowsRead(campaignId: string, due: string, where = Prisma.empty): Promise<{ plan: string; read: number }> {
    const plan = await t.db.$transaction(async (tx) => {
      const sql = dueRecipientsSql({ campaignId, due, now: at(`${due}T12:00:00Z`), limit: 100, lock: true, where });
      const rows = await tx.$queryRaw<Array<{ "QUERY PLAN": string }>>(Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).not.toMatch(/Seq Scan on campaign_recipients/);
    const scan = plan.split("\n").find((l) => /Index Scan using campaign_recipients_queue_idx on campaign_recipients q/.test(l));
    if (!scan) throw new Error(`the queue index is not read:\n${plan}`);
    expect(plan).toMatch(/Run Condition/);
    const m = /rows=([0-9.]+)/.exec(scan);
    return { plan, read: m ? Number(m[1]) : 0 };
  }

  it("nothing due (the campaign starts tomorrow): nothing_due, and the queue scan stops at its first row", async () => {
    const c = await draftWith(2000, 500);
    await activateCampaign({ db: t.db, now: at("2026-03-01T10:00:00Z"), timezone: TZ, campaignId: c.id, startDate: "2026-03-02" });
    await t.db.$executeRawUnsafe("ANALYZE campaign_recipients");
    expect(await claim(c.id, "2026-03-01", 100)).toEqual({ kind: "nothing_due" });
    expect((await queueRowsRead(c.id, "2026-03-01")).read).toBeLessThanOrEqual(1);
    // and once the day comes, the claim takes the day's first rows in id order
    const got = await claim(c.id, "2026-03-02", 100);
    if (got.kind !== "claimed") throw new Error(`expected a claim, got ${got.kind}`);
    expect(got.recipients.map((r) => r.id)).toEqual((await t.db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      SELECT id::text FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid ORDER BY id LIMIT 100`)).map((r) => r.id));
  });

  it("due rows that may not go (an A/B test holding for its winner, a customer in flight elsewhere): the scan ends after the day's rows, not at the campaign's end", async () => {
    const c = await draftWith(2000, 500);
    await activateCampaign({ db: t.db, now: at("2026-03-01T10:00:00Z"), timezone: TZ, campaignId: c.id, startDate: "2026-03-02" });
    await t.db.$executeRawUnsafe("ANALYZE campaign_recipients");
    // none of the 500 due on 2 March may go: the scan reads them (and at most the next one), not the 1,500 after
    const holding = await queueRowsRead(c.id, "2026-03-02", Prisma.sql`AND r.variant IS NOT NULL`);
    expect(holding.read).toBeGreaterThanOrEqual(500);
    expect(holding.read).toBeLessThanOrEqual(501);
    // the day's last 3 rows have a variant, and so does one of 3 March: the statement takes those 3, reads no further
    const byOrder = await t.db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      SELECT id::text FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid ORDER BY created_at, id`);
    const variantIds = [byOrder[497].id, byOrder[498].id, byOrder[499].id, byOrder[700].id];
    await t.db.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET variant = 0 WHERE id = ANY(${variantIds}::uuid[])`);
    const taken = await t.db.$transaction((tx) => tx.$queryRaw<Array<{ id: string }>>(dueRecipientsSql({
      campaignId: c.id, due: "2026-03-02", now: at("2026-03-02T12:00:00Z"), limit: 100, lock: true, where: Prisma.sql`AND r.variant IS NOT NULL` })));
    expect(taken.map((r) => r.id)).toEqual(variantIds.slice(0, 3));
    expect((await queueRowsRead(c.id, "2026-03-02", Prisma.sql`AND r.variant IS NOT NULL`)).read).toBeLessThanOrEqual(501);
  });
});

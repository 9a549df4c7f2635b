/**
 * The size of a target audience, against a real database:
 *  - the campaign page's audience size: exact and live up to EXACT_UP_TO matches; above, the planner's
 *    estimate until a full count exists, then that count with its time; a stale count is recounted by the
 *    refresh the page runs after its answer, and only one recount of an audience runs at a time; an
 *    audience counted large is not counted on the view until a recount finds it small;
 *  - the campaign form's exact count: the customers adding the target audience adds (subscribed, active,
 *    matching every filter).
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { seedCustomers, withEngineTest, type EngineTest } from "../engine/support";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { audienceCountForView, audienceKey, countAudience, EXACT_UP_TO, FRESH_MS, refreshAudienceCount } from "@/lib/marketing/customers/audience-count";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";

let e: EngineTest;
withEngineTest({ poolMax: 10 }, (engine) => {
  e = engine;
});

const now = new Date("2026-03-01T10:00:00Z");

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

    // a large audience counted before is not counted on the view: it stays "counted" until a recount finds it
    // small, and from then on it is exact and live again
    await e.db.$executeRaw`UPDATE user_profiles SET is_active = false WHERE whatsapp_phone LIKE '1700%' AND whatsapp_phone::bigint > 17000000100`;
    const shrunk = await audienceCountForView({ db: e.db, audience: big, now: later });
    expect(shrunk.value).toMatchObject({ kind: "counted", count: EXACT_UP_TO + 50 });
    const muchLater = new Date(later.getTime() + 2 * FRESH_MS);
    await (await audienceCountForView({ db: e.db, audience: big, now: muchLater })).refresh!();
    const small2 = await audienceCountForView({ db: e.db, audience: big, now: muchLater });
    expect(small2).toEqual({ value: { kind: "exact", count: 110 }, refresh: null });
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

describe("audience size on the campaign form", () => {
  it("is exactly the customers adding the target audience adds: subscribed, active, matching every filter", async () => {
    await seedCustomers(e.db, 12, { tier: "gold", city: "Nantes", tags: ["form-count", "vip"], base: 18000000000 });
    await seedCustomers(e.db, 5, { tier: "gold", city: "Nantes", tags: ["vip"], base: 18100000000 }); // without the tag
    await seedCustomers(e.db, 4, { tier: "silver", city: "Nantes", tags: ["form-count"], base: 18200000000 }); // another tier
    await e.db.$executeRaw`UPDATE user_profiles SET subscription = 'unsubscribed' WHERE whatsapp_phone IN ('18000000001', '18000000002')`;
    await e.db.$executeRaw`UPDATE user_profiles SET is_active = false WHERE whatsapp_phone = '18000000003'`;
    const audience = { customer_tier: "gold", city: "nantes", tags: ["form-count"] };

    expect(await countAudience({ db: e.db, audience })).toBe(9);
    expect((await audienceCountForView({ db: e.db, audience, now })).value).toEqual({ kind: "exact", count: 9 });
    const c = await createCampaign({ db: e.db, now, input: { name: "Form count", template_name: "promo", target_audience: audience } });
    const added = await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, useTargetAudience: true });
    expect(added.recipients_added).toBe(9);
  });
});

/**
 * A customer's tier, city and tags match in any case wherever customers are chosen by them
 * (lib/marketing/customers/customer-match.ts), against a real database: the dashboard's customer filters,
 * the values those filters offer (one per spelling in any case), a target audience, its size, and its
 * cached count's key. Tags are kept as written.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { withEngineTest, type EngineTest } from "../engine/support";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { audienceCountForView, audienceKey, countAudience } from "@/lib/marketing/customers/audience-count";
import { customerFilterOptions, searchCustomers, ZCustomerListQuery } from "@/lib/marketing/customers/search-customers";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";

let e: EngineTest;
withEngineTest({}, (engine) => {
  e = engine;
});

const now = new Date("2026-03-01T10:00:00Z");
const marketer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000c7", role: "marketer", actor: "user:marketer-7", email: "m7@example.com" };

describe("tier, city and tags in any case", () => {
  it("the customer filters, their values, an audience and its size agree; tags are kept as written", async () => {
    await upsertCustomers({ db: e.db, now, principal: marketer, rows: [
      { phone: "+1 202 555 0171", name: "One", customer_tier: "Gold", city: "Leeds", tags: ["Summer-Sale", "VIP"] },
      { phone: "+1 202 555 0172", name: "Two", customer_tier: "gold", city: "LEEDS", tags: ["summer-sale"] },
      { phone: "+1 202 555 0173", name: "Three", customer_tier: "GOLD", city: "leeds", tags: ["SUMMER-SALE", "vip"] },
      { phone: "+1 202 555 0174", name: "Four", customer_tier: "Silver", city: "Leeds", tags: ["summer-sale"] },
      // tags with the characters of an array's text form come back whole
      { phone: "+1 202 555 0175", name: "Five", customer_tier: "gold", city: "Leeds", tags: ['Say "Hi", {Please}', "NULL", "back\\slash"] },
    ] });
    const names = async (q: Record<string, string>) =>
      (await searchCustomers({ db: e.db, query: ZCustomerListQuery.parse(q), role: "marketer" })).rows.map((r) => r.name).sort();
    expect(await names({ tag: "summer-sale" })).toEqual(["Four", "One", "Three", "Two"]);
    expect(await names({ tag: "vip", tier: "gOLD", city: "leeds" })).toEqual(["One", "Three"]);
    expect(await names({ tag: 'say "hi", {please}' })).toEqual(["Five"]);
    expect(await names({ tag: "null" })).toEqual(["Five"]);
    expect(await names({ tag: "BACK\\SLASH" })).toEqual(["Five"]);
    expect(await names({ tag: "back" })).toEqual([]);

    // one value per spelling in any case, shown as its most common spelling, with every spelling counted
    const options = await customerFilterOptions({ db: e.db });
    expect(options.tags.filter((t) => ["summer-sale", "vip"].includes(t.value.toLowerCase()))).toEqual([
      { value: "summer-sale", count: 4 }, { value: "VIP", count: 2 },
    ]);
    expect(options.tiers).toEqual([{ value: "gold", count: 4 }, { value: "Silver", count: 1 }]);

    // the audience adds whom the filters show, and its size says so before
    const audience = { customer_tier: "Gold", city: "Leeds", tags: ["VIP", "Summer-Sale"] };
    expect(await countAudience({ db: e.db, audience })).toBe(2);
    expect((await audienceCountForView({ db: e.db, audience, now })).value).toEqual({ kind: "exact", count: 2 });
    const c = await createCampaign({ db: e.db, now, input: { name: "Leeds VIPs", template_name: "promo", target_audience: audience } });
    expect(await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, useTargetAudience: true })).toMatchObject({ recipients_added: 2 });
    // the same audience written otherwise is the same cached count
    expect(audienceKey({ customer_tier: "GOLD", city: "leeds", tags: ["summer-sale", "vip", "VIP"] })).toBe(audienceKey(audience));

    // stored as written
    const one = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "12025550171" } });
    expect(one.tags).toEqual(["Summer-Sale", "VIP"]);
  });

  it("the audience's tags are served by the GIN index on lower_tags(tags)", async () => {
    await e.db.$executeRawUnsafe("ANALYZE user_profiles");
    const plan = await e.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(
        "EXPLAIN SELECT id FROM user_profiles WHERE lower_tags(tags) @> lower_tags(ARRAY['Summer-Sale']::text[])");
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("user_profiles_lower_tags_idx");
  });
});

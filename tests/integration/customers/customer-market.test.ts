/**
 * The customer's pricing market, against a real database: user_profiles.market is null or the market of
 * the customer's current number.
 *  - every path that stores a number through upsertCustomers (API, CSV import) stores the market a full
 *    parse of the stored number gives (property test over valid numbers of many countries, with the
 *    shared calling codes +1, +7, +44 … where the country depends on the national digits);
 *  - a statement that changes the number without setting its new market leaves null (trigger), so a
 *    number change from WhatsApp (user_changed_number) never keeps the old number's market, neither on
 *    the customer nor on the recipients moved with it;
 *  - recipients added from customers (audience, explicit numbers, the add-audience job, follow-ups'
 *    source) copy the market in the same INSERT, so activation computes none;
 *  - the data migration that moved +44 recipients stored with "Other" (Crown dependencies) to the UK.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { getCountries, getCountryCallingCode, getExampleNumber, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import examples from "libphonenumber-js/examples.mobile.json";
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { withEngineTest, type EngineTest } from "../engine/support";
import { envelope, ts } from "../whatsapp/fixtures";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { marketOfNumberParsed } from "@/lib/marketing/cost/market";
import { stageMarkets } from "@/lib/marketing/cost/stage-markets";
import { importCustomersCsv } from "@/lib/marketing/customers/import-customers-csv";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";
import { Prisma } from "@/lib/marketing/db";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { startAddAudienceJob } from "@/lib/marketing/jobs/add-audience-job";
import { JOB_HANDLERS } from "@/lib/marketing/jobs/job-handlers";
import { runJob } from "@/lib/marketing/jobs/run-job";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";

let e: EngineTest;
withEngineTest({ poolMax: 10 }, (engine) => {
  e = engine;
});

const now = new Date("2026-03-02T10:00:00Z");
const marketer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000b1", role: "marketer", actor: "user:marketer-1", email: "m@example.com" };

async function customerMarkets(phones: string[]): Promise<Map<string, string | null>> {
  const rows = await e.db.$queryRaw<Array<{ phone: string; market: string | null }>>(Prisma.sql`
    SELECT whatsapp_phone AS phone, market FROM user_profiles WHERE whatsapp_phone = ANY(${phones}::text[])`);
  return new Map(rows.map((r) => [r.phone, r.market]));
}
async function recipientMarkets(campaignId: string): Promise<Map<string, string | null>> {
  const rows = await e.db.$queryRaw<Array<{ phone: string; market: string | null }>>(Prisma.sql`
    SELECT phone_number AS phone, market FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid`);
  return new Map(rows.map((r) => [r.phone, r.market]));
}
/** campaign_market_counts (kept by statement triggers) and a recount of the campaign's recipients */
async function countsAndRecount(campaignId: string) {
  const kept = await e.db.$queryRaw<Array<{ market: string; n: number }>>(Prisma.sql`
    SELECT market, recipients AS n FROM campaign_market_counts WHERE campaign_id = ${campaignId}::uuid AND recipients <> 0 ORDER BY market`);
  const recount = await e.db.$queryRaw<Array<{ market: string; n: bigint }>>(Prisma.sql`
    SELECT coalesce(market, '') AS market, count(*) AS n FROM campaign_recipients
    WHERE campaign_id = ${campaignId}::uuid AND status <> 'skipped' GROUP BY 1 ORDER BY 1`);
  return { kept: kept.map((r) => [r.market, Number(r.n)]), recount: recount.map((r) => [r.market, Number(r.n)]) };
}

/** countries with an example number; the calling codes several countries share are drawn more often */
const COUNTRIES = getCountries().filter((c) => getExampleNumber(c, examples));
const SHARING = COUNTRIES.filter((c) => COUNTRIES.filter((o) => getCountryCallingCode(o) === getCountryCallingCode(c)).length > 1);

/** a valid number of `country`: its example number with the last digits drawn at random, written as people do */
const validNumberOf = (country: CountryCode) => {
  const example = getExampleNumber(country, examples)!;
  const national = example.nationalNumber;
  const tail = Math.min(4, national.length - 1);
  return fc.tuple(fc.stringMatching(new RegExp(`^[0-9]{${tail}}$`)), fc.constantFrom("+", "00", "+ ")).map(([digits, prefix]) => ({
    digits: `${example.countryCallingCode}${national.slice(0, national.length - tail)}${digits}`,
    written: `${prefix}${example.countryCallingCode} ${national.slice(0, national.length - tail)}${digits}`,
  }));
};
const validNumber = fc.oneof(fc.constantFrom(...COUNTRIES), fc.constantFrom(...SHARING))
  .chain(validNumberOf)
  .filter((n) => parsePhoneNumberFromString(`+${n.digits}`)?.isValid() === true);

describe("a customer's market", () => {
  it("is what a full parse of the stored number tells, for valid numbers of many countries (API upsert)", async () => {
    expect(SHARING).toEqual(expect.arrayContaining(["US", "CA", "PR", "RU", "KZ", "GB", "GG", "JE"]));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(validNumber, { minLength: 1, maxLength: 25, selector: (n) => n.digits }), async (numbers) => {
        await upsertCustomers({ db: e.db, now, rows: numbers.map((n) => ({ phone: n.written })), principal: marketer });
        const stored = await customerMarkets(numbers.map((n) => n.digits));
        for (const n of numbers) expect([n.digits, stored.get(n.digits)]).toEqual([n.digits, marketOfNumberParsed(n.digits)]);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it("depends on the national digits where a calling code is shared, and is stored by the CSV import too", async () => {
    // +44 7781 is Guernsey's (libphonenumber tells it apart), priced as the United Kingdom: Meta prices by the calling code
    const phones = { "+1 787 234 5678": "Rest of Latin America", "+1 416 555 0123": "North America", "+7 701 234 5678": "Other", "+7 912 345 6789": "Russia", "+44 7781 123456": "United Kingdom", "+44 7700 900123": "United Kingdom" };
    const r = await importCustomersCsv({ db: e.db, now, principal: marketer, records: [["phone", "name"], ...Object.keys(phones).map((p) => [p, "CSV"])] });
    expect(r).toMatchObject({ ok: true, total: 6 });
    const stored = await customerMarkets(["17872345678", "14165550123", "77012345678", "79123456789", "447781123456", "447700900123"]);
    expect([...stored.values()].sort()).toEqual(Object.values(phones).sort());
    for (const [phone, market] of stored) expect(market).toBe(marketOfNumberParsed(phone));
  });

  it("is cleared when the number changes in a statement that does not set the new number's market", async () => {
    await upsertCustomers({ db: e.db, now, rows: [{ phone: "+44 7700 900555" }], principal: marketer });
    const { id } = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "447700900555" } });
    const market = async () => (await e.db.userProfile.findUniqueOrThrow({ where: { id } })).market;
    expect(await market()).toBe("United Kingdom");
    await e.db.$executeRaw`UPDATE user_profiles SET name = 'Renamed', whatsapp_phone = whatsapp_phone WHERE id = ${id}::uuid`;
    expect(await market()).toBe("United Kingdom"); // the same number: kept
    await e.db.$executeRaw`UPDATE user_profiles SET whatsapp_phone = '919876543555' WHERE id = ${id}::uuid`;
    expect(await market()).toBeNull();
    await e.db.$executeRaw`UPDATE user_profiles SET whatsapp_phone = '447700900556', market = 'United Kingdom' WHERE id = ${id}::uuid`;
    expect(await market()).toBe("United Kingdom"); // set by the statement that changed the number
    await e.db.$executeRaw`UPDATE user_profiles SET whatsapp_phone = '12025550556', market = 'United Kingdom' WHERE id = ${id}::uuid`;
    expect(await market()).toBeNull(); // the old market restated is not the new number's: cleared
    // a number that is not a number (an erased profile's token) has no market
    await expect(e.db.$executeRaw`UPDATE user_profiles SET whatsapp_phone = ${`erased:${id}`}, market = 'Other' WHERE id = ${id}::uuid`).rejects.toThrow(/user_profiles_market_of_a_number/);
  });

  it("of a customer who changed their number on WhatsApp is cleared, on the profile and on the recipients moved with it", async () => {
    await upsertCustomers({ db: e.db, now, rows: [{ phone: "+44 7700 900777" }], principal: marketer });
    const c = await createCampaign({ db: e.db, now, input: { name: "Moved", template_name: "promo" } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: ["447700900777"] });
    expect(await recipientMarkets(c.id)).toEqual(new Map([["447700900777", "United Kingdom"]]));
    // Meta's documented shape: no contacts array, system.wa_id is the new number
    const s = await handleWebhookPayload({ db: e.db, now, log: { warn: () => {} }, payload: envelope([{ field: "messages", value: { messages: [{
      from: "447700900777", id: "wamid.MARKETMOVE1", timestamp: ts("2026-03-02T09:00:00Z"), type: "system",
      system: { body: "User changed from 447700900777 to 919876543777", wa_id: "919876543777", type: "user_changed_number" },
    }] } }]) });
    expect(s.results.messages).toMatchObject({ numbers_changed: 1 });
    expect(await customerMarkets(["919876543777"])).toEqual(new Map([["919876543777", null]]));
    expect(await recipientMarkets(c.id)).toEqual(new Map([["919876543777", null]]));
    const counts = await countsAndRecount(c.id);
    expect(counts.kept).toEqual(counts.recount);
    // the estimate computes the new number's market
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: "2026-03-03" });
    expect(await recipientMarkets(c.id)).toEqual(new Map([["919876543777", "India"]]));
  });
});

describe("recipients added from customers", () => {
  const customers = ["+1 787 234 0001", "+1 202 555 0101", "+7 701 234 0001", "+91 98765 40001", "+44 7700 900001", "+49 1511 2340001"];
  const digits = customers.map((p) => p.replace(/[^0-9]/g, ""));

  it("copy the customer's market in the same INSERT (audience, explicit numbers, the add-audience job); activation then computes none", async () => {
    await upsertCustomers({ db: e.db, now, rows: customers.map((phone) => ({ phone, tags: ["market-copy"] })), principal: marketer });
    const expected = new Map(digits.map((d) => [d, marketOfNumberParsed(d)]));
    expect(await customerMarkets(digits)).toEqual(expected);

    const audience = await createCampaign({ db: e.db, now, input: { name: "Audience", template_name: "promo", target_audience: { tags: ["market-copy"] } } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: audience.id, useTargetAudience: true });
    expect(await recipientMarkets(audience.id)).toEqual(expected);

    // explicit numbers: a customer's gets the market, a number that is no customer gets none (computed when needed)
    const explicit = await createCampaign({ db: e.db, now, input: { name: "Explicit", template_name: "promo" } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: explicit.id, phoneNumbers: [...customers, "+61 412 345 678"] });
    expect(await recipientMarkets(explicit.id)).toEqual(new Map([...expected, ["61412345678", null]]));

    const viaJob = await createCampaign({ db: e.db, now, input: { name: "Job", template_name: "promo", target_audience: { tags: ["market-copy"] } } });
    const { job } = await startAddAudienceJob({ db: e.db, now, timezone: "UTC", campaignId: viaJob.id });
    expect(await runJob({ db: e.db, jobId: job.id, handlers: JOB_HANDLERS, clock: () => now, chunkRows: 4 })).toMatchObject({ status: "done" });
    expect(await recipientMarkets(viaJob.id)).toEqual(expected);

    for (const id of [audience.id, explicit.id, viaJob.id]) {
      const counts = await countsAndRecount(id);
      expect(counts.kept).toEqual(counts.recount);
    }

    // every recipient of the audience campaign has its market: activation stages (parses) none
    expect(await e.db.$transaction((tx) => stageMarkets(tx, audience.id))).toBe(0);
    expect(await e.db.$transaction((tx) => stageMarkets(tx, explicit.id))).toBe(1);
    const activated = await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: audience.id, startDate: "2026-03-03" });
    expect(activated.recipients_scheduled).toBe(customers.length);
    expect(await recipientMarkets(audience.id)).toEqual(expected);
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: explicit.id, startDate: "2026-03-03" });
    expect((await recipientMarkets(explicit.id)).get("61412345678")).toBe("Rest of Asia Pacific");
    for (const id of [audience.id, explicit.id]) {
      const counts = await countsAndRecount(id);
      expect(counts.kept).toEqual(counts.recount);
    }
  });
});

describe("the migration of Crown-dependency markets (20261206070000)", () => {
  it("moves the recipients that copied 'Other' for a +44 number to the United Kingdom, and their market counts with them", async () => {
    await upsertCustomers({ db: e.db, now, rows: [{ phone: "+44 7781 123400" }, { phone: "+44 7700 900400" }, { phone: "+7 701 234 0400" }], principal: marketer });
    const c = await createCampaign({ db: e.db, now, input: { name: "Before the fix", template_name: "promo" } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: ["447781123400", "447700900400", "77012340400"] });
    // as a campaign made before 20261206050500 has them: Guernsey's number copied the customer's old "Other"
    await e.db.$executeRaw`UPDATE campaign_recipients SET market = 'Other' WHERE campaign_id = ${c.id}::uuid AND phone_number = '447781123400'`;
    expect(await recipientMarkets(c.id)).toEqual(new Map([["447781123400", "Other"], ["447700900400", "United Kingdom"], ["77012340400", "Other"]]));

    const sql = readFileSync(path.join(process.cwd(), "prisma/migrations/20261206070000_crown_dependencies_recipients_market/migration.sql"), "utf8");
    await e.db.$executeRawUnsafe(sql);
    // Kazakhstan's +7 number stays "Other": only +44 numbers move
    expect(await recipientMarkets(c.id)).toEqual(new Map([["447781123400", "United Kingdom"], ["447700900400", "United Kingdom"], ["77012340400", "Other"]]));
    const counts = await countsAndRecount(c.id);
    expect(counts.kept).toEqual(counts.recount);
  });
});

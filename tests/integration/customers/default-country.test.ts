/**
 * The workspace's default country (settings.default_country): numbers written without + or 00 are read as
 * its national numbers where they are valid there, wherever numbers come in (customers over the API, the
 * CSV import, recipients, test numbers, test sends); numbers with + or 00 never change, and without a
 * default country nothing reads differently from before. A CSV import stages each number with its '+', so
 * a change of the setting while the import runs does not move anyone.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, cloudClient, engineSuite } from "../engine/support";
import { customers, recipients, sending, testSend } from "../api/routes";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { startImportCustomersJob } from "@/lib/marketing/jobs/import-customers-job";
import { JOB_HANDLERS } from "@/lib/marketing/jobs/job-handlers";
import { runJob } from "@/lib/marketing/jobs/run-job";
import { Prisma } from "@/lib/marketing/db";
import { getSendingSettings, updateSendingSettings } from "@/lib/marketing/sending/sending-settings";
import { sendTestMessages } from "@/lib/marketing/templates/send-test-messages";
import { searchCustomers, ZCustomerListQuery } from "@/lib/marketing/customers/search-customers";

const NOW = new Date("2026-03-01T15:00:00Z");
const marketer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000d1", role: "marketer", actor: "user:00000000-0000-4000-8000-0000000000d1", email: "m@example.com" };

const { e } = await engineSuite({
  noTemplateLibrary: true,
  reset: async (e) => {
    await e.db.$executeRawUnsafe(`UPDATE settings SET default_country = NULL, test_phone_numbers = '{}' WHERE id = 1`);
    await e.db.$executeRawUnsafe(`TRUNCATE user_profiles, marketing_campaigns CASCADE`);
  },
});

const setCountry = (country: string | null) => call(sending.PATCH, { method: "PATCH", body: { default_country: country } });
const phones = async () => (await e.db.userProfile.findMany({ orderBy: { whatsappPhone: "asc" } })).map((p) => p.whatsappPhone);

describe("the workspace's default country", () => {
  it("is a sending setting: an ISO 3166 code or null, anything else refused beside the field", async () => {
    expect((await call(sending.GET, {})).body.default_country).toBeNull();
    const set = await setCountry("US");
    expect(set.status).toBe(200);
    expect(set.body.default_country).toBe("US");
    expect((await getSendingSettings(e.db)).defaultCountry).toBe("US");
    for (const bad of ["XX", "us", "USA", 1]) {
      const r = await setCountry(bad as string);
      expect(r.status, String(bad)).toBe(422);
      expect(r.body.error.details[0]).toMatchObject({ path: "default_country" });
    }
    expect((await setCountry(null)).body.default_country).toBeNull();
    // the database holds the same line
    await expect(e.db.$executeRawUnsafe(`UPDATE settings SET default_country = 'usa' WHERE id = 1`)).rejects.toThrow(/settings_default_country_check/);
  });

  it("customers over the API: national numbers read in it, numbers with + or 00 and other countries' numbers as before", async () => {
    // without one, the US number typed without +1 is Egypt's, as before (the dashboard warns)
    expect((await call(customers.POST, { body: { customers: [{ phone: "(202) 555-0973" }] } })).status).toBe(200);
    expect(await phones()).toEqual(["2025550973"]);
    await e.db.$executeRawUnsafe(`TRUNCATE user_profiles CASCADE`);

    await setCountry("US");
    const r = await call(customers.POST, { body: { customers: [
      { phone: "(202) 555-0973" }, { phone: "14694652751" }, { phone: "+20 2 2555 0974" }, { phone: "447911123456" },
    ] } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ created: 4 });
    expect(await phones()).toEqual(["12025550973", "14694652751", "20225550974", "447911123456"]);
    // the same customer when written either way: an update, not a second customer
    const again = await call(customers.POST, { body: { customers: [{ phone: "+1 202 555 0973", name: "Ann" }] } });
    expect(again.body).toMatchObject({ created: 0, updated: 1 });

    // a national number that is not valid there is explained
    await setCountry("GB");
    const bad = await call(customers.POST, { body: { customers: [{ phone: "0123" }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([{ path: "customers.0.phone", row: 0, field: "phone", message: "not a valid number in GB, and a country code never starts with 0" }]);

    // a search by a whole number written as the workspace writes it finds the customer (API and dashboard)
    expect((await call(customers.GET, { query: { q: "07911 123456" } })).body).toMatchObject({ total: 1, customers: [{ phone: "447911123456" }] });
    expect((await searchCustomers({ db: e.db, role: "viewer", query: ZCustomerListQuery.parse({ q: "07911 123456" }) })).total).toBe(1);
    // and a part of one, its trunk 0 standing for the country code (not for a viewer, who types numbers whole)
    expect((await call(customers.GET, { query: { q: "07911 1234" } })).body).toMatchObject({ total: 1, customers: [{ phone: "447911123456" }] });
    expect((await searchCustomers({ db: e.db, role: "marketer", query: ZCustomerListQuery.parse({ q: "07911 1234" }) })).total).toBe(1);
    expect((await searchCustomers({ db: e.db, role: "viewer", query: ZCustomerListQuery.parse({ q: "07911 1234" }) })).total).toBe(0);
  });

  it("recipients by number, test numbers and test sends read the same way", async () => {
    await setCountry("GB");
    const c = await e.db.marketingCampaign.create({ data: { name: "Spring", templateName: "promo", languageCode: "en_US", status: "draft" } });
    const added = await call(recipients.POST, { params: { campaignId: c.id }, body: { phone_numbers: ["07911 123456", "+44 7911 123456", "020 7946 0958"] } });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ recipients_added: 2, duplicates_skipped: 1, invalid_count: 0 });
    const rows = await e.db.campaignRecipient.findMany({ where: { campaignId: c.id }, orderBy: { phoneNumber: "asc" } });
    expect(rows.map((r) => r.phoneNumber)).toEqual(["442079460958", "447911123456"]);

    // test numbers are read in the default country the same change sets
    const saved = await updateSendingSettings({ db: e.db, now: NOW, input: { default_country: "US", test_phone_numbers: ["(415) 555-0100", "+44 7911 123456"] } });
    expect(saved.test_phone_numbers).toEqual(["14155550100", "447911123456"]);
    const refused = await updateSendingSettings({ db: e.db, now: NOW, input: { test_phone_numbers: ["+1 415 555 0100", "555"] } }).catch((x: unknown) => x);
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", details: [{ path: "test_phone_numbers.1", message: "555: not a valid number in US, nor one with a country code" }] });

    const sent = await sendTestMessages({ db: e.db, now: NOW, whatsapp: cloudClient(e.graph), api: null, campaignId: c.id, phoneNumbers: ["(415) 555-0101"], principal: marketer });
    expect(sent.results).toMatchObject([{ phone_number: "14155550101", status: "sent" }]);
    expect(e.graph.sends.map((s) => s.to)).toEqual(["14155550101"]);
    // and over the API
    const api = await call(testSend.POST, { params: { campaignId: c.id }, body: { phone_numbers: ["415 555 0102"] } });
    expect(api.body.results).toMatchObject([{ phone_number: "14155550102", status: "sent" }]);
  });

  it("a CSV import reads each number once, when the file is checked: a later change of the setting moves nobody", async () => {
    await setCountry("US");
    const started = await startImportCustomersJob({ db: e.db, now: NOW, principal: marketer, records: [["phone", "name"], ["(202) 555-0975", "Ann"], ["+44 7911 123457", "Bea"]] });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    const staged = await e.db.$queryRaw<Array<{ phone: string }>>(Prisma.sql`SELECT data->>'phone' AS phone FROM job_rows WHERE job_id = ${started.job.id}::uuid ORDER BY row_no`);
    expect(staged.map((s) => s.phone)).toEqual(["+12025550975", "+447911123457"]);
    // changed (to a country where 2025550975 would read otherwise) before the job runs
    await setCountry("EG");
    await runJob({ db: e.db, jobId: started.job.id, handlers: JOB_HANDLERS, clock: () => NOW, chunkRows: 1000 });
    expect(await phones()).toEqual(["12025550975", "447911123457"]);

    // the check of a file reports a national number that is not valid in the default country by line
    const bad = await startImportCustomersJob({ db: e.db, now: NOW, principal: marketer, records: [["phone"], ["+1 202 555 0100"], ["0123"]] });
    expect(bad).toMatchObject({ ok: false, errors: [{ line: 3, column: "phone", value: "0123", message: "not a valid number in EG, and a country code never starts with 0" }] });
  });
});

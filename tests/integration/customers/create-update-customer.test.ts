/**
 * One customer added or corrected by a person in the dashboard (createCustomer, updateCustomer): the number
 * read as every number coming in is (the workspace's default country), the fields checked as the API's
 * upsert checks them, a number that already belongs to a customer never overwritten, an erased number
 * starting unsubscribed, a viewer refused, bad input refused beside its field with nothing written, and
 * every write audited by customer id without the number or the values.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../support/db";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { createCustomer } from "@/lib/marketing/customers/create-customer";
import { eraseCustomer } from "@/lib/marketing/customers/erase-customer";
import { ERASED_NUMBER_SOURCE } from "@/lib/marketing/customers/opt-outs";
import { updateCustomer } from "@/lib/marketing/customers/update-customer";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";
import { AppError } from "@/lib/marketing/errors";

let t: TestDb;
const now = new Date("2026-03-02T10:00:00Z");
const later = new Date("2026-03-03T10:00:00Z");
const marketer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000b1", role: "marketer", actor: "user:marketer-1", email: "m@example.com" };
const viewer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000c1", role: "viewer", actor: "user:viewer-1", email: "v@example.com" };

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());
beforeEach(async () => {
  await t.db.$executeRawUnsafe(`UPDATE settings SET default_country = NULL WHERE id = 1`);
  await t.db.$executeRawUnsafe(`TRUNCATE user_profiles, audit_log, suppressed_numbers CASCADE`);
});

/** the AppError a call ends with */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
const writes = async () => ({ customers: await t.db.userProfile.count(), audits: await t.db.auditLog.count() });
const create = (input: unknown, principal = marketer) => createCustomer({ db: t.db, now, principal, input });

describe("createCustomer", () => {
  it("adds a customer with the number normalised, its market, the fields and a subscription from the dashboard, audited by id", async () => {
    const r = await create({ phone: " +44 7911-123456 ", name: " Ann Lee ", customer_tier: "Gold", city: "London", tags: ["vip", "newsletter", "vip"], attributes: { loyalty_points: 120, note: "likes tea" } });
    expect(r).toMatchObject({ phone: "447911123456", subscription: "subscribed", subscriptionSource: "dashboard" });
    const p = await t.db.userProfile.findUniqueOrThrow({ where: { id: r.id } });
    expect(p).toMatchObject({
      whatsappPhone: "447911123456", market: "United Kingdom", name: "Ann Lee", customerTier: "Gold", city: "London", tags: ["vip", "newsletter"],
      attributes: { loyalty_points: 120, note: "likes tea" }, subscription: "subscribed", subscriptionSource: "dashboard", isActive: true,
    });
    expect(p.subscriptionChangedAt).toEqual(now);
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: "customer.create", entityId: r.id } });
    expect(entry).toMatchObject({ actor: "user:marketer-1", entityType: "customer" });
    expect(JSON.stringify(entry.details)).not.toContain("7911");
  });

  it("reads a number without + or 00 in the workspace's default country, as the import does", async () => {
    await t.db.$executeRawUnsafe(`UPDATE settings SET default_country = 'US' WHERE id = 1`);
    expect((await create({ phone: "(202) 555-0973" })).phone).toBe("12025550973");
    // the optional fields may be left out or empty (null)
    const p = await t.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "12025550973" } });
    expect(p).toMatchObject({ name: null, customerTier: null, city: null, tags: [], attributes: {} });
  });

  it("refuses a bad number or bad fields beside each field, writing nothing", async () => {
    for (const phone of ["", "07911 123456", "+1 555", "call me", 12.5]) {
      const e = await refusal(create({ phone, name: "X" }));
      expect(e.code, String(phone)).toBe("VALIDATION_FAILED");
      expect(e.details, String(phone)).toEqual([{ path: "phone", message: expect.stringMatching(/^[A-Z].*\.$/) }]);
    }
    const e = await refusal(create({ phone: "+447911123456", name: "   ", customer_tier: "x".repeat(101), tags: ["ok", ""], attributes: { ["k".repeat(65)]: "v" }, subscription: "subscribed" }));
    expect(e.code).toBe("VALIDATION_FAILED");
    expect((e.details as Array<{ path: string }>).map((d) => d.path).sort()).toEqual(["attributes." + "k".repeat(65), "customer_tier", "name", "subscription", "tags.1"].sort());
    expect(await writes()).toEqual({ customers: 0, audits: 0 });
  });

  it("never overwrites the customer a number belongs to: a CONFLICT naming them, however the number is written", async () => {
    await upsertCustomers({ db: t.db, now, rows: [{ phone: "447911123456", name: "Original", tags: ["a"] }], principal: marketer });
    const existing = await t.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "447911123456" } });
    const before = await writes();
    const e = await refusal(create({ phone: "0044 7911 123456", name: "Someone else", tags: ["b"] }));
    expect(e.code).toBe("CONFLICT");
    expect(e.details).toEqual([{ path: "phone", message: "This number already belongs to a customer.", customer_id: existing.id }]);
    expect(await t.db.userProfile.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({ name: "Original", tags: ["a"], updatedAt: existing.updatedAt });
    expect(await writes()).toEqual(before);
  });

  it("two adds of the same number at once: one customer, the other told it exists", async () => {
    const results = await Promise.allSettled([create({ phone: "+4915112345678", name: "A" }), create({ phone: "4915112345678", name: "B" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    expect(await writes()).toEqual({ customers: 1, audits: 1 });
  });

  it("adds an erased customer's number unsubscribed (suppressed), as the upsert does", async () => {
    const first = await create({ phone: "+15551230001", name: "Forget me" });
    await eraseCustomer({ db: t.db, now, principal: marketer, customerId: first.id });
    const again = await create({ phone: "+1 555 123 0001", name: "Back again" });
    expect(again).toMatchObject({ subscription: "unsubscribed", subscriptionSource: ERASED_NUMBER_SOURCE });
    expect(await t.db.userProfile.findUniqueOrThrow({ where: { id: again.id } })).toMatchObject({ name: "Back again", subscription: "unsubscribed" });
  });

  it("refuses a viewer, writing nothing", async () => {
    const e = await refusal(create({ phone: "+447911123456", name: "X" }, viewer));
    expect(e.code).toBe("FORBIDDEN");
    expect(await writes()).toEqual({ customers: 0, audits: 0 });
  });
});

describe("updateCustomer", () => {
  const update = (customerId: string, input: unknown, principal = marketer) => updateCustomer({ db: t.db, now: later, principal, customerId, input });
  const seed = async () => (await create({ phone: "+447911123456", name: "Ann", customer_tier: "gold", city: "London", tags: ["vip"], attributes: { points: 120, note: "tea" } })).id;

  it("replaces the profile's fields (empty ones cleared, removed attributes gone), keeps the number and subscription, audits the fields by name", async () => {
    const id = await seed();
    await t.db.userProfile.update({ where: { id }, data: { subscription: "unsubscribed", subscriptionSource: "whatsapp_keyword" } });
    const r = await update(id, { name: "Ann Lee", customer_tier: null, city: "London", tags: ["vip", "summer"], attributes: { points: 120 } });
    expect(r).toEqual({ id, changed: ["name", "customer_tier", "tags", "attributes"] });
    expect(await t.db.userProfile.findUniqueOrThrow({ where: { id } })).toMatchObject({
      whatsappPhone: "447911123456", name: "Ann Lee", customerTier: null, city: "London", tags: ["vip", "summer"], attributes: { points: 120 },
      subscription: "unsubscribed", subscriptionSource: "whatsapp_keyword", updatedAt: later,
    });
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: "customer.update", entityId: id } });
    expect(entry.details).toEqual({ fields: ["name", "customer_tier", "tags", "attributes"] });
    expect(JSON.stringify(entry.details)).not.toContain("Ann");
  });

  it("saving what is already stored changes nothing and audits nothing", async () => {
    const id = await seed();
    const before = await writes();
    expect(await update(id, { name: "Ann", customer_tier: "gold", city: "London", tags: ["vip"], attributes: { note: "tea", points: 120 } })).toEqual({ id, changed: [] });
    expect(await writes()).toEqual(before);
  });

  it("refuses bad fields (and the number, which is not edited here) beside each field, writing nothing", async () => {
    const id = await seed();
    const before = await t.db.userProfile.findUniqueOrThrow({ where: { id } });
    const e = await refusal(update(id, { name: "", city: "y".repeat(201), tags: "vip", phone: "+15550000000" }));
    expect(e.code).toBe("VALIDATION_FAILED");
    expect((e.details as Array<{ path: string }>).map((d) => d.path).sort()).toEqual(["city", "name", "phone", "tags"]);
    expect(await t.db.userProfile.findUniqueOrThrow({ where: { id } })).toEqual(before);
    expect(await t.db.auditLog.count({ where: { action: "customer.update" } })).toBe(0);
  });

  it("an unknown or malformed id is CUSTOMER_NOT_FOUND; a viewer is refused before anything is read", async () => {
    expect((await refusal(update("00000000-0000-4000-8000-000000000000", { name: "X" }))).code).toBe("CUSTOMER_NOT_FOUND");
    expect((await refusal(update("not-a-uuid", { name: "X" }))).code).toBe("CUSTOMER_NOT_FOUND");
    const id = await seed();
    const before = await writes();
    expect((await refusal(update(id, { name: "Viewer was here" }, viewer))).code).toBe("FORBIDDEN");
    expect(await writes()).toEqual(before);
    expect((await t.db.userProfile.findUniqueOrThrow({ where: { id } })).name).toBe("Ann");
  });
});

/**
 * Opt-outs are sticky: a customer who opted out on WhatsApp stays unsubscribed through bulk upserts, CSV
 * imports and the dashboard's plain toggle; only an admin's explicit re-subscription with a reason
 * (audited) brings them back. An erased number stays unsubscribed when it is imported again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../support/db";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { eraseCustomer } from "@/lib/marketing/customers/erase-customer";
import { phoneHash, WHATSAPP_SUBSCRIPTION_SOURCES } from "@/lib/marketing/customers/opt-outs";
import { setCustomerSubscription } from "@/lib/marketing/customers/set-customer-subscription";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";
import { importCustomersCsv } from "@/lib/marketing/customers/import-customers-csv";
import { AppError } from "@/lib/marketing/errors";

let t: TestDb;
const now = new Date("2026-03-02T10:00:00Z");
const admin: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000a1", role: "admin", actor: "user:admin-1", email: "admin@example.com" };
const marketer: Principal = { kind: "user", id: "00000000-0000-4000-8000-0000000000b1", role: "marketer", actor: "user:marketer-1", email: "m@example.com" };

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

/** a customer in the state the WhatsApp webhook leaves after their opt-out */
async function optedOutOnWhatsapp(phone: string, source: string) {
  await t.db.userProfile.create({ data: { whatsappPhone: phone, name: "Opted Out", subscription: "unsubscribed", subscriptionSource: source, subscriptionChangedAt: new Date("2026-03-01T09:00:00Z") } });
}
const profile = (phone: string) => t.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: phone } });

describe("a WhatsApp opt-out", () => {
  it("is not undone by a bulk upsert, which still updates the other fields", async () => {
    const phones = WHATSAPP_SUBSCRIPTION_SOURCES.map((_, i) => `1555123400${i}`);
    for (const [i, source] of WHATSAPP_SUBSCRIPTION_SOURCES.entries()) await optedOutOnWhatsapp(phones[i], source);
    const r = await upsertCustomers({ db: t.db, now, rows: phones.map((phone) => ({ phone, name: "Renamed", subscription: "subscribed" })), principal: marketer });
    expect(r).toMatchObject({ created: 0, updated: phones.length, kept_unsubscribed: phones.length });
    for (const [i, source] of WHATSAPP_SUBSCRIPTION_SOURCES.entries()) {
      const p = await profile(phones[i]);
      expect(p).toMatchObject({ name: "Renamed", subscription: "unsubscribed", subscriptionSource: source });
      expect(p.subscriptionChangedAt).toEqual(new Date("2026-03-01T09:00:00Z"));
    }
  });

  it("is not undone by a CSV import", async () => {
    await optedOutOnWhatsapp("15551234100", "whatsapp_keyword");
    const r = await importCustomersCsv({ db: t.db, now, principal: marketer, records: [["phone", "name", "subscription"], ["+1 555 123 4100", "From CSV", "subscribed"], ["15551234101", "New", "subscribed"]] });
    expect(r).toMatchObject({ ok: true, created: 1, updated: 1 });
    expect(await profile("15551234100")).toMatchObject({ name: "From CSV", subscription: "unsubscribed", subscriptionSource: "whatsapp_keyword" });
    expect(await profile("15551234101")).toMatchObject({ subscription: "subscribed", subscriptionSource: "csv_import" });
  });

  it("our own unsubscribe and re-subscribe still work for customers who did not opt out on WhatsApp", async () => {
    await upsertCustomers({ db: t.db, now, rows: [{ phone: "15551234200", subscription: "unsubscribed" }], principal: marketer });
    expect(await profile("15551234200")).toMatchObject({ subscription: "unsubscribed", subscriptionSource: "api" });
    const r = await upsertCustomers({ db: t.db, now, rows: [{ phone: "15551234200", subscription: "subscribed" }], principal: marketer });
    expect(r.kept_unsubscribed).toBe(0);
    expect(await profile("15551234200")).toMatchObject({ subscription: "subscribed" });
  });

  it("is not undone by the dashboard's plain toggle; an admin re-subscribes with a reason, audited", async () => {
    await optedOutOnWhatsapp("15551234300", "whatsapp_button");
    const { id } = await profile("15551234300");
    const fail = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

    const byMarketer = await fail(setCustomerSubscription({ db: t.db, now, principal: marketer, customerId: id, input: { subscription: "subscribed", reason: "they asked" } }));
    expect(byMarketer).toBeInstanceOf(AppError);
    expect((byMarketer as AppError).code).toBe("FORBIDDEN");
    const noReason = await fail(setCustomerSubscription({ db: t.db, now, principal: admin, customerId: id, input: { subscription: "subscribed" } }));
    expect((noReason as AppError).code).toBe("VALIDATION_FAILED");
    expect((noReason as AppError).details).toEqual([{ path: "reason", message: expect.any(String) }]);
    expect(await profile("15551234300")).toMatchObject({ subscription: "unsubscribed", subscriptionSource: "whatsapp_button" });

    const r = await setCustomerSubscription({ db: t.db, now, principal: admin, customerId: id, input: { subscription: "subscribed", reason: "Asked by email on 1 March to get offers again" } });
    expect(r).toMatchObject({ changed: true, subscription: "subscribed", source: "admin_resubscribe" });
    expect(await profile("15551234300")).toMatchObject({ subscription: "subscribed", subscriptionSource: "admin_resubscribe" });
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: "customer.resubscribe", entityId: id } });
    expect(entry.actor).toBe("user:admin-1");
    expect(entry.details).toMatchObject({ from: "unsubscribed", to: "subscribed", previous_source: "whatsapp_button", reason: "Asked by email on 1 March to get offers again" });
    expect(JSON.stringify(entry.details)).not.toContain("15551234300");
  });

  it("a marketer may unsubscribe anyone and re-subscribe a customer they unsubscribed", async () => {
    await upsertCustomers({ db: t.db, now, rows: [{ phone: "15551234400" }], principal: marketer });
    const { id } = await profile("15551234400");
    await setCustomerSubscription({ db: t.db, now, principal: marketer, customerId: id, input: { subscription: "unsubscribed" } });
    expect(await profile("15551234400")).toMatchObject({ subscription: "unsubscribed", subscriptionSource: "dashboard" });
    await setCustomerSubscription({ db: t.db, now, principal: marketer, customerId: id, input: { subscription: "subscribed" } });
    expect(await profile("15551234400")).toMatchObject({ subscription: "subscribed", subscriptionSource: "dashboard" });
    expect(await t.db.auditLog.count({ where: { action: "customer.subscription", entityId: id } })).toBe(2);
  });
});

describe("an erased number", () => {
  it("stays unsubscribed when upserted or imported again, and only its hash is kept", async () => {
    const phone = "15551239900";
    await upsertCustomers({ db: t.db, now, rows: [{ phone, name: "To Erase" }], principal: marketer });
    const { id } = await profile(phone);
    await eraseCustomer({ db: t.db, now, principal: admin, customerId: id });
    const kept = await t.db.suppressedNumber.findMany();
    expect(kept.map((k) => k.phoneHash)).toContain(phoneHash(phone));
    expect(JSON.stringify(kept)).not.toContain(phone);

    const r = await upsertCustomers({ db: t.db, now, rows: [{ phone, name: "Back Again", subscription: "subscribed" }], principal: marketer });
    expect(r).toMatchObject({ created: 1, kept_unsubscribed: 1 });
    expect(await profile(phone)).toMatchObject({ name: "Back Again", subscription: "unsubscribed", subscriptionSource: "erased_number" });
    // a later CSV import (no subscription column: the default would be subscribed) keeps it so
    await importCustomersCsv({ db: t.db, now, principal: marketer, records: [["phone", "name"], [phone, "Third Time"]] });
    expect(await profile(phone)).toMatchObject({ name: "Third Time", subscription: "unsubscribed" });
    // and a plain toggle by a marketer cannot bring it back
    const again = await profile(phone);
    const denied = await setCustomerSubscription({ db: t.db, now, principal: marketer, customerId: again.id, input: { subscription: "subscribed" } }).catch((e: unknown) => e);
    expect((denied as AppError).code).toBe("FORBIDDEN");
    // an admin's explicit decision lifts the suppression
    await setCustomerSubscription({ db: t.db, now, principal: admin, customerId: again.id, input: { subscription: "subscribed", reason: "New owner of the number signed up in store" } });
    expect(await profile(phone)).toMatchObject({ subscription: "subscribed" });
    expect(await t.db.suppressedNumber.count({ where: { phoneHash: phoneHash(phone) } })).toBe(0);
  });
});

/**
 * Appliers that write the same customers never deadlock. Several applier drains run at once (the webhook
 * route's after(), the processor's own apply, every processor run, on several instances), each on its own
 * chunks of the inbox. A chunk's failed statuses write their customers through several rules (131049
 * defers the customer, 131050 unsubscribes them, 131026 counts them as undeliverable), a delivered status
 * clears a count, and a customer's own message in the same chunk (STOP) writes them too. Here the same
 * customers fail in three campaigns with the classes rotated, so that every chunk would reach the customers
 * in a different order rule by rule: each chunk locks every customer it will write in one statement, in id
 * order, before the first write. PostgreSQL would find a deadlock (after deadlock_timeout, a second's stall
 * and the whole chunk redone) as soon as two chunks locked the same customers in crossing orders.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { engineSuite } from "../engine/support";
import { createCampaignWithRecipients, envelope, statusesPayload, ts } from "../whatsapp/fixtures";
import { storeWebhookDelivery } from "@/lib/marketing/delivery/store-webhook-delivery";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { pgErrorCode, type Db } from "@/lib/marketing/db";

const { e } = await engineSuite({ noTemplateLibrary: true, poolMax: 16 });

const quiet = { warn: () => {} };
const NOW = new Date("2026-03-02T12:00:00Z");
const CLASSES = [
  { code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement." },
  { code: 131050, title: "User has stopped marketing messages" },
  { code: 131026, title: "Message undeliverable" },
];

/** the database, with every transaction that ended in a deadlock counted (the applier retries them: invisible otherwise) */
function countingDeadlocks(db: Db) {
  const seen = { deadlocks: 0 };
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "$transaction") return Reflect.get(target, prop, receiver);
      return async (...args: unknown[]) => {
        try {
          return await (target.$transaction as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          if (pgErrorCode(error) === "40P01") seen.deadlocks++;
          throw error;
        }
      };
    },
  });
  return { db: wrapped, seen };
}

describe("concurrent appliers writing the same customers", () => {
  it("lock each chunk's customers once, in id order: no deadlock, and every rule applied once", async () => {
    const { db, seen } = countingDeadlocks(e.db);
    const K = 24;
    const ROUNDS = 6;
    let prefix = 17205500000;
    for (let round = 0; round < ROUNDS; round++) {
      const phonePrefix = prefix;
      prefix += 1000;
      // three campaigns to the same K customers, each message recorded
      const campaigns = [];
      for (let c = 0; c < 3; c++) {
        const made = await createCampaignWithRecipients(e.db, K, { phonePrefix });
        await e.db.whatsappMessage.createMany({ data: made.recipients.map((r) => ({
          direction: "outbound", campaignId: made.campaign.id, recipientId: r.id, phoneNumber: r.phoneNumber, whatsappMessageId: r.whatsappMessageId, status: "queued",
        })) });
        campaigns.push(made);
      }
      // customer i fails in campaign c with class (i + c) % 3: the rules reach the customers in a different
      // order in each campaign. Every fourth customer also writes STOP (their own message, in lane 0's chunks)
      const statuses = [];
      for (let i = 0; i < K; i++) {
        for (let c = 0; c < 3; c++) {
          statuses.push({ id: campaigns[c].recipients[i].whatsappMessageId!, status: "failed", at: `2026-03-02T10:0${c}:00Z`, error: CLASSES[(i + c) % 3] });
        }
      }
      // interleaved so that neighbouring chunks hold different campaigns' failures of the same customers
      await storeWebhookDelivery({ db: e.db, now: NOW, payload: statusesPayload(statuses, { changes: 6 }) });
      const stops = campaigns[0].recipients.filter((_, i) => i % 4 === 0).map((r, n) => ({
        from: r.phoneNumber, id: `wamid.STOP.${round}.${n}`, timestamp: ts("2026-03-02T10:30:00Z"), type: "text", text: { body: "STOP" },
      }));
      await storeWebhookDelivery({ db: e.db, now: NOW, payload: envelope([{ field: "messages", value: {
        contacts: stops.map((s) => ({ profile: { name: "Customer" }, wa_id: s.from })), messages: stops,
      } }]) });

      // four drains at once, small chunks: every chunk's customers overlap some other chunk's
      await Promise.all(Array.from({ length: 4 }, () => applyInbox({ db, now: NOW, log: quiet, chunk: 9 })));

      const queued = await e.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM webhook_inbox_pending`);
      expect(queued[0].n).toBe(0);
      const customers = await e.db.userProfile.findMany({ where: { whatsappPhone: { in: campaigns[0].recipients.map((r) => r.phoneNumber) } } });
      expect(customers).toHaveLength(K);
      const wrote = new Set(stops.map((s) => s.from));
      for (const p of customers) {
        // each customer failed once with each class: deferred, unsubscribed, one undeliverable failure counted
        // (cleared again for those who wrote to us afterwards: they are on WhatsApp)
        expect({ phone: p.whatsappPhone, subscription: p.subscription, count: p.undeliverableCount, deferred: p.marketingDeferredUntil !== null })
          .toEqual({ phone: p.whatsappPhone, subscription: "unsubscribed", count: wrote.has(p.whatsappPhone) ? 0 : 1, deferred: true });
      }
      for (const { campaign } of campaigns) {
        const byStatus = await e.db.campaignRecipient.groupBy({ by: ["status"], where: { campaignId: campaign.id }, _count: true });
        // 131049 puts its recipient back (deferred, an attempt spent); the other two fail it
        expect(Object.fromEntries(byStatus.map((s) => [s.status, s._count]))).toEqual({ pending: K / 3, failed: (2 * K) / 3 });
      }
    }
    expect(seen.deadlocks).toBe(0);
  });

  it("a failed status is applied while an audience with the same customer is being added (its key-share locks wait for its commit)", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(e.db, 1, { phonePrefix: 17205599000 });
    await e.db.whatsappMessage.create({ data: { direction: "outbound", campaignId: campaign.id, recipientId: recipients[0].id,
      phoneNumber: recipients[0].phoneNumber, whatsappMessageId: recipients[0].whatsappMessageId, status: "queued" } });
    const customer = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: recipients[0].phoneNumber } });
    const other = await e.db.marketingCampaign.create({ data: { name: "Adding", templateName: "promo", status: "draft" } });
    await storeWebhookDelivery({ db: e.db, now: NOW, payload: statusesPayload([
      { id: recipients[0].whatsappMessageId!, status: "failed", at: "2026-03-02T10:00:00Z", error: CLASSES[1] },
    ]) });
    const outcome = await e.db.$transaction(async (tx) => {
      // adding recipients: the foreign key's check holds a key-share lock on the customer until commit
      await tx.$executeRaw`INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, status, updated_at)
        VALUES (gen_random_uuid(), ${other.id}::uuid, ${customer.whatsappPhone}, ${customer.id}::uuid, 'pending', now())`;
      const applied = applyInbox({ db: e.db, now: NOW, log: quiet }).then(() => "applied" as const);
      return Promise.race([applied, new Promise<"waiting">((r) => setTimeout(() => r("waiting"), 5_000))]);
    }, { timeout: 20_000 });
    expect(outcome).toBe("applied");
    expect(await e.db.userProfile.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ subscription: "unsubscribed" });
  });
});

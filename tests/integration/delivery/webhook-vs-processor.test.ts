/**
 * The delivery pipeline against the processor: 200 rounds in which the processor records sends
 * (finishBatch) while WhatsApp's statuses for the very same messages arrive at the same moment —
 * before, during or after our write, duplicated and reordered — and the webhook stores them and applies
 * them as the route does after its answer. After each round, without any extra sweep: no status lost
 * (every message read), none regressed (earlier rounds still read), counters equal to a recount (read
 * as the readers do: counter rows plus unfolded deltas). The malformed change next to good ones over
 * the real route is in whatsapp/webhook-route.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { storeWebhookDelivery } from "@/lib/marketing/delivery/store-webhook-delivery";
import { finishBatch } from "@/lib/marketing/processing/finish-batch";
import { Prisma } from "@/lib/marketing/db";
import { createTestDb, type TestDb } from "../../support/db";
import { consistency, createCampaignWithRecipients, statusesPayload, type StatusInput } from "../whatsapp/fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ poolMax: 12 });
});
afterAll(async () => {
  await t.drop();
});

const ROUNDS = 200;
const PER_ROUND = 3;
const quiet = { warn: () => {} };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("webhook statuses racing the processor's own write", () => {
  it(`${ROUNDS} rounds: 0 lost or regressed statuses, counters equal to a recount each time`, async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, ROUNDS * PER_ROUND, { status: "pending" });
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const now = new Date("2026-03-02T12:00:00Z");
    for (let round = 0; round < ROUNDS; round++) {
      const batch = recipients.slice(round * PER_ROUND, (round + 1) * PER_ROUND);
      const claimId = crypto.randomUUID();
      await t.db.$executeRaw(Prisma.sql`
        UPDATE campaign_recipients SET status = 'sending', claim_id = ${claimId}::uuid, claimed_at = ${now}::timestamptz, sent_on = '2026-03-02'
        WHERE id = ANY(${batch.map((r) => r.id)}::uuid[])`);
      const wamid = (i: number) => `wamid.RACE.${round}.${i}`;
      const events: StatusInput[] = batch.flatMap((r, i) => [
        { id: wamid(i), status: "sent", at: "2026-03-02T10:00:01Z", biz: r.id },
        { id: wamid(i), status: "delivered", at: "2026-03-02T10:00:02Z", biz: r.id },
        { id: wamid(i), status: "read", at: "2026-03-02T10:00:03Z", biz: r.id },
      ]);
      const shuffled = [...events, ...events.slice(0, 2)].sort(() => rand() - 0.5);
      // Meta's side: one or two deliveries (a re-delivery), each stored then applied as after() does
      const webhook = async (payload: unknown, delay: number) => {
        await pause(delay);
        await storeWebhookDelivery({ db: t.db, payload, now });
        await applyInbox({ db: t.db, now, log: quiet });
      };
      const processor = async (delay: number) => {
        await pause(delay);
        await finishBatch({
          db: t.db, claimId, campaignId: campaign.id, now, timezone: "UTC", maxAttempts: 3, templateName: "promo", languageCode: "en_US",
          outcomes: batch.map((r, i) => ({ id: r.id, phone: r.phoneNumber, kind: "sent" as const, at: now, result: { ok: true as const, wamid: wamid(i), waId: r.phoneNumber, messageStatus: "accepted" } })),
        });
      };
      const d = () => Math.floor(rand() * 4);
      await Promise.all([
        processor(d()),
        webhook(statusesPayload(shuffled.slice(0, 5)), d()),
        webhook(statusesPayload(shuffled.slice(5)), d()),
        ...(round % 3 === 0 ? [webhook(statusesPayload([...shuffled].reverse()), d())] : []),
      ]);
      const [row] = await t.db.$queryRaw<Array<{ read: bigint; other: bigint; waiting: bigint }>>(Prisma.sql`
        SELECT (SELECT count(*) FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid AND status = 'read') AS read,
               (SELECT count(*) FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid AND status NOT IN ('read', 'pending')) AS other,
               (SELECT count(*) FROM webhook_inbox WHERE state = 'pending') AS waiting`);
      // every status of this round and the earlier ones applied: nothing lost, nothing moved back
      expect({ round, read: Number(row.read), other: Number(row.other), waiting: Number(row.waiting) })
        .toEqual({ round, read: (round + 1) * PER_ROUND, other: 0, waiting: 0 });
      const k = await consistency(t.db, campaign.id);
      expect({ round, counters: k.counters }).toEqual({ round, counters: k.recount });
      expect(k.analyticsMismatches).toBe(0);
    }
    // each send recorded once in whatsapp_messages, read
    const msgs = await t.db.whatsappMessage.groupBy({ by: ["status"], where: { campaignId: campaign.id }, _count: true });
    expect(msgs.map((m) => [m.status, m._count])).toEqual([["read", ROUNDS * PER_ROUND]]);
  });
});

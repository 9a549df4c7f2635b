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
import { Prisma } from "@/lib/marketing/db";
import { createTestDb, type TestDb } from "../../support/db";
import { seededRandom, startDeliveryRound } from "../../support/delivery-race";
import { consistency, createCampaignWithRecipients, statusesPayload } from "../whatsapp/fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ poolMax: 12 });
});
afterAll(async () => {
  await t.drop();
});

const ROUNDS = 200;
const PER_ROUND = 3;

describe("webhook statuses racing the processor's own write", () => {
  it(`${ROUNDS} rounds: 0 lost or regressed statuses, counters equal to a recount each time`, async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, ROUNDS * PER_ROUND, { status: "pending" });
    const rand = seededRandom(7);
    const now = new Date("2026-03-02T12:00:00Z");
    for (let round = 0; round < ROUNDS; round++) {
      const batch = recipients.slice(round * PER_ROUND, (round + 1) * PER_ROUND);
      // Meta's side: one or two deliveries (a re-delivery), each stored then applied as after() does
      const { events, webhook, processor } = await startDeliveryRound({ db: t.db, campaignId: campaign.id, batch, round, tag: "RACE", day: "2026-03-02", now });
      const shuffled = [...events, ...events.slice(0, 2)].sort(() => rand() - 0.5);
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
               (SELECT count(*) FROM webhook_inbox_pending) AS waiting`);
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

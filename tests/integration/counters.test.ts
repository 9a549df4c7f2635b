/**
 * The database keeps marketing_campaigns' counters, the send schedule and campaign_analytics equal to
 * what campaign_recipients says, incrementally, on every insert, status change and delete.
 */
import { foldCounterDeltas } from "@/lib/marketing/delivery/counter-deltas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../support/db";
import { checkConsistency } from "./engine/support";
import { Prisma } from "@/lib/marketing/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

const STATUSES = ["pending", "sending", "queued", "sent", "delivered", "read", "failed", "skipped", "unknown"];

async function analyticsMismatches(campaignId: string) {
  // a reader folds the appended counter deltas first
  await foldCounterDeltas(t.db);
  return t.db.$queryRaw<unknown[]>`
    WITH truth AS (
      SELECT sent_on AS d,
        count(*) FILTER (WHERE status IN ('queued','sent','delivered','read')) AS sent,
        count(*) FILTER (WHERE status IN ('delivered','read')) AS delivered,
        count(*) FILTER (WHERE status = 'read') AS read,
        count(*) FILTER (WHERE status = 'failed') AS failed
      FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND sent_on IS NOT NULL GROUP BY 1)
    SELECT * FROM truth FULL JOIN (SELECT * FROM campaign_analytics WHERE campaign_id = ${campaignId}::uuid) a ON a.date = truth.d
    WHERE coalesce(truth.sent, 0) <> coalesce(a.messages_sent, 0) OR coalesce(truth.delivered, 0) <> coalesce(a.messages_delivered, 0)
       OR coalesce(truth.read, 0) <> coalesce(a.messages_read, 0) OR coalesce(truth.failed, 0) <> coalesce(a.messages_failed, 0)`;
}

describe("counter triggers", () => {
  it("keep every counter equal to a recount through inserts, status changes and deletes", async () => {
    const campaigns = await Promise.all(
      [1, 2].map((i) => t.db.marketingCampaign.create({ data: { name: `C${i}`, templateName: "promo" } })),
    );
    const ids = campaigns.map((c) => c.id);
    // bulk insert, then a second insert with conflicts
    for (const id of ids) {
      await t.db.$executeRaw`
        INSERT INTO campaign_recipients (id, campaign_id, phone_number, updated_at)
        SELECT gen_random_uuid(), ${id}::uuid, (15550000000 + g)::text, now() FROM generate_series(1, 2000) g`;
      await t.db.$executeRaw`
        INSERT INTO campaign_recipients (id, campaign_id, phone_number, updated_at)
        SELECT gen_random_uuid(), ${id}::uuid, (15550000000 + g)::text, now() FROM generate_series(1500, 2600) g
        ON CONFLICT ON CONSTRAINT unique_campaign_recipient DO NOTHING`;
    }
    // schedule, then random status walks in many statement shapes (single rows, sets, both campaigns at once)
    await t.db.$executeRaw`
      UPDATE campaign_recipients r SET scheduled_send_date = date '2025-01-15' + ((x.rn - 1) / 250)::int
      FROM (SELECT id, row_number() OVER (PARTITION BY campaign_id ORDER BY id) AS rn FROM campaign_recipients) x WHERE x.id = r.id`;
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let step = 0; step < 60; step++) {
      const from = STATUSES[Math.floor(rand() * STATUSES.length)];
      const to = STATUSES[Math.floor(rand() * STATUSES.length)];
      const day = Math.floor(rand() * 11);
      const mod = 2 + Math.floor(rand() * 5);
      const sentOn = rand() < 0.8 ? Prisma.sql`scheduled_send_date` : Prisma.sql`NULL`;
      await t.db.$executeRaw`
        UPDATE campaign_recipients SET status = ${to},
          sent_on = ${sentOn},
          claim_id = CASE WHEN ${to} = 'sending' THEN gen_random_uuid() ELSE claim_id END,
          claimed_at = CASE WHEN ${to} = 'sending' THEN now() ELSE claimed_at END
        WHERE status = ${from} AND scheduled_send_date = date '2025-01-15' + ${day}::int
          AND (hashtext(phone_number) % ${mod}) = 0`;
      if (step % 10 === 0) {
        // move some to another day (rollover), and a single-row change
        await t.db.$executeRaw`
          UPDATE campaign_recipients SET scheduled_send_date = scheduled_send_date + 1
          WHERE status = 'pending' AND (hashtext(phone_number) % 7) = 0`;
        const one = await t.db.campaignRecipient.findFirst({ where: { campaignId: ids[0] } });
        if (one) await t.db.campaignRecipient.update({ where: { id: one.id }, data: { status: "read", sentOn: one.scheduledSendDate } });
      }
    }
    // deletes
    await t.db.$executeRaw`DELETE FROM campaign_recipients WHERE (hashtext(phone_number) % 9) = 0`;

    for (const id of ids) {
      const { recount: r, counters, scheduleMismatches } = await checkConsistency(t.db, id);
      expect(counters).toEqual(r);
      expect(r.total).toBeGreaterThan(2000);
      expect(scheduleMismatches).toBe(0);
      expect(await analyticsMismatches(id)).toEqual([]);
    }
  });

  it("lets the spec's monitoring queries run verbatim", async () => {
    const c = await t.db.marketingCampaign.create({ data: { name: "Monitor", templateName: "promo", status: "active" } });
    await t.db.$executeRaw`INSERT INTO user_profiles (id, whatsapp_phone, subscription, updated_at) VALUES (gen_random_uuid(), '14694652751', 'unsubscribed', now())`;
    await t.db.$executeRaw`INSERT INTO campaign_recipients (id, campaign_id, phone_number, status, failure_reason, failed_at, scheduled_send_date, updated_at)
      VALUES (gen_random_uuid(), ${c.id}::uuid, '14694652751', 'failed', 'Error message', now(), CURRENT_DATE, now())`;
    const queries = [
      `SELECT name, status, total_target_customers, messages_sent, messages_pending,
         ROUND(messages_sent::decimal / total_target_customers * 100, 2) as progress_pct
       FROM marketing_campaigns WHERE status = 'active'`,
      `SELECT c.name, s.send_date, s.batch_size, s.messages_sent, s.status
       FROM campaign_send_schedule s JOIN marketing_campaigns c ON s.campaign_id = c.id WHERE s.send_date = CURRENT_DATE`,
      `SELECT r.phone_number, r.failure_reason, r.retry_count, r.failed_at FROM campaign_recipients r
       WHERE r.campaign_id = '${c.id}' AND r.status = 'failed'`,
      `SELECT r.phone_number, r.status, u.subscription FROM campaign_recipients r
       JOIN user_profiles u ON r.phone_number = u.whatsapp_phone
       WHERE r.campaign_id = '${c.id}' AND u.subscription = 'unsubscribed'`,
    ];
    // the counters as folded (the applier and the processor fold after their work)
    await foldCounterDeltas(t.db);
    const counts = [];
    for (const q of queries) counts.push((await t.db.$queryRawUnsafe<unknown[]>(q)).length);
    expect(counts).toEqual([1, 1, 1, 1]);
  });
});

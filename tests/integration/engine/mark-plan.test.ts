/**
 * A processor marks a handful of rows just before their requests (mark-sending.ts), about once per
 * request a second at Meta's cap, so the mark must cost a few index probes whatever PostgreSQL's statistics
 * say. The statement is prepared and runs on a generic plan after five runs. Two plans made it read far
 * more than the rows it marks (measured in `npm run bench` scenario 4: 5.3 ms a mark, 31 s of the
 * database's time for 40,000 sends):
 *  - the pair-rate check (EXISTS … OR EXISTS a recent request to the number) was planned as a hashed
 *    subplan over every outbound request of the last 6 s: ~5,500 index entries at 920 msg/s, per mark;
 *  - the rows were found through the in-flight index (status = 'sending'), judged nearly empty from
 *    statistics taken while nothing was in flight, and every row in flight was read and filtered by id.
 * This test builds that situation (statistics taken with nothing in flight, then many rows claimed, many
 * recent requests) and reads the generic plan: the rows come from the primary key and each number is
 * looked up through the phone indexes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/marketing/db";
import { markSending } from "@/lib/marketing/processing/mark-sending";
import { createTestDb, type TestDb } from "../../support/db";
import { querySpy } from "../../support/query-spy";
import { createCampaignWithRecipients } from "../whatsapp/fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe("markSending's plan", () => {
  it("finds its rows by primary key and checks each number's recent requests through the phone indexes, however many are in flight or were sent", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, 3000, { status: "pending", sentOn: "2026-03-10", customers: false });
    const now = new Date();
    // many requests in the last seconds, to other numbers (a number's own would hold it back)
    await t.db.$executeRaw(Prisma.sql`
      INSERT INTO whatsapp_messages (id, direction, campaign_id, phone_number, whatsapp_message_id, status, message_type, sent_at, created_at, updated_at)
      SELECT uuidv7(), 'outbound', ${campaign.id}::uuid, (16660000000 + g)::text, 'wamid.plan.' || g, 'sent', 'template',
        ${now}::timestamptz - make_interval(secs => (g % 5000) / 1000.0), now(), now()
      FROM generate_series(1, 6000) g`);
    // statistics taken while nothing is in flight ...
    await t.db.$executeRawUnsafe("ANALYZE campaign_recipients");
    await t.db.$executeRawUnsafe("ANALYZE whatsapp_messages");
    // ... then a large claim in flight
    const claimId = "7b0c6a2e-3d7f-4c43-9c55-0f6f1c1d2e3a";
    await t.db.$executeRaw(Prisma.sql`
      UPDATE campaign_recipients SET status = 'sending', claim_id = ${claimId}::uuid, claimed_at = ${now}::timestamptz
      WHERE campaign_id = ${campaign.id}::uuid AND phone_number <= ${recipients[1999].phoneNumber}`);

    const spy = querySpy(t.db, { explain: "generic" });
    const part = recipients.slice(0, 3).map((r) => ({ id: r.id, phone: r.phoneNumber }));
    const marked = await markSending({ db: spy.db, claimId, recipients: part, now });
    expect([...marked].sort()).toEqual(part.map((r) => r.id).sort());

    expect(spy.plans).toHaveLength(1);
    const plan = spy.plans[0];
    expect(plan).not.toMatch(/hashed SubPlan/);
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).not.toMatch(/campaign_recipients_sending_idx/);
    // the rows it marks, by id (in `mine`, and the update's own scan)
    expect(plan).toMatch(/Index Scan (using|on) campaign_recipients_pkey[^\n]*\n\s+Index Cond: \(id = ANY \(\$1\)\)/);
    expect(plan).toMatch(/Index Scan using campaign_recipients_pkey on campaign_recipients r [^\n]*\n\s+Index Cond: \(id = m\.id\)/);
    // each number's recent requests, by number
    expect(plan).toMatch(/using campaign_recipients_phone_number_idx on campaign_recipients o [^\n]*\n\s+Index Cond: \(phone_number = /);
    expect(plan).toMatch(/using whatsapp_messages_outbound_phone_sent_at_idx on whatsapp_messages w [^\n]*\n\s+Index Cond: \(\(phone_number = /);
  });
});

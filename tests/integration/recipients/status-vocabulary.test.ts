/**
 * One status vocabulary: the database's status groups (the functions the counter fold counts by) and its
 * CHECK constraints list exactly what lib/marketing/recipients/recipient-status.ts and
 * lib/marketing/campaigns/campaign-status.ts list, so SQL and TypeScript cannot drift apart; and the
 * group functions are folded to constants by the planner (the fold costs what literal lists cost).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAMPAIGN_STATUSES } from "@/lib/marketing/campaigns/campaign-status";
import { DELIVERED_STATUSES, PENDING_STATUSES, RECIPIENT_STATUSES, SENT_STATUSES, stageOf } from "@/lib/marketing/recipients/recipient-status";
import { createTestDb, type TestDb } from "../../support/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

/** the quoted values of a CHECK (status IN (...)) constraint, in order */
async function checkedValues(table: string, constraint: string): Promise<string[]> {
  const [row] = await t.db.$queryRaw<Array<{ def: string }>>`
    SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
    WHERE c.conrelid = ${table}::regclass AND c.conname = ${constraint}`;
  return [...row.def.matchAll(/'([^']*)'::text/g)].map((m) => m[1]);
}

describe("status vocabulary", () => {
  it("the SQL status groups are the TypeScript lists", async () => {
    const [row] = await t.db.$queryRaw<Array<{ pending: string[]; sent: string[]; delivered: string[] }>>`
      SELECT wac_pending_statuses() AS pending, wac_sent_statuses() AS sent, wac_delivered_statuses() AS delivered`;
    expect(row).toEqual({ pending: [...PENDING_STATUSES], sent: [...SENT_STATUSES], delivered: [...DELIVERED_STATUSES] });
  });

  it("the CHECK constraints allow exactly the TypeScript statuses", async () => {
    expect(await checkedValues("campaign_recipients", "campaign_recipients_status_check")).toEqual([...RECIPIENT_STATUSES]);
    expect(await checkedValues("marketing_campaigns", "marketing_campaigns_status_check")).toEqual([...CAMPAIGN_STATUSES]);
  });

  it("the planner folds the group functions into constant lists", async () => {
    const rows = await t.db.$queryRaw<Array<{ "QUERY PLAN": string }>>`
      EXPLAIN (VERBOSE, COSTS OFF)
      SELECT count(*) FILTER (WHERE s = ANY (wac_sent_statuses())) FROM unnest(ARRAY['sent', 'pending']) s`;
    const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).not.toContain("wac_sent_statuses");
    expect(plan).toContain("{queued,sent,delivered,read}");
  });

  it("the generated stage of every status is stageOf's", async () => {
    const c = await t.db.marketingCampaign.create({ data: { name: "Stages", templateName: "promo" } });
    await t.db.$executeRaw`
      INSERT INTO campaign_recipients (campaign_id, phone_number, status, claim_id, claimed_at)
      SELECT ${c.id}::uuid, (15550100000 + i)::text, s, gen_random_uuid(), now()
      FROM unnest(${[...RECIPIENT_STATUSES]}::text[]) WITH ORDINALITY AS x(s, i)`;
    const rows = await t.db.$queryRaw<Array<{ status: string; stage: string }>>`
      SELECT status, stage FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid ORDER BY phone_number`;
    expect(rows).toEqual(RECIPIENT_STATUSES.map((s) => ({ status: s, stage: stageOf(s) })));
  });
});

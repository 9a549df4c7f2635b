/**
 * The applier's DELETE from the queue (unqueueSql in apply-inbox.ts) keeps a plan linear in its chunk
 * when the queue's statistics say it is empty and it holds a backlog. That is the queue after a drain: its
 * last ANALYZE saw pages of deleted rows and none live (0 rows a page, so any size looks like one row). Its
 * generic plan (the statement is prepared), on 50,000 queued rows, reads the chunk's rows only. The
 * statement it replaced, a join of unnest(lanes, ids) on (lane, id), read the whole queue and, for each of
 * its rows, all the chunk's ids: 200,000,000 rows for a chunk of 4,000 (a bench run caught both lanes'
 * DELETEs on the CPU for 16–25 s, and earlier runs had chunk transactions of 104 and 131 s).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INBOX_RETENTION_MS, pruneStepSql, unqueueSql } from "@/lib/marketing/delivery/apply-inbox";
import { INBOX_LANES } from "@/lib/marketing/delivery/store-webhook-delivery";
import { createTestDb, type TestDb } from "../../support/db";

let t: TestDb;
let c: pg.Client;
const QUEUED = 50_000;
const CHUNK = 4_000;

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Actual Loops"?: number; "Actual Rows"?: number; Plans?: PlanNode[] };
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

beforeAll(async () => {
  t = await createTestDb();
  c = new pg.Client({ connectionString: t.url });
  await c.connect();
  // the queue as the planner saw it at its last ANALYZE: drained (its pages full of deleted rows, none
  // live: 0 rows a page); then a backlog arrives (ids of two lanes)
  const queue = (from: number) => c.query(`INSERT INTO webhook_inbox_pending (lane, id, whatsapp_message_id)
    SELECT (g % 2)::smallint, g, 'wamid.Q.' || g FROM generate_series(${from}, ${from + QUEUED - 1}) g`);
  await c.query("ALTER TABLE webhook_inbox_pending SET (autovacuum_enabled = false)");
  await queue(1_000_001);
  await c.query("DELETE FROM webhook_inbox_pending");
  await c.query("ANALYZE webhook_inbox_pending");
  await queue(1);
});
afterAll(async () => {
  await c.end();
  await t.drop();
});

/** a statement's generic plan for these arguments (with `analyze`: run, and rolled back) */
async function genericPlan(sql: { text: string }, args: Array<{ type: string; literal: string }>, analyze = true) {
  await c.query("BEGIN");
  try {
    await c.query("SET LOCAL plan_cache_mode = force_generic_plan");
    await c.query("DEALLOCATE ALL");
    await c.query(`PREPARE q (${args.map((a) => a.type).join(", ")}) AS ${sql.text}`);
    const { rows } = await c.query(`EXPLAIN (ANALYZE ${analyze}, FORMAT JSON) EXECUTE q(${args.map((a) => a.literal).join(", ")})`);
    return (rows[0]["QUERY PLAN"] as Array<{ Plan: PlanNode }>)[0].Plan;
  } finally {
    await c.query("ROLLBACK");
  }
}

const arrayOf = (type: string, values: unknown[]) => ({ type, literal: `'{${values.join(",")}}'` });

const chunk = Array.from({ length: CHUNK }, (_, i) => BigInt(20_001 + i)).map((id) => ({ id, lane: Number(id % 2n) }));

describe("the applier's DELETE from the queue", () => {
  it("reads the queue at most once on a backlog the statistics do not know, and deletes exactly the chunk", async () => {
    const sql = unqueueSql(chunk);
    const plan = await genericPlan(sql, [arrayOf("smallint[]", sql.values[0] as unknown[]), arrayOf("bigint[]", sql.values[1] as unknown[])]);
    const scans = nodes(plan).filter((n) => n["Relation Name"] === "webhook_inbox_pending");
    expect(scans.length).toBeGreaterThan(0);
    // every node runs once (no nested loop), the queue's scan returns the chunk only
    for (const n of nodes(plan)) expect(n["Actual Loops"]).toBe(1);
    const deleted = nodes(plan).find((n) => n["Relation Name"] === "webhook_inbox_pending" && n["Node Type"] !== "ModifyTable");
    expect(deleted?.["Actual Rows"]).toBe(CHUNK);
  });

  it("(the statement it replaced, in the same state: the whole queue read, and the ids read again for each of its rows)", async () => {
    const lanes = chunk.map((r) => r.lane);
    const ids = chunk.map((r) => String(r.id));
    // not run: it takes ~50 s here
    const plan = await genericPlan(
      { text: "DELETE FROM webhook_inbox_pending p USING unnest($1::smallint[], $2::bigint[]) AS v(lane, id) WHERE p.lane = v.lane AND p.id = v.id" },
      [arrayOf("smallint[]", lanes), arrayOf("bigint[]", ids)], false);
    // ModifyTable → Nested Loop: for each row of the whole queue (outer), the chunk's ids again (inner)
    const [join] = plan.Plans ?? [];
    expect(join["Node Type"]).toBe("Nested Loop");
    const [outer, inner] = join.Plans ?? [];
    expect(outer["Relation Name"]).toBe("webhook_inbox_pending");
    expect(inner["Node Type"]).toBe("Function Scan");
  });
});

describe("the prune's DELETE from the queue", () => {
  it("reads the queue once, and what it pruned once, on a backlog the statistics do not know", async () => {
    // 4,000 statuses past Meta's retry window whose sends were never recorded: in the inbox and still queued
    await c.query(`INSERT INTO webhook_inbox (id, dedupe_key, kind, field, state, whatsapp_message_id, value, received_at)
      SELECT g, 's:wamid.P.' || g || ':delivered', 'status', 'messages', 'accepted', 'wamid.P.' || g, '{}'::jsonb, now() - interval '8 days'
      FROM generate_series(100001, 104000) g`);
    await c.query(`INSERT INTO webhook_inbox_pending (lane, id, whatsapp_message_id)
      SELECT webhook_inbox_lane('status', 'wamid.P.' || g, ${INBOX_LANES}), g, 'wamid.P.' || g FROM generate_series(100001, 104000) g`);
    const cutoff = new Date(Date.now() - INBOX_RETENTION_MS);
    const plan = await genericPlan(pruneStepSql(cutoff, 10_000), [
      { type: "timestamptz", literal: `'${cutoff.toISOString()}'` }, { type: "int", literal: "10000" }, { type: "int", literal: String(INBOX_LANES) }]);
    const all = nodes(plan);
    for (const n of all.filter((x) => x["Relation Name"] === "webhook_inbox_pending" || x["Node Type"] === "CTE Scan")) {
      expect(n["Actual Loops"], JSON.stringify(n)).toBeLessThanOrEqual(1);
    }
    // the queue's rows of the pruned statuses, and those only
    const unqueued = all.find((x) => x["Relation Name"] === "webhook_inbox_pending" && x["Node Type"] !== "ModifyTable");
    expect(unqueued?.["Actual Rows"]).toBe(4_000);
  });
});

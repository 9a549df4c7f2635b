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
import { unqueueSql } from "@/lib/marketing/delivery/apply-inbox";
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

/** the statement's generic plan on the chunk of ids 20,001 … 24,000 (with `analyze`: run, and rolled back) */
async function genericPlan(sql: { text: string; values: unknown[] }, analyze = true) {
  await c.query("BEGIN");
  try {
    await c.query("SET LOCAL plan_cache_mode = force_generic_plan");
    const types = sql.values.map((v) => (Array.isArray(v) && typeof v[0] === "number" ? "smallint[]" : "bigint[]"));
    await c.query("DEALLOCATE ALL");
    await c.query(`PREPARE unqueue (${types.join(", ")}) AS ${sql.text}`);
    const args = sql.values.map((v) => `'{${(v as unknown[]).join(",")}}'`).join(", ");
    const { rows } = await c.query(`EXPLAIN (ANALYZE ${analyze}, FORMAT JSON) EXECUTE unqueue(${args})`);
    return (rows[0]["QUERY PLAN"] as Array<{ Plan: PlanNode }>)[0].Plan;
  } finally {
    await c.query("ROLLBACK");
  }
}

const chunk = Array.from({ length: CHUNK }, (_, i) => BigInt(20_001 + i)).map((id) => ({ id, lane: Number(id % 2n) }));

describe("the applier's DELETE from the queue", () => {
  it("reads the queue at most once on a backlog the statistics do not know, and deletes exactly the chunk", async () => {
    const sql = unqueueSql(chunk);
    const plan = await genericPlan({ text: sql.text, values: sql.values });
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
    const plan = await genericPlan({
      text: "DELETE FROM webhook_inbox_pending p USING unnest($1::smallint[], $2::bigint[]) AS v(lane, id) WHERE p.lane = v.lane AND p.id = v.id",
      values: [lanes, ids],
    }, false);
    // ModifyTable → Nested Loop: for each row of the whole queue (outer), the chunk's ids again (inner)
    const [join] = plan.Plans ?? [];
    expect(join["Node Type"]).toBe("Nested Loop");
    const [outer, inner] = join.Plans ?? [];
    expect(outer["Relation Name"]).toBe("webhook_inbox_pending");
    expect(inner["Node Type"]).toBe("Function Scan");
  });
});

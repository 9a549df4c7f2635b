/**
 * `npx tsx bench/indexes.ts [recipients]`: every index of campaign_recipients, the query that needs it and
 * that query's plan (EXPLAIN, costs off), on a throw-away embedded PostgreSQL with the migrations applied
 * and a campaign of `recipients` (default 200,000) in every status, plus a second campaign, ANALYZEd.
 * An index of the table that no query below uses is reported as such. The queries are the app's own
 * statements (or their reading part) with literal values; README › Performance › Indexes shows the output.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres } from "../scripts/embedded-postgres";
import { DELIVERED_STATUSES, SENT_STATUSES } from "@/lib/marketing/recipients/recipient-status";
import { ATTEMPTED_STAGES_SQL } from "@/lib/marketing/recipients/recipient-status-sql";
import { Prisma } from "@/lib/marketing/db";
import { dueRecipientsSql } from "@/lib/marketing/recipients/due-recipients";

/** a status group as a literal SQL list, `('a', 'b')` (the plans below are of literal values) */
const literalList = (group: readonly string[]) => `(${group.map((s) => `'${s}'`).join(", ")})`;

const n = Number(process.argv[2] ?? 200_000);

const SETUP = (count: number) => `
INSERT INTO user_profiles (id, whatsapp_phone, name, subscription, is_active, created_at, updated_at)
SELECT gen_random_uuid(), (12025500000 + g)::text, 'C' || g, 'subscribed', true, now(), now() FROM generate_series(0, ${count + 50_000 - 1}) g;
INSERT INTO marketing_campaigns (id, name, template_name, status, daily_send_limit, updated_at) VALUES
  ('00000000-0000-7000-8000-00000000000a', 'A', 'promo', 'active', 10000, now()),
  ('00000000-0000-7000-8000-00000000000b', 'B', 'promo', 'draft', 10000, now());
-- campaign A: 1% sending, 20% delivered or read, 2% failed, 1% deferred, the rest pending over 20 days;
-- 0.5% clicked, 0.5% replied
INSERT INTO campaign_recipients (campaign_id, phone_number, customer_id, status, scheduled_send_date, sent_on, claim_id, claimed_at,
  whatsapp_message_id, sent_at, delivered_at, failed_at, error_code, click_token, first_clicked_at, replied_at, deferred_reason, next_attempt_at, market, created_at, updated_at)
SELECT '00000000-0000-7000-8000-00000000000a', u.whatsapp_phone, u.id, s.status,
  current_date + (g / 10000), CASE WHEN s.status <> 'pending' THEN current_date END,
  CASE WHEN s.status = 'sending' THEN gen_random_uuid() END, CASE WHEN s.status = 'sending' THEN now() END,
  CASE WHEN s.status IN ${literalList(DELIVERED_STATUSES)} THEN 'wamid.' || g END,
  CASE WHEN s.status IN ${literalList(DELIVERED_STATUSES)} THEN now() - make_interval(secs => g) END,
  CASE WHEN s.status = 'read' THEN now() END,
  CASE WHEN s.status = 'failed' THEN now() - make_interval(secs => g) END, CASE WHEN s.status = 'failed' THEN 131026 END,
  CASE WHEN s.status IN ${literalList(DELIVERED_STATUSES)} THEN md5(g::text) END,
  CASE WHEN s.status = 'read' AND g % 40 = 0 THEN now() END, CASE WHEN s.status = 'read' AND g % 40 = 1 THEN now() END,
  CASE WHEN s.status = 'pending' AND g % 100 = 50 THEN 'frequency_cap' END, CASE WHEN s.status = 'pending' AND g % 100 = 50 THEN now() + interval '1 day' END,
  CASE WHEN g % 2 = 0 THEN 'North America' END, now(), now()
FROM generate_series(0, ${count - 1}) g
JOIN user_profiles u ON u.whatsapp_phone = (12025500000 + g)::text
CROSS JOIN LATERAL (SELECT CASE WHEN g % 100 = 0 THEN 'sending' WHEN g % 100 < 11 THEN 'delivered' WHEN g % 100 < 21 THEN 'read'
  WHEN g % 100 < 23 THEN 'failed' ELSE 'pending' END AS status) s;
-- campaign B: 50,000 pending, not scheduled (a draft)
INSERT INTO campaign_recipients (campaign_id, phone_number, customer_id, status, created_at, updated_at)
SELECT '00000000-0000-7000-8000-00000000000b', u.whatsapp_phone, u.id, 'pending', now(), now()
FROM generate_series(${count}, ${count + 50_000 - 1}) g JOIN user_profiles u ON u.whatsapp_phone = (12025500000 + g)::text;
`;

const A_ID = "00000000-0000-7000-8000-00000000000a";
const A = `'${A_ID}'::uuid`;
/** the claim's due day (tomorrow: two days of campaign A's pending rows) and clock, as literals in the plans below */
const DUE = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const NOW = new Date();

/** a domain statement with its values written in as literals (EXPLAIN of the statement as the app runs it) */
function sqlOf(q: Prisma.Sql): string {
  return q.text.replace(/\$(\d+)/g, (_, i: string) => {
    const v = q.values[Number(i) - 1];
    return `'${(v instanceof Date ? v.toISOString() : String(v)).replace(/'/g, "''")}'`;
  });
}
const B = "'00000000-0000-7000-8000-00000000000b'::uuid";

/** index → the statements that need it (where: the module that runs them) */
export const QUERIES: Array<{ index: string; where: string; sql: string }> = [
  { index: "campaign_recipients_pkey", where: "processing/finish-batch.ts (every finish, by recipient id)",
    sql: `SELECT r.id FROM campaign_recipients r JOIN unnest(ARRAY(SELECT id FROM campaign_recipients WHERE campaign_id = ${A} AND stage = 'sending' LIMIT 500)) v(id) ON r.id = v.id` },
  { index: "unique_campaign_recipient", where: "recipients/add-recipients.ts (ON CONFLICT arbiter); recipients/search-recipients.ts (all recipients, by number)",
    sql: `INSERT INTO campaign_recipients (campaign_id, phone_number, status, updated_at) SELECT ${B}, (12025500000 + g)::text, 'pending', now() FROM generate_series(1, 10) g ON CONFLICT ON CONSTRAINT unique_campaign_recipient DO NOTHING` },
  { index: "campaign_recipients_phone_number_idx", where: "processing/mark-sending.ts (the pair rate: a number's recent send_started_at); processing/claim-batch.ts recentMarketingSendsSql; engagement/attribute-replies.ts; delivery/apply-inbound.ts (number change); customers/erase-customer.ts",
    sql: `SELECT r.id, r.campaign_id FROM campaign_recipients r WHERE r.phone_number = '12025500011' AND r.sent_at IS NOT NULL AND r.sent_at <= now() AND r.sent_at > now() - interval '72 hours' AND r.status IN ${literalList(SENT_STATUSES)} ORDER BY r.sent_at DESC, r.id DESC LIMIT 1` },
  { index: "campaign_recipients_customer_id_idx", where: "customers/erase-customer.ts, customers/get-customer-with-history.ts (with the phone index, BitmapOr); ON DELETE SET NULL of user_profiles",
    sql: `SELECT id FROM campaign_recipients WHERE customer_id = (SELECT id FROM user_profiles WHERE whatsapp_phone = '12025500011') OR phone_number IN ('12025500011')` },
  { index: "campaign_recipients_queue_idx", where: "processing/claim-batch.ts, cost/budget.ts via recipients/due-recipients.ts (fresh due rows in queue order, the day a filter; the scan ends after the last due row the schedule counts)",
    sql: sqlOf(dueRecipientsSql({ campaignId: A_ID, due: DUE, now: NOW, limit: 500, lock: true })) },
  { index: "campaign_recipients_held_idx", where: "recipients/due-recipients.ts (deferred or backed-off rows: the claim's first branch, and the gate's count)",
    sql: `SELECT count(*) FROM campaign_recipients r WHERE r.campaign_id = ${A} AND r.stage = 'pending' AND (r.deferred_reason IS NOT NULL OR r.next_attempt_at IS NOT NULL) AND r.scheduled_send_date <= current_date + 1` },
  { index: "campaign_recipients_sending_idx", where: "processing/reconcile-stale-claims.ts (claims older than the cutoff, every run)",
    sql: `SELECT id FROM campaign_recipients WHERE stage = 'sending' AND claimed_at < now() - interval '10 minutes'` },
  { index: "campaign_recipients_campaign_stage_id_idx", where: "recipients/search-recipients.ts (a status, by id within its stage); recipients/find-recipients.ts; activation's pending count; recipients/pack-schedule.ts attemptsOnDay; recipients/due-recipients.ts (a campaign's claims in flight, subtracted from the schedule)",
    sql: `SELECT r.id FROM campaign_recipients r WHERE r.campaign_id = ${A} AND r.stage = 'failed' ORDER BY r.id LIMIT 51` },
  { index: "campaign_recipients_deferred_idx", where: "stats/get-campaign-stats.ts, the campaign page (deferred counts)",
    sql: `SELECT deferred_reason, count(*) FROM campaign_recipients WHERE campaign_id = ${A} AND stage = 'pending' AND deferred_reason IS NOT NULL GROUP BY 1` },
  { index: "campaign_recipients_guard_attempts_idx", where: "sending/failure-guard.ts measureFailures (the last `window` attempts)",
    sql: `SELECT status, error_code FROM campaign_recipients WHERE campaign_id = ${A} AND stage IN ${ATTEMPTED_STAGES_SQL.sql} AND coalesce(sent_at, failed_at) IS NOT NULL ORDER BY coalesce(sent_at, failed_at) DESC LIMIT 500` },
  { index: "campaign_recipients_clicked_idx", where: "engagement/engagement-stats.ts (clickers of a campaign)",
    sql: `SELECT count(*) FROM campaign_recipients WHERE campaign_id = ${A} AND first_clicked_at IS NOT NULL` },
  { index: "campaign_recipients_replied_idx", where: "engagement/engagement-stats.ts (repliers of a campaign)",
    sql: `SELECT count(*) FROM campaign_recipients WHERE campaign_id = ${A} AND replied_at IS NOT NULL` },
  { index: "campaign_recipients_whatsapp_message_id_key", where: "delivery/apply-statuses.ts (a status → its recipient); unique once set",
    sql: `SELECT r.id FROM unnest(ARRAY['wamid.11', 'wamid.12']) ev(wamid) JOIN campaign_recipients r ON r.whatsapp_message_id = ev.wamid` },
  { index: "campaign_recipients_click_token_key", where: "engagement/record-click.ts (a tap → its recipient); unique once set",
    sql: `SELECT r.variant FROM campaign_recipients r WHERE r.click_token = md5('11')` },
  { index: "campaign_recipients_market_missing_idx", where: "cost/assign-markets.ts, cost/stage-markets.ts (recipients without a market, keyset by id)",
    sql: `SELECT id, phone_number FROM campaign_recipients WHERE campaign_id = ANY(ARRAY[${B}]) AND market IS NULL ORDER BY campaign_id, id LIMIT 5000` },
];

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wac-indexes-"));
  const pgServer = await startEmbeddedPostgres({ dir: path.join(tmp, "data"), persistent: false, quiet: true });
  try {
    await ensureDatabase(pgServer.url("postgres"), "wac_indexes");
    const url = pgServer.url("wac_indexes");
    const migrate = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
    if (migrate.status !== 0) throw new Error(`migrate deploy failed:\n${migrate.stdout}${migrate.stderr}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(SETUP(n));
      await client.query("VACUUM ANALYZE campaign_recipients");
      await client.query("VACUUM ANALYZE user_profiles");
      const { rows: indexes } = await client.query<{ name: string; def: string }>(
        "SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'campaign_recipients' ORDER BY indexname");
      const used = new Set<string>();
      for (const q of QUERIES) {
        const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (COSTS OFF) ${q.sql}`);
        const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
        for (const ix of indexes) if (plan.includes(ix.name)) used.add(ix.name);
        const def = indexes.find((i) => i.name === q.index)?.def ?? "(missing)";
        console.log(`\n### ${q.index}\n${def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON public\.campaign_recipients USING btree /, "")}\nneeded by: ${q.where}\n${q.sql}\n${plan}`);
        if (!plan.includes(q.index)) console.log(`!! the plan does not use ${q.index}`);
      }
      const unused = indexes.filter((i) => !used.has(i.name) && i.name !== "unique_campaign_recipient");
      console.log(`\n${indexes.length} indexes on campaign_recipients (${n.toLocaleString("en-US")} + 50,000 rows); not in any plan above: ${unused.map((i) => i.name).join(", ") || "none"}`);
    } finally {
      await client.end();
    }
  } finally {
    await pgServer.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});

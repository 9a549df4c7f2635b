/**
 * Scenario 7: the spec's own design side by side, on a copy of the same data (schema spec_baseline: the
 * same tables and indexes, copied with LIKE … INCLUDING ALL, and the same `baseline` recipients):
 *   - statistics: the spec's "Auto-updating Statistics" trigger, AFTER UPDATE OF status … FOR EACH ROW,
 *     recounting the campaign's recipients into marketing_campaigns on every status change (ours:
 *     statement-level triggers applying per-statement deltas);
 *   - scheduling: the spec's activation ("Stage 3"): one UPDATE … WHERE id IN (the day's ids) per send
 *     day, then the schedule rows, then the campaign (ours: one set-based UPDATE).
 * 7a activation at the spec's 250/day (ours: activateCampaign; baseline: the spec's statements over one
 * connection, one transaction). 7b status ingestion (scenario 5's stream applied in-process, no HTTP):
 * ours through handleWebhookPayload, the baseline one UPDATE per status (WHERE whatsapp_message_id = …)
 * a transaction per payload, stopped after `baselineCapMs` (its rate is extrapolated).
 */
import pg from "pg";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { Prisma } from "@/lib/marketing/db";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { FIRST_PHONE, type Context } from "../support/context";
import { watchMemory } from "../support/memory";
import type { BenchResult } from "../support/report";
import { timed } from "../support/stats";
import { statusPayload, statusStream } from "./webhook";

const SPEC_DAILY_LIMIT = 250;

const SCHEMA_SQL = `
DROP SCHEMA IF EXISTS spec_baseline CASCADE;
CREATE SCHEMA spec_baseline;
CREATE TABLE spec_baseline.marketing_campaigns (LIKE public.marketing_campaigns INCLUDING ALL);
CREATE TABLE spec_baseline.campaign_recipients (LIKE public.campaign_recipients INCLUDING ALL);
CREATE TABLE spec_baseline.campaign_send_schedule (LIKE public.campaign_send_schedule INCLUDING ALL);

-- the spec's "Auto-updating Statistics": recount on every status change
CREATE FUNCTION spec_baseline.update_campaign_stats() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE spec_baseline.marketing_campaigns m SET
    messages_sent = s.sent, messages_delivered = s.delivered, messages_read = s.read,
    messages_failed = s.failed, messages_pending = s.pending, updated_at = now()
  FROM (
    SELECT count(*) FILTER (WHERE status IN ('sent', 'delivered', 'read')) AS sent,
           count(*) FILTER (WHERE status IN ('delivered', 'read')) AS delivered,
           count(*) FILTER (WHERE status = 'read') AS read,
           count(*) FILTER (WHERE status = 'failed') AS failed,
           count(*) FILTER (WHERE status = 'pending') AS pending
    FROM spec_baseline.campaign_recipients WHERE campaign_id = NEW.campaign_id
  ) s
  WHERE m.id = NEW.campaign_id;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER trigger_update_campaign_stats
  AFTER UPDATE OF status ON spec_baseline.campaign_recipients
  FOR EACH ROW EXECUTE FUNCTION spec_baseline.update_campaign_stats();
`;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The spec's activation, statement by statement as its "Stage 3" shows. */
async function specActivate(c: pg.Client, campaignId: string, fromDay: string) {
  await c.query("BEGIN");
  const { rows } = await c.query<{ id: string }>(
    "SELECT id FROM spec_baseline.campaign_recipients WHERE campaign_id = $1 AND status = 'pending' ORDER BY created_at, id", [campaignId]);
  const days: Array<{ day: string; size: number }> = [];
  for (let i = 0, d = 0; i < rows.length; i += SPEC_DAILY_LIMIT, d++) {
    const ids = rows.slice(i, i + SPEC_DAILY_LIMIT).map((r) => r.id);
    const { rows: [{ day }] } = await c.query<{ day: string }>("SELECT ($1::date + $2::int)::text AS day", [fromDay, d]);
    await c.query("UPDATE spec_baseline.campaign_recipients SET scheduled_send_date = $2 WHERE campaign_id = $1 AND id = ANY($3::uuid[])", [campaignId, day, ids]);
    days.push({ day, size: ids.length });
  }
  await c.query(
    `INSERT INTO spec_baseline.campaign_send_schedule (id, campaign_id, send_date, batch_number, batch_size, messages_remaining, status, updated_at)
     SELECT gen_random_uuid(), $1, d, 1, n, n, 'pending', now() FROM unnest($2::date[], $3::int[]) AS x(d, n)`,
    [campaignId, days.map((d) => d.day), days.map((d) => d.size)]);
  await c.query("UPDATE spec_baseline.marketing_campaigns SET status = 'active', started_at = now() WHERE id = $1", [campaignId]);
  await c.query("COMMIT");
  return days.length;
}

export async function baseline(ctx: Context): Promise<BenchResult[]> {
  const { db, opts } = ctx;
  // --only 7c (or 7d) runs the applier scenarios (applier.ts) without this comparison
  const wanted = (id: string) => !opts.only || [...opts.only].some((o) => id.startsWith(o) || o.startsWith(id));
  if (!wanted("7a") && !wanted("7b")) return [];
  const n = opts.baseline;
  const campaign = await db.marketingCampaign.create({ data: { name: "Bench: baseline comparison", templateName: "bench_promo", dailySendLimit: SPEC_DAILY_LIMIT } });
  await db.$executeRaw(Prisma.sql`
    INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, market, status, created_at, updated_at)
    SELECT uuidv7(), ${campaign.id}::uuid, u.whatsapp_phone, u.id, u.market, 'pending', now(), now()
    FROM generate_series(0, ${n - 1}::int) g JOIN user_profiles u ON u.whatsapp_phone = (${FIRST_PHONE}::bigint + g)::text`);
  await withClient(ctx.url, async (c) => {
    await c.query(SCHEMA_SQL);
    await c.query("INSERT INTO spec_baseline.marketing_campaigns SELECT * FROM public.marketing_campaigns WHERE id = $1", [campaign.id]);
    // every column but the generated ones (stage), which the copy generates itself
    const { rows: [{ cols }] } = await c.query<{ cols: string }>(`SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS cols
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'campaign_recipients' AND is_generated = 'NEVER'`);
    await c.query(`INSERT INTO spec_baseline.campaign_recipients (${cols}) SELECT ${cols} FROM public.campaign_recipients WHERE campaign_id = $1`, [campaign.id]);
    await c.query("VACUUM (ANALYZE) spec_baseline.campaign_recipients");
    await c.query("VACUUM (ANALYZE) public.campaign_recipients");
  });
  const results: BenchResult[] = [];

  // 7a: activation
  if (wanted("7a")) {
    const mem = watchMemory();
    const ours = await timed(() => activateCampaign({ db, now: new Date(), timezone: "UTC", campaignId: campaign.id, startDate: ctx.tomorrow, templates: null }));
    const spec = await withClient(ctx.url, (c) => timed(() => specActivate(c, campaign.id, ctx.tomorrow)));
    const peak = mem.stop();
    const ratio = ours.ms / spec.ms;
    ctx.log(`7a: ours ${ours.ms.toFixed(0)} ms, spec ${spec.ms.toFixed(0)} ms (${spec.value} day UPDATEs)`);
    results.push({
      id: "7a", scenario: `activate, ${SPEC_DAILY_LIMIT}/day: ours vs spec (UPDATE per day batch)`, size: `${n.toLocaleString("en-US")} recipients`,
      wallMs: ours.ms, rate: { value: n / (ours.ms / 1000), unit: "rows/s" }, peakRssMb: peak,
      target: `spec ${(spec.ms / 1000).toFixed(2)} s → ours/spec ${ratio.toFixed(2)} (${(1 / ratio).toFixed(1)}× faster)`,
      extra: { oursMs: ours.ms, specMs: spec.ms, ratio, specStatements: spec.value },
    });
  }

  // 7b: status ingestion
  if (wanted("7b")) {
    const wamid = (id: string) => `wamid.BENCH7.${id}`;
    const prep = (schema: string) => `
      UPDATE ${schema}.campaign_recipients SET status = 'queued', whatsapp_message_id = 'wamid.BENCH7.' || id::text,
        sent_on = '${ctx.today}'::date, scheduled_send_date = '${ctx.today}'::date, sent_at = now(), wa_id = phone_number
      WHERE campaign_id = '${campaign.id}'::uuid`;
    await db.$executeRawUnsafe(prep("public"));
    await withClient(ctx.url, async (c) => {
      await c.query("ALTER TABLE spec_baseline.campaign_recipients DISABLE TRIGGER trigger_update_campaign_stats");
      await c.query(prep("spec_baseline"));
      await c.query("ALTER TABLE spec_baseline.campaign_recipients ENABLE TRIGGER trigger_update_campaign_stats");
      await c.query("VACUUM (ANALYZE) spec_baseline.campaign_recipients");
      await c.query("VACUUM (ANALYZE) public.campaign_recipients");
    });
    const rows = await db.$queryRaw<Array<{ id: string; phone: string }>>(Prisma.sql`
      SELECT id::text AS id, phone_number AS phone FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid ORDER BY id LIMIT ${Math.ceil(opts.baselineEvents / 3)}::int`);
    const messages = rows.map((r) => ({ id: r.id, phone: r.phone, wamid: wamid(r.id) }));
    const events = statusStream(messages, Math.max(1, opts.statusesPerPost * 4), Date.now() - 60_000);
    const payloads: Array<typeof events> = [];
    for (let i = 0; i < events.length; i += opts.statusesPerPost) payloads.push(events.slice(i, i + opts.statusesPerPost));

    const mem = watchMemory();
    const quiet = { warn: () => {}, info: () => {} };
    const ours = await timed(async () => {
      for (const p of payloads) await handleWebhookPayload({ db, now: new Date(), payload: statusPayload(p), timezone: "UTC", log: quiet });
    });
    const spec = await withClient(ctx.url, (c) => timed(async () => {
      const t0 = performance.now();
      let applied = 0;
      for (const p of payloads) {
        if (performance.now() - t0 > opts.baselineCapMs) break;
        await c.query("BEGIN");
        for (const e of p) {
          const col = e.status === "sent" ? "sent_at" : e.status === "delivered" ? "delivered_at" : "read_at";
          await c.query(`UPDATE spec_baseline.campaign_recipients SET status = $2, ${col} = to_timestamp($3 / 1000.0), updated_at = now() WHERE whatsapp_message_id = $1`,
            [e.m.wamid, e.status, e.ts]);
        }
        await c.query("COMMIT");
        applied += p.length;
      }
      return applied;
    }));
    const peak = mem.stop();
    const oursEps = events.length / (ours.ms / 1000);
    const specEps = spec.value / (spec.ms / 1000);
    ctx.log(`7b: ours ${Math.round(oursEps)} events/s, spec ${Math.round(specEps)} events/s (${spec.value} of ${events.length} applied)`);
    results.push({
      id: "7b", scenario: `status events in-process, ${opts.statusesPerPost}/payload: ours vs spec (row trigger recount)`,
      size: `${events.length.toLocaleString("en-US")} statuses, campaign of ${n.toLocaleString("en-US")}`, wallMs: ours.ms,
      rate: { value: oursEps, unit: "events/s" }, peakRssMb: peak,
      target: `spec ${Math.round(specEps).toLocaleString("en-US")} events/s → ours/spec ${(oursEps / specEps).toFixed(1)}× throughput`,
      notes: spec.value < events.length ? [`spec stopped after ${(opts.baselineCapMs / 1000).toFixed(0)} s (${spec.value} of ${events.length} statuses); rate extrapolated`] : [],
      extra: { oursEventsPerSecond: oursEps, specEventsPerSecond: specEps, specApplied: spec.value, events: events.length, ratio: oursEps / specEps },
    });
  }
  return results;
}

/**
 * Scenario 2: add every customer matching the target audience to a draft campaign (addRecipients with
 * use_target_audience, the use-case behind POST /campaigns/{id}/recipients?use_target_audience=true,
 * called in-process: the HTTP layer adds a few ms to a statement of seconds).
 * Scenario 3: activate it (activateCampaign: one set-based UPDATE schedules every recipient).
 * Each is also timed as the same SQL statement run directly with psql (in BEGIN … ROLLBACK, before the
 * engine's run, then VACUUM): the engine's figure divided by psql's is the overhead of the app
 * (transaction, campaign lock, counts, audit) over the bare statement.
 */
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { audienceWhere } from "@/lib/marketing/recipients/add-recipients";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { AUDIENCE_TAG, type Context } from "../support/context";
import { watchMemory } from "../support/memory";
import { watchHotUpdates } from "../support/hot";
import { timeStatementDirect, vacuum } from "../support/psql";
import type { BenchResult } from "../support/report";
import { timed } from "../support/stats";

const TARGET_MS = 10_000;

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The statement of insertAudience (lib/marketing/recipients/add-recipients.ts) with literal values. */
function insertAudienceSql(campaignId: string, now: Date): string {
  const where = audienceWhere({ tags: [AUDIENCE_TAG] });
  // Prisma.Sql → text with the bound values inlined (they are our own constants)
  let i = 0;
  const condition = where.sql.replace(/\?|\$\d+/g, () => {
    const v = where.values[i++];
    return Array.isArray(v) ? `ARRAY[${v.map((x) => lit(String(x))).join(",")}]` : lit(String(v));
  });
  return `
    WITH matched AS (
      SELECT u.id, u.whatsapp_phone, u.market, u.created_at FROM user_profiles u WHERE ${condition}
    ), ins AS (
      INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, market, status, created_at, updated_at)
      SELECT uuidv7(), ${lit(campaignId)}::uuid, m.whatsapp_phone, m.id, m.market, 'pending', ${lit(now.toISOString())}::timestamptz, ${lit(now.toISOString())}::timestamptz
      FROM matched m ORDER BY m.created_at, m.id
      ON CONFLICT ON CONSTRAINT unique_campaign_recipient DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FROM matched) AS matched, (SELECT count(*) FROM ins) AS inserted`;
}

/** The scheduling statement of packSchedule (lib/marketing/recipients/pack-schedule.ts) on a fresh campaign. */
function scheduleSql(campaignId: string, fromDay: string, dailyLimit: number, now: Date): string {
  return `
    UPDATE campaign_recipients r SET scheduled_send_date = x.d, updated_at = ${lit(now.toISOString())}::timestamptz
    FROM (
      SELECT id, (${lit(fromDay)}::date + ((row_number() OVER (ORDER BY scheduled_send_date NULLS LAST, created_at, id) - 1 + 0) / ${dailyLimit}::int)::int) AS d
      FROM campaign_recipients
      WHERE campaign_id = ${lit(campaignId)}::uuid AND stage = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ${lit(now.toISOString())}::timestamptz)
    ) x
    WHERE r.id = x.id AND r.scheduled_send_date IS DISTINCT FROM x.d`;
}

const TABLES = ["campaign_recipients", "marketing_campaigns", "campaign_send_schedule"];

/** the targets: under 10 s, and at most 1.2× the bare statement in psql on the same schema */
const TARGET_RATIO = 1.2;

function verdict(ms: number, ratio: number) {
  return ms < TARGET_MS && ratio <= TARGET_RATIO;
}

export async function addAudience(ctx: Context): Promise<BenchResult[]> {
  const { db, opts } = ctx;
  const campaign = await db.marketingCampaign.create({
    data: {
      name: "Bench: newsletter audience", templateName: "bench_promo", dailySendLimit: opts.dailyLimit,
      targetAudience: { tags: [AUDIENCE_TAG] },
    },
  });
  ctx.state.audienceCampaignId = campaign.id;
  const now = new Date();
  const direct = await timeStatementDirect(ctx.url, insertAudienceSql(campaign.id, now));
  await vacuum(ctx.url, TABLES);
  const mem = watchMemory();
  const { ms, value } = await timed(() => addRecipients({ db, now, timezone: "UTC", campaignId: campaign.id, useTargetAudience: true }));
  const peak = mem.stop();
  const ratio = ms / direct.ms;
  ctx.log(`added ${value.recipients_added} recipients in ${(ms / 1000).toFixed(1)} s (${direct.via}: ${(direct.ms / 1000).toFixed(1)} s)`);
  await vacuum(ctx.url, TABLES);
  return [{
    id: "2", scenario: "add recipients by target audience (addRecipients)", size: `${value.recipients_added.toLocaleString("en-US")} recipients`,
    wallMs: ms, rate: { value: value.recipients_added / (ms / 1000), unit: "rows/s" }, peakRssMb: peak,
    target: `< 10 s, ≤ ${TARGET_RATIO}× ${direct.via} (${(direct.ms / 1000).toFixed(1)} s → ${ratio.toFixed(2)}×)`, met: verdict(ms, ratio),
    extra: { directMs: direct.ms, directVia: direct.via, ratioToDirect: ratio, matched: value.recipients_added + value.duplicates_skipped },
  }];
}

export async function activateAudience(ctx: Context): Promise<BenchResult[]> {
  const { db, opts } = ctx;
  const campaignId = ctx.state.audienceCampaignId;
  if (!campaignId) throw new Error("scenario 3 needs scenario 2");
  const now = new Date();
  const direct = await timeStatementDirect(ctx.url, scheduleSql(campaignId, ctx.tomorrow, opts.dailyLimit, now));
  await vacuum(ctx.url, TABLES);
  const mem = watchMemory();
  const hot = await watchHotUpdates(ctx.url);
  const { ms, value } = await timed(() => activateCampaign({ db, now, timezone: "UTC", campaignId, startDate: ctx.tomorrow, templates: null }));
  const peak = mem.stop();
  const hotUpdates = await hot.stop();
  const ratio = ms / direct.ms;
  ctx.log(`activated: ${value.recipients_scheduled} recipients over ${value.estimated_days} days in ${(ms / 1000).toFixed(1)} s (${direct.via}: ${(direct.ms / 1000).toFixed(1)} s)`);
  await vacuum(ctx.url, TABLES);
  return [{
    id: "3", scenario: `activate (activateCampaign, ${opts.dailyLimit.toLocaleString("en-US")}/day → ${value.estimated_days} days)`,
    size: `${value.recipients_scheduled.toLocaleString("en-US")} recipients`, wallMs: ms,
    rate: { value: value.recipients_scheduled / (ms / 1000), unit: "rows/s" }, peakRssMb: peak,
    target: `< 10 s, ≤ ${TARGET_RATIO}× ${direct.via} (${(direct.ms / 1000).toFixed(1)} s → ${ratio.toFixed(2)}×)`, met: verdict(ms, ratio),
    notes: [`activateCampaign's writes: ${hotUpdates.text}`],
    extra: { directMs: direct.ms, directVia: direct.via, ratioToDirect: ratio, days: value.estimated_days, hotUpdates },
  }];
}

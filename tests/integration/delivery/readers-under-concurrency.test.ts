/**
 * Readers add the campaign's unfolded counter deltas to the counter rows in one statement and write
 * nothing. While the processor records sends and webhooks store and apply statuses for the very same
 * messages, every reader (stats, campaign, campaign list, campaign page, overview, daily series) sees a
 * state a recount could have produced: the campaign's recipients all counted once (pending + sent = total),
 * read ≤ delivered ≤ sent, the schedule and analytics likewise, never behind an earlier round. Once quiet,
 * with deltas left unfolded on purpose, each reader equals a recount and reading leaves counter_deltas and
 * the counter rows as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCampaign } from "@/lib/marketing/campaigns/get-campaign";
import { findCampaigns } from "@/lib/marketing/campaigns/find-campaigns";
import { getCampaignStats } from "@/lib/marketing/stats/get-campaign-stats";
import { getCampaignLive } from "@/lib/marketing/stats/get-campaign-live";
import { searchCampaigns, ZCampaignListQuery } from "@/lib/marketing/campaigns/search-campaigns";
import { getOverview } from "@/lib/marketing/overview/get-overview";
import { Prisma } from "@/lib/marketing/db";
import { createTestDb, type TestDb } from "../../support/db";
import { pause, seededRandom, startDeliveryRound } from "../../support/delivery-race";
import { createCampaignWithRecipients, statusesPayload } from "../whatsapp/fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ poolMax: 16 });
});
afterAll(async () => {
  await t.drop();
});

const ROUNDS = 30;
const PER_ROUND = 5;
const N = ROUNDS * PER_ROUND;
const DAY = "2026-03-02";

type Seen = { total: number; pending: number; sent: number; delivered: number; read: number; failed: number; skipped: number; unknown: number };

/** What every reader result must satisfy whatever it raced with (round r: the earlier rounds are all read). */
function expectRecountable(where: string, round: number, s: Seen) {
  const lowest = round * PER_ROUND;
  const highest = (round + 1) * PER_ROUND;
  const ok = s.total === N && s.pending + s.sent + s.failed + s.skipped + s.unknown === N && s.failed + s.skipped + s.unknown === 0
    && s.read <= s.delivered && s.delivered <= s.sent && s.read >= lowest && s.sent <= highest && s.pending >= N - highest;
  expect({ where, round, ok, s }).toEqual({ where, round, ok: true, s });
}

async function readAll(campaignId: string, round: number) {
  const stats = await getCampaignStats({ db: t.db, campaignId });
  expectRecountable("stats", round, { total: stats.total_target, pending: stats.pending, sent: stats.sent, delivered: stats.delivered, read: stats.read, failed: stats.failed, skipped: stats.skipped, unknown: stats.unknown });
  const one = await getCampaign({ db: t.db, campaignId });
  expect(one.total_target_customers).toBe(N);
  const live = (await getCampaignLive({ db: t.db, campaignId, today: DAY }))!;
  const c = live.campaign;
  expectRecountable("page", round, { total: c.total, pending: c.pending, sent: c.sent, delivered: c.delivered, read: c.read, failed: c.failed, skipped: c.skipped, unknown: c.unknown });
  const day = live.schedule.find((d) => d.sendDate === DAY)!;
  expect({ round, batch: day.batchSize, both: day.messagesSent + day.messagesRemaining }).toEqual({ round, batch: N, both: N });
  const point = live.series.find((p) => p.date === DAY);
  if (point) expect(point.read <= point.delivered && point.delivered <= point.sent && point.sent <= (round + 1) * PER_ROUND && point.read >= round * PER_ROUND).toBe(true);
  const list = await searchCampaigns({ db: t.db, query: ZCampaignListQuery.parse({ sort: "progress" }) });
  const row = list.rows.find((r) => r.id === campaignId)!;
  expectRecountable("list", round, { total: row.total, pending: row.pending, sent: row.sent, delivered: row.delivered, read: row.read, failed: row.failed, skipped: 0, unknown: 0 });
  const overview = await getOverview({ db: t.db, today: DAY });
  const o = overview.activeCampaigns.find((x) => x.id === campaignId)!;
  expect(o.total === N && o.pending + o.sent === N).toBe(true);
  const found = await findCampaigns({ db: t.db, query: {} });
  expect(found.campaigns.some((x) => x.id === campaignId)).toBe(true);
}

describe("readers while webhooks and the processor write", () => {
  it(`${ROUNDS} rounds: every read is a state a recount could give; once quiet, readers equal a recount and write nothing`, async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(t.db, N, { status: "pending", sentOn: DAY });
    const rand = seededRandom(11);
    const now = new Date(`${DAY}T12:00:00Z`);
    for (let round = 0; round < ROUNDS; round++) {
      const batch = recipients.slice(round * PER_ROUND, (round + 1) * PER_ROUND);
      const { events, webhook, processor } = await startDeliveryRound({ db: t.db, campaignId: campaign.id, batch, round, tag: "READERS", day: DAY, now });
      const shuffled = [...events].sort(() => rand() - 0.5);
      const reader = async (delay: number) => {
        await pause(delay);
        await readAll(campaign.id, round);
      };
      const d = () => Math.floor(rand() * 6);
      await Promise.all([
        processor(d()),
        webhook(statusesPayload(shuffled.slice(0, 7)), d()),
        webhook(statusesPayload(shuffled.slice(7)), d()),
        reader(d()),
        reader(d()),
        reader(d()),
      ]);
      // the round itself lost nothing: every status applied, none left waiting
      const [row] = await t.db.$queryRaw<Array<{ read: bigint; waiting: bigint }>>(Prisma.sql`
        SELECT (SELECT count(*) FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid AND status = 'read') AS read,
               (SELECT count(*) FROM webhook_inbox_pending) AS waiting`);
      expect({ round, read: Number(row.read), waiting: Number(row.waiting) }).toEqual({ round, read: (round + 1) * PER_ROUND, waiting: 0 });
    }

    // quiet: leave some deltas unfolded on purpose (a deferred-counter write, as the applier's), then read
    await t.db.$transaction(async (tx) => {
      await tx.$executeRaw(Prisma.sql`SELECT set_config('wac.defer_counters', 'on', true)`);
      await tx.$executeRaw(Prisma.sql`UPDATE campaign_recipients SET status = 'failed', failed_at = now() WHERE campaign_id = ${campaign.id}::uuid AND status = 'read' AND id IN (
        SELECT id FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid AND status = 'read' ORDER BY id LIMIT 3)`);
    });
    const snapshot = () => t.db.$queryRaw<Array<{ deltas: bigint; max_id: bigint | null; counters: string; schedule: string; analytics: string }>>(Prisma.sql`
      SELECT (SELECT count(*) FROM counter_deltas) AS deltas, (SELECT max(id) FROM counter_deltas) AS max_id,
        (SELECT row(total_target_customers, messages_pending, messages_sent, messages_delivered, messages_read, messages_failed)::text FROM marketing_campaigns WHERE id = ${campaign.id}::uuid) AS counters,
        (SELECT string_agg(row(send_date, batch_size, messages_sent, messages_remaining, status)::text, ',' ORDER BY send_date) FROM campaign_send_schedule WHERE campaign_id = ${campaign.id}::uuid) AS schedule,
        (SELECT string_agg(row(date, messages_sent, messages_delivered, messages_read, messages_failed)::text, ',' ORDER BY date) FROM campaign_analytics WHERE campaign_id = ${campaign.id}::uuid) AS analytics`);
    const [before] = await snapshot();
    expect(Number(before.deltas)).toBeGreaterThan(0);

    const [truth] = await t.db.$queryRaw<Array<Record<string, bigint>>>(Prisma.sql`
      SELECT count(*) AS total, count(*) FILTER (WHERE status IN ('pending','sending')) AS pending,
        count(*) FILTER (WHERE status IN ('queued','sent','delivered','read')) AS sent, count(*) FILTER (WHERE status IN ('delivered','read')) AS delivered,
        count(*) FILTER (WHERE status = 'read') AS read, count(*) FILTER (WHERE status = 'failed') AS failed
      FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid`);
    const recount = Object.fromEntries(Object.entries(truth).map(([k, v]) => [k, Number(v)]));
    expect(recount).toEqual({ total: N, pending: 0, sent: N - 3, delivered: N - 3, read: N - 3, failed: 3 });

    const stats = await getCampaignStats({ db: t.db, campaignId: campaign.id });
    expect({ total: stats.total_target, pending: stats.pending, sent: stats.sent, delivered: stats.delivered, read: stats.read, failed: stats.failed }).toEqual(recount);
    const live = (await getCampaignLive({ db: t.db, campaignId: campaign.id, today: DAY }))!;
    expect({ total: live.campaign.total, pending: live.campaign.pending, sent: live.campaign.sent, delivered: live.campaign.delivered, read: live.campaign.read, failed: live.campaign.failed }).toEqual(recount);
    expect(live.schedule.map((s) => [s.sendDate, s.batchSize, s.messagesSent, s.messagesRemaining, s.status])).toEqual([[DAY, N, N - 3, 0, "completed"]]);
    expect(live.series.find((p) => p.date === DAY)).toMatchObject({ sent: N - 3, delivered: N - 3, read: N - 3, failed: 3 });
    expect(live.sentToday).toBe(N);
    const list = await searchCampaigns({ db: t.db, query: ZCampaignListQuery.parse({}) });
    expect(list.rows.find((r) => r.id === campaign.id)).toMatchObject({ total: N, pending: 0, sent: N - 3, read: N - 3, failed: 3 });
    const overview = await getOverview({ db: t.db, today: DAY });
    expect(overview.activeCampaigns.find((x) => x.id === campaign.id)).toMatchObject({ total: N, pending: 0, sent: N - 3, failed: 3, sentToday: N, lastSendDay: null });
    expect((await getCampaign({ db: t.db, campaignId: campaign.id })).messages_failed).toBe(3);

    // reading wrote nothing: the deltas are still there, the counter rows unchanged
    const [after] = await snapshot();
    expect(after).toEqual(before);
  }, 300_000);
});

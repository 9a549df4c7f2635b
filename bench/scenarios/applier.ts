/**
 * Scenarios 7c and 7d: the delivery applier in-process on a campaign of `--applier-recipients`
 * (1,000,000 by default) whose messages are all sent (queued, with a wamid).
 *  - 7c, throughput: `--applier-statuses` statuses (sent/delivered/read of a third as many messages,
 *    interleaved as Meta sends them) are stored first as the webhook route stores them (one INSERT a
 *    payload, 8 clients; not timed), then folded in by one applyInbox drain.
 *  - 7d, lag under load: as many statuses for other messages of the campaign are offered at
 *    `--applier-rate` statuses/s by 8 in-process clients storing one payload at a time (the route's
 *    store, then its "one applier per process, asked again after every answer"), while the applier
 *    works. Per status: the lag from its store's return (the route's 200) to the commit that wrote its
 *    recipient row (bench/support/lag.ts), p50/p99; and the statuses applied per second over the run.
 * Both end with the campaign's counters compared to a recount.
 */
import { Prisma } from "@/lib/marketing/db";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { foldCounterDeltas } from "@/lib/marketing/delivery/counter-deltas";
import { storeWebhookDelivery } from "@/lib/marketing/delivery/store-webhook-delivery";
import { applyInboxSoon } from "@/lib/server/inbox-applier";
import { FIRST_PHONE, type Context } from "../support/context";
import { fmtLag, statusKey, statusLag } from "../support/lag";
import { watchMemory } from "../support/memory";
import type { BenchResult } from "../support/report";
import { timed } from "../support/stats";
import { statusPayload, statusStream } from "./webhook";

const CLIENTS = 8;
const quiet = { warn: () => {}, info: () => {} };

type Msg = { id: string; wamid: string; phone: string };

async function recountMismatch(ctx: Context, campaignId: string): Promise<string | null> {
  await foldCounterDeltas(ctx.db);
  const [r] = await ctx.db.$queryRaw<Array<{ counter: number; recount: bigint }>>(Prisma.sql`
    SELECT (SELECT messages_read FROM marketing_campaigns WHERE id = ${campaignId}::uuid) AS counter,
           (SELECT count(*) FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND status = 'read') AS recount`);
  return Number(r.counter) === Number(r.recount) ? null : `messages_read ${r.counter} ≠ recount ${r.recount}`;
}

export async function applierScenarios(ctx: Context): Promise<BenchResult[]> {
  const { db, opts } = ctx;
  const n = Math.min(opts.applierRecipients, opts.customers);
  const perRun = Math.min(Math.floor(n / 2), Math.ceil(opts.applierStatuses / 3));
  const campaign = await db.marketingCampaign.create({ data: { name: "Bench: applier at scale", templateName: "bench_promo", dailySendLimit: 10_000 } });
  const setup = await timed(async () => {
    await db.$executeRaw(Prisma.sql`
      INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, market, wa_id, status, whatsapp_message_id, sent_on, scheduled_send_date, sent_at, created_at, updated_at)
      SELECT x.id, ${campaign.id}::uuid, x.phone, x.customer_id, x.market, x.phone, 'queued', 'wamid.BENCH7C.' || x.id::text,
        ${ctx.today}::date, ${ctx.today}::date, now(), now(), now()
      FROM (
        SELECT gen_random_uuid() AS id, u.whatsapp_phone AS phone, u.id AS customer_id, u.market
        FROM generate_series(0, ${n - 1}::int) g JOIN user_profiles u ON u.whatsapp_phone = (${FIRST_PHONE}::bigint + g)::text
        OFFSET 0
      ) x`);
    await db.$executeRawUnsafe("VACUUM (ANALYZE) campaign_recipients");
  });
  ctx.log(`7c: campaign of ${n} sent recipients in ${(setup.ms / 1000).toFixed(1)} s`);
  // two disjoint sets of messages spread over the campaign (every other row in a random order)
  const rows = await db.$queryRaw<Msg[]>(Prisma.sql`
    SELECT id::text AS id, whatsapp_message_id AS wamid, phone_number AS phone FROM campaign_recipients
    WHERE campaign_id = ${campaign.id}::uuid ORDER BY md5(id::text) LIMIT ${2 * perRun}::int`);
  const drainSet = rows.filter((_, i) => i % 2 === 0);
  const streamSet = rows.filter((_, i) => i % 2 === 1);
  const lag = Math.max(1, Math.floor(opts.statusesPerPost * CLIENTS / 3));
  const payloadsOf = (msgs: Msg[]) => {
    const events = statusStream(msgs, lag, Date.now() - 60_000);
    const out: Array<typeof events> = [];
    for (let i = 0; i < events.length; i += opts.statusesPerPost) out.push(events.slice(i, i + opts.statusesPerPost));
    return { events, payloads: out };
  };
  const results: BenchResult[] = [];
  const size = (events: number) => `${events.toLocaleString("en-US")} statuses, campaign of ${n.toLocaleString("en-US")}`;

  // 7c: store, then one drain
  {
    const { events, payloads } = payloadsOf(drainSet);
    let next = 0;
    const store = await timed(() => Promise.all(Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < payloads.length; i = next++) await storeWebhookDelivery({ db, now: new Date(), payload: statusPayload(payloads[i]) });
    })));
    const mem = watchMemory();
    const apply = await timed(() => applyInbox({ db, now: new Date(), timezone: "UTC", log: quiet }));
    const peak = mem.stop();
    const eps = events.length / (apply.ms / 1000);
    const mismatch = await recountMismatch(ctx, campaign.id);
    ctx.log(`7c: stored ${events.length} statuses in ${Math.round(store.ms)} ms (${CLIENTS} clients), applied in ${Math.round(apply.ms)} ms (${Math.round(eps)}/s; ${apply.value.applied} applied, ${apply.value.waiting} waiting)${mismatch ? `; ${mismatch}` : ""}`);
    results.push({
      id: "7c", scenario: "applier in-process: stored statuses folded in by one applyInbox drain", size: size(events.length), wallMs: apply.ms,
      rate: { value: eps, unit: "events/s" }, peakRssMb: peak,
      target: "≥ 10,000 statuses/s at 1,000,000 recipients", met: eps >= 10_000 && n >= 1_000_000,
      notes: [
        `storing them first (one INSERT per ${opts.statusesPerPost}-status payload, ${CLIENTS} clients): ${(store.ms / 1000).toFixed(1)} s`,
        ...(mismatch ? [`counters: ${mismatch}`] : []),
      ],
      extra: { recipients: n, storeMs: store.ms, applyMs: apply.ms, applied: apply.value.applied, waiting: apply.value.waiting, events: events.length, setupMs: setup.ms },
    });
  }

  // 7d: a paced stream, the applier working meanwhile as in the route
  {
    const { events, payloads } = payloadsOf(streamSet);
    const answeredAt = new Map<string, number>();
    const apply = async () => {
      await applyInbox({ db, now: new Date(), timezone: "UTC", log: quiet });
    };
    const interval = (1000 * opts.statusesPerPost) / opts.applierRate;
    const mem = watchMemory();
    const t0 = performance.now();
    const startedAt = Date.now();
    let next = 0;
    let late = 0;
    const appliers: Array<Promise<void>> = [];
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < payloads.length; i = next++) {
        const wait = t0 + i * interval - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else if (wait < -interval) late++;
        await storeWebhookDelivery({ db, now: new Date(), payload: statusPayload(payloads[i]) });
        const at = Date.now();
        for (const e of payloads[i]) answeredAt.set(statusKey(e.m.wamid, e.status), at);
        appliers.push(applyInboxSoon(apply));
      }
    }));
    const offeredMs = performance.now() - t0;
    await Promise.all(appliers);
    await apply(); // whatever the last run left (it is idempotent)
    const peak = mem.stop();
    const l = await statusLag(db, answeredAt);
    const [{ last }] = await db.$queryRaw<Array<{ last: number | null }>>(Prisma.sql`
      SELECT max(extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::float8 AS last FROM webhook_inbox
      WHERE dedupe_key = ANY(${[...answeredAt.keys()]}::text[])`);
    const spanMs = last !== null ? last - startedAt : offeredMs;
    const eps = events.length / (spanMs / 1000);
    const mismatch = await recountMismatch(ctx, campaign.id);
    const offered = events.length / (offeredMs / 1000);
    ctx.log(`7d: ${events.length} statuses offered at ${opts.applierRate}/s, stored at ${Math.round(offered)}/s (${late} payloads late), all applied at ${Math.round(eps)}/s; ${fmtLag(l)}${mismatch ? `; ${mismatch}` : ""}`);
    results.push({
      id: "7d", scenario: `applier under a webhook stream (${opts.applierRate.toLocaleString("en-US")} statuses/s offered, ${CLIENTS} in-process stores): lag 200 → recipient`,
      size: size(events.length), wallMs: spanMs, rate: { value: eps, unit: "events/s" }, p50Ms: l.p50, p99Ms: l.p99, peakRssMb: peak,
      target: "lag p99 < 2 s", met: l.p99 < 2000 && l.notApplied === 0,
      notes: [
        `stored at ${Math.round(offered).toLocaleString("en-US")} statuses/s of ${opts.applierRate.toLocaleString("en-US")} offered`,
        ...(l.notApplied ? [`${l.notApplied} statuses not applied`] : []),
        ...(mismatch ? [`counters: ${mismatch}`] : []),
      ],
      extra: { recipients: n, offeredRate: opts.applierRate, storedRate: offered, appliedRate: eps, lag: l, latePayloads: late, events: events.length },
    });
  }
  return results;
}

/**
 * Scenarios 7c, 7d and 7e: the delivery applier in-process on a campaign of `--applier-recipients`
 * (1,000,000 by default) whose messages are all sent (queued, with a wamid), each with its
 * whatsapp_messages row as the processor records it (the applier moves both, and sets each message's cost).
 *  - 7c, throughput: `--applier-statuses` statuses (sent/delivered/read of a third as many messages,
 *    interleaved as Meta sends them) are stored first as the webhook route stores them (one INSERT a
 *    payload, 8 clients; not timed), then folded in by one applyInbox drain.
 *  - 7d, lag under load: as many statuses for other messages of the campaign are offered at
 *    `--applier-rate` statuses/s by 8 in-process clients storing one payload at a time (the route's
 *    store, then its "one applier per process, asked again after every answer"), while the applier
 *    works. Per message's last status (read): the lag from its store's return (the route's 200) to the
 *    commit that wrote its recipient row (bench/support/lag.ts), p50/p99; and the statuses applied per
 *    second over the run.
 *  - 7e, lag at one number's rate: the same for a third of `--applier-statuses` (statuses of messages 7c and 7d
 *    did not use) offered at `--number-rate` (3,000/s: a number sending at Meta's cap of 1,000 msg/s gets
 *    sent, delivered and read back for each message). 7d's 10,000/s is more than this machine's 2 cores
 *    store and apply at once; 7e shows the lag where they keep up.
 * Both end with the campaign's counters compared to a recount. The stores and the applier run in a child
 * process of their own (bench/support/applier-worker.ts), reported as "applier": its peak RSS is theirs, not
 * the benchmark's.
 */
import { Prisma } from "@/lib/marketing/db";
import { foldCounterDeltas } from "@/lib/marketing/delivery/counter-deltas";
import { spawnTsx } from "../support/children";
import { FIRST_PHONE, type Context } from "../support/context";
import { fmtLag, type LagSummary } from "../support/lag";
import { watchMemory } from "../support/memory";
import type { BenchResult } from "../support/report";
import { timed } from "../support/stats";

const CLIENTS = 8;

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
    // as the processor leaves a sent batch: the recipient rows (time-ordered ids, as addRecipients gives
    // them) and each one's message row (finish-batch.ts), which the applier updates too, with its cost
    await db.$executeRaw(Prisma.sql`
      WITH r AS (
        INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, market, wa_id, status, whatsapp_message_id, sent_on, scheduled_send_date, sent_at, created_at, updated_at)
        SELECT x.id, ${campaign.id}::uuid, x.phone, x.customer_id, x.market, x.phone, 'queued', 'wamid.BENCH7C.' || x.id::text,
          ${ctx.today}::date, ${ctx.today}::date, now(), now(), now()
        FROM (
          SELECT uuidv7() AS id, u.whatsapp_phone AS phone, u.id AS customer_id, u.market
          FROM generate_series(0, ${n - 1}::int) g JOIN user_profiles u ON u.whatsapp_phone = (${FIRST_PHONE}::bigint + g)::text
          OFFSET 0
        ) x
        RETURNING id, phone_number, wa_id, whatsapp_message_id, sent_at)
      INSERT INTO whatsapp_messages (id, direction, campaign_id, recipient_id, phone_number, wa_id, whatsapp_message_id, status,
        message_type, template_name, language_code, sent_at, created_at, updated_at)
      SELECT uuidv7(), 'outbound', ${campaign.id}::uuid, r.id, r.phone_number, r.wa_id, r.whatsapp_message_id, 'queued', 'template',
        ${campaign.templateName}, ${campaign.languageCode}, r.sent_at, now(), now()
      FROM r ORDER BY r.id`);
    await db.$executeRawUnsafe("VACUUM (ANALYZE) campaign_recipients");
    await db.$executeRawUnsafe("VACUUM (ANALYZE) whatsapp_messages");
  });
  ctx.log(`7c: campaign of ${n} sent recipients (and their message rows) in ${(setup.ms / 1000).toFixed(1)} s`);
  const worker = spawnTsx("bench/support/applier-worker.ts", {
    DATABASE_URL: ctx.url, CAMPAIGN_ID: campaign.id, PER_RUN: String(perRun), STATUSES_PER_POST: String(opts.statusesPerPost),
    CLIENTS: String(CLIENTS), RATE: String(opts.applierRate),
    // the heap bound of `npm start` (package.json), the process the route's store and applier run in;
    // BENCH_APPLIER_NODE_FLAGS: more node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  }, ["--max-old-space-size=320", ...(process.env.BENCH_APPLIER_NODE_FLAGS ?? "").split(" ").filter(Boolean)]);
  const ask = async <T>(message: Record<string, unknown>) => {
    worker.send(message);
    return worker.next<T>((m) => m.done === true);
  };
  const results: BenchResult[] = [];
  const size = (events: number) => `${events.toLocaleString("en-US")} statuses, campaign of ${n.toLocaleString("en-US")}`;
  try {
    await worker.next((m) => m.ready === true);
    await ask({ load: true });

    // 7c: store, then one drain
    {
      const store = await ask<{ stored: number; ms: number; peakRssMb: number }>({ store: true });
      const mem = watchMemory();
      const apply = await ask<{ applied: number; waiting: number; ms: number; cpuMs: number; peakRssMb: number }>({ apply: true });
      const peak = { ...mem.stop(), applier: Math.round(apply.peakRssMb) };
      const eps = store.stored / (apply.ms / 1000);
      const mismatch = await recountMismatch(ctx, campaign.id);
      ctx.log(`7c: stored ${store.stored} statuses in ${Math.round(store.ms)} ms (${CLIENTS} clients), applied in ${Math.round(apply.ms)} ms (${Math.round(eps)}/s; ${apply.applied} applied, ${apply.waiting} waiting; the applier's process used ${(apply.cpuMs / 1000).toFixed(1)} s of CPU)${mismatch ? `; ${mismatch}` : ""}`);
      results.push({
        id: "7c", scenario: "applier in-process: stored statuses folded in by one applyInbox drain", size: size(store.stored), wallMs: apply.ms,
        rate: { value: eps, unit: "events/s" }, peakRssMb: peak,
        target: "≥ 10,000 statuses/s at 1,000,000 recipients", met: eps >= 10_000 && n >= 1_000_000,
        notes: [
          `storing them first (${opts.statusesPerPost}-status payloads, ${CLIENTS} clients, the route's store): ${(store.ms / 1000).toFixed(1)} s, applier process peak ${Math.round(store.peakRssMb)} MB`,
          `the applier's process used ${(apply.cpuMs / 1000).toFixed(1)} s of CPU over the drain (${((apply.cpuMs / apply.ms) * 100).toFixed(0)}% of one core)`,
          ...(mismatch ? [`counters: ${mismatch}`] : []),
        ],
        extra: { recipients: n, storeMs: store.ms, applyMs: apply.ms, applyCpuMs: apply.cpuMs, applied: apply.applied, waiting: apply.waiting, events: store.stored, setupMs: setup.ms },
      });
    }

    // 7d: a paced stream at the issue's rate, the applier working meanwhile as in the route; 7e: the same
    // at what one number sending at Meta's cap (1,000 msg/s) gets back, sent + delivered + read
    const paced = async (id: "7d" | "7e", set: "stream" | "paced", rate: number, what: string, target: string) => {
      const mem = watchMemory();
      const stream = await ask<{ events: number; offeredMs: number; late: number; peakRssMb: number }>({ stream: set, rate });
      const peak = { ...mem.stop(), applier: Math.round(stream.peakRssMb) };
      if (stream.events === 0) {
        ctx.log(`${id}: no messages left for it (--applier-recipients too small for --applier-statuses)`);
        return;
      }
      const r = { ...stream, ...(await ask<{ spanMs: number; lag: LagSummary }>({ lag: true })) };
      const l = r.lag;
      const eps = r.events / (r.spanMs / 1000);
      const mismatch = await recountMismatch(ctx, campaign.id);
      const offered = r.events / (r.offeredMs / 1000);
      ctx.log(`${id}: ${r.events} statuses offered at ${rate}/s, stored at ${Math.round(offered)}/s (${r.late} payloads late), all applied at ${Math.round(eps)}/s; ${fmtLag(l)}${mismatch ? `; ${mismatch}` : ""}`);
      results.push({
        id, scenario: `applier under a webhook stream (${rate.toLocaleString("en-US")} statuses/s offered${what}, ${CLIENTS} in-process stores): lag 200 → recipient`,
        size: size(r.events), wallMs: r.spanMs, rate: { value: eps, unit: "events/s" }, p50Ms: l.p50, p99Ms: l.p99, peakRssMb: peak,
        target, met: l.p99 < 2000 && l.notApplied === 0,
        notes: [
          `stored at ${Math.round(offered).toLocaleString("en-US")} statuses/s of ${rate.toLocaleString("en-US")} offered`,
          ...(l.notApplied ? [`${l.notApplied} read statuses not applied`] : []),
          ...(mismatch ? [`counters: ${mismatch}`] : []),
        ],
        extra: { recipients: n, offeredRate: rate, storedRate: offered, appliedRate: eps, lag: l, latePayloads: r.late, events: r.events },
      });
    };
    await paced("7d", "stream", opts.applierRate, "", "lag p99 < 2 s");
    await paced("7e", "paced", opts.numberRate, ": one number at Meta's 1,000 msg/s, 3 statuses a message", "lag p99 < 2 s at one number's rate (the issue's target is 7d's)");
  } finally {
    await worker.stop();
  }
  return results;
}

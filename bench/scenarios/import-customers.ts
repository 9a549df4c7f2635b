/**
 * Scenario 1: import customers through the API, over HTTP to the production server
 * (POST /api/marketing/customers, Bearer token, batches of 10,000, as an integration would).
 * The first `audience` customers carry the audience tag (scenario 2's target audience); every imported
 * customer is subscribed and active. Customers that do not match (unsubscribed, inactive, other tags)
 * are added afterwards by the set-based factory, untimed, so the audience filter has something to filter.
 */
import { DEMO_CITIES, DEMO_TAGS, DEMO_TIERS, insertCustomers } from "@/lib/demo/factories";
import { API_TOKEN, AUDIENCE_TAG, FIRST_PHONE, type Context } from "../support/context";
import { runPool, type Sent } from "../support/http";
import { watchMemory } from "../support/memory";
import type { BenchResult } from "../support/report";
import { latencySummary } from "../support/stats";

const FIRST = ["Ava", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Sophia", "Lucas", "Priya", "Chen", "Fatima", "Diego"];
const LAST = ["Smith", "Garcia", "Johnson", "Nguyen", "Patel", "Kim", "Brown", "Lopez", "Okafor", "Rossi"];

function customerRow(i: number, audience: number) {
  const tag = DEMO_TAGS[i % DEMO_TAGS.length];
  return {
    phone: String(FIRST_PHONE + BigInt(i)),
    name: `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`,
    customer_tier: DEMO_TIERS[i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2],
    city: DEMO_CITIES[(i * 3) % DEMO_CITIES.length],
    tags: i < audience ? [AUDIENCE_TAG, tag] : [tag],
    attributes: { loyalty_points: (i * 37) % 5000 },
  };
}

export async function importCustomers(ctx: Context): Promise<BenchResult[]> {
  const { opts, server } = ctx;
  if (!server) throw new Error("scenario 1 needs the production server");
  const batches = Array.from({ length: Math.ceil(opts.customers / opts.importBatch) }, (_, b) => b);
  const mem = watchMemory({ server: server.pid });
  let inserted = 0;
  const { wallMs, latencies } = await runPool(batches, opts.importConcurrency, async (b): Promise<Sent> => {
    const from = b * opts.importBatch;
    const to = Math.min(opts.customers, from + opts.importBatch);
    const customers = Array.from({ length: to - from }, (_, k) => customerRow(from + k, opts.audience));
    const body = JSON.stringify({ customers });
    const t0 = performance.now();
    const res = await fetch(`${server.url}/api/marketing/customers`, {
      method: "POST", body, headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
    });
    const text = await res.text();
    if (res.ok) inserted += Number((JSON.parse(text) as { created?: number }).created ?? 0);
    return { status: res.status, ms: performance.now() - t0, body: text };
  });
  const peak = mem.stop();
  ctx.log(`imported ${opts.customers} customers in ${(wallMs / 1000).toFixed(1)} s`);

  // the rest of the dataset (untimed): 5% customers outside the audience
  const noise = Math.max(1000, Math.round(opts.customers * 0.05));
  await insertCustomers(ctx.db, { count: noise, firstPhone: 13105000000n, unsubscribedShare: 0.3 });
  await ctx.db.$executeRawUnsafe("VACUUM (ANALYZE) user_profiles");

  const l = latencySummary(latencies);
  return [{
    id: "1", scenario: `import customers (HTTP, POST /customers ×${opts.importBatch.toLocaleString("en-US")}, ${opts.importConcurrency} client${opts.importConcurrency > 1 ? "s" : ""})`,
    size: `${opts.customers.toLocaleString("en-US")} customers`, wallMs,
    rate: { value: opts.customers / (wallMs / 1000), unit: "rows/s" }, p50Ms: l.p50, p99Ms: l.p99, peakRssMb: peak,
    extra: { batches: batches.length, inserted, noiseCustomers: noise },
  }];
}

/**
 * Set-based data factories shared by the demo seed, the tests and the benchmarks.
 * Everything is generated inside PostgreSQL (generate_series), so a million rows cost seconds and no memory.
 */
import { marketOfNumber } from "@/lib/marketing/cost/market";
import type { DbOrTx } from "@/lib/marketing/db";

export const DEMO_TIERS = ["standard", "premium", "vip"] as const;
export const DEMO_CITIES = ["New York", "Los Angeles", "Chicago", "Houston", "Miami", "Seattle", "Austin", "Boston"] as const;
export const DEMO_TAGS = ["fashion", "accessories", "shoes", "electronics", "home", "beauty"] as const;
const FIRST = ["Ava", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Sophia", "Lucas", "Isabella", "Ethan", "Mia", "Amir", "Priya", "Chen", "Fatima", "Diego", "Zoe", "Kai", "Nora", "Leo"];
const LAST = ["Smith", "Garcia", "Johnson", "Nguyen", "Patel", "Kim", "Brown", "Lopez", "Davis", "Martin", "Okafor", "Rossi", "Cohen", "Silva", "Khan", "Müller"];

export type CustomerFactoryOptions = {
  count: number;
  /** first phone number: E.164 digits; customers get consecutive numbers */
  firstPhone?: bigint;
  /** share of unsubscribed customers, 0..1 */
  unsubscribedShare?: number;
  /** every customer gets these values instead of the varied ones (to build exact audiences) */
  fixed?: { customerTier?: string; city?: string; tags?: string[] };
};

/**
 * The pricing market of each of `count` consecutive numbers from `first`, as runs of equal markets (index
 * ranges, inclusive): what upsertCustomers stores for each number (cost/market.ts: the same answer as the
 * parse that normalises it), in a few parameters however many numbers share a market.
 */
function marketRuns(first: bigint, count: number) {
  const from: number[] = [];
  const to: number[] = [];
  const markets: string[] = [];
  for (let g = 0; g < count; g++) {
    const market = marketOfNumber(String(first + BigInt(g)));
    if (markets.length > 0 && markets[markets.length - 1] === market) to[to.length - 1] = g;
    else {
      from.push(g);
      to.push(g);
      markets.push(market);
    }
  }
  return { from, to, markets };
}

/**
 * Inserts `count` customers with varied tiers, cities, tags and names, each with its number's market as an
 * import would store it. Returns the phone range.
 */
export async function insertCustomers(db: DbOrTx, options: CustomerFactoryOptions) {
  const first = options.firstPhone ?? 12025550000n;
  const unsub = options.unsubscribedShare ?? 0.04;
  const tiers = [...DEMO_TIERS];
  const cities = [...DEMO_CITIES];
  const tags = [...DEMO_TAGS];
  const fixedTier = options.fixed?.customerTier ?? null;
  const fixedCity = options.fixed?.city ?? null;
  const fixedTags = options.fixed?.tags ?? null;
  const runs = marketRuns(first, options.count);
  await db.$executeRaw`
    INSERT INTO user_profiles (id, whatsapp_phone, market, name, customer_tier, city, tags, attributes, subscription, is_active, created_at, updated_at)
    SELECT gen_random_uuid(),
      (${first}::bigint + g)::text,
      m.market,
      (${FIRST}::text[])[1 + (g * 7) % ${FIRST.length}] || ' ' || (${LAST}::text[])[1 + (g * 13) % ${LAST.length}],
      coalesce(${fixedTier}::text, (${tiers}::text[])[1 + (CASE WHEN g % 10 < 6 THEN 0 WHEN g % 10 < 9 THEN 1 ELSE 2 END)]),
      coalesce(${fixedCity}::text, (${cities}::text[])[1 + (g * 3) % ${cities.length}]),
      coalesce(${fixedTags}::text[], ARRAY[(${tags}::text[])[1 + g % ${tags.length}], (${tags}::text[])[1 + (g % ${tags.length} + 1 + (g / ${tags.length}) % ${tags.length - 1}) % ${tags.length}]]),
      jsonb_build_object('loyalty_points', (g * 37) % 5000),
      CASE WHEN (g::bigint * 7919) % 1000 < ${Math.round(unsub * 1000)} THEN 'unsubscribed' ELSE 'subscribed' END,
      (g % 97) <> 0,
      now(), now()
    FROM unnest(${runs.from}::int[], ${runs.to}::int[], ${runs.markets}::text[]) AS m(lo, hi, market)
    CROSS JOIN LATERAL generate_series(m.lo, m.hi) g
    ON CONFLICT (whatsapp_phone) DO NOTHING`;
  return { firstPhone: first, lastPhone: first + BigInt(options.count - 1) };
}

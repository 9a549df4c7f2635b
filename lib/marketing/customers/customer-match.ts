/**
 * How a customer matches a tier, a city and tags: in any case, everywhere a customer is chosen by them (a
 * campaign's target audience, its count, the API's customer list, the dashboard's customer filters and the
 * values those filters offer). An import's "Premium", "New York" and "Fashion" are the audience's "premium",
 * "new york" and "fashion"; what is stored is kept as written.
 *
 * Each condition is what an index serves: lower(customer_tier), lower(city) and lower_tags(tags) (a GIN index;
 * lower_tags is the SQL function of migration 20261206071000, each tag lower-cased).
 */
import { Prisma } from "../db";

export type CustomerMatch = { customer_tier?: string; city?: string; tags?: string[] };

const COLUMNS = {
  "": { tier: Prisma.sql`customer_tier`, city: Prisma.sql`city`, tags: Prisma.sql`tags` },
  u: { tier: Prisma.sql`u.customer_tier`, city: Prisma.sql`u.city`, tags: Prisma.sql`u.tags` },
};

/**
 * The conditions on the user_profiles row `alias` ("u", or "" for the table itself) for each given part;
 * the tags must all be there.
 */
export function customerMatchSql(alias: keyof typeof COLUMNS, m: CustomerMatch): Prisma.Sql[] {
  const col = COLUMNS[alias];
  const out: Prisma.Sql[] = [];
  if (m.customer_tier !== undefined) out.push(Prisma.sql`lower(${col.tier}) = lower(${m.customer_tier})`);
  if (m.city !== undefined) out.push(Prisma.sql`lower(${col.city}) = lower(${m.city})`);
  if (m.tags !== undefined && m.tags.length > 0) out.push(Prisma.sql`lower_tags(${col.tags}) @> lower_tags(${m.tags}::text[])`);
  return out;
}

/** The parts as one key: the same match in any case or order is the same key (audience-count.ts caches by it). */
export function customerMatchKey(m: CustomerMatch): { customer_tier: string | null; city: string | null; tags: string[] | null } {
  return {
    customer_tier: m.customer_tier?.toLowerCase() ?? null,
    city: m.city?.toLowerCase() ?? null,
    tags: m.tags && m.tags.length > 0 ? [...new Set(m.tags.map((t) => t.toLowerCase()))].sort() : null,
  };
}

/**
 * The values a filter offers, most common first, one per spelling-in-any-case (shown as its most common
 * spelling), counted over every customer: `value` is the column ("customer_tier", "city") or, for tags, each
 * element of the array.
 */
export function filterValuesSql(part: "customer_tier" | "city" | "tags", limit: number): Prisma.Sql {
  const values = {
    tags: Prisma.sql`SELECT t AS v FROM user_profiles, unnest(tags) t`,
    customer_tier: Prisma.sql`SELECT customer_tier AS v FROM user_profiles WHERE customer_tier IS NOT NULL`,
    city: Prisma.sql`SELECT city AS v FROM user_profiles WHERE city IS NOT NULL`,
  }[part];
  return Prisma.sql`
    SELECT (array_agg(v ORDER BY n DESC, v))[1] AS v, sum(n)::bigint AS n
    FROM (SELECT v, count(*) AS n FROM (${values}) x GROUP BY v) s
    GROUP BY lower(v) ORDER BY 2 DESC, 1 LIMIT ${limit}::int`;
}

import { Prisma } from "../db";

export type DeferredCountsRow = { cap: bigint | number; meta: bigint | number };

/**
 * One row: the campaign's pending recipients waiting because of the frequency cap (`cap`) or Meta's
 * per-user cap, 131049 (`meta`); read on the partial index of deferred pending recipients. A fragment for
 * statements that read it with other figures (stats, the live panel).
 */
export function deferredCountsSql(campaignId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT count(*) FILTER (WHERE deferred_reason = 'frequency_cap') AS cap, count(*) FILTER (WHERE deferred_reason = 'meta_cap') AS meta
    FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid AND stage = 'pending' AND deferred_reason IS NOT NULL`;
}

/**
 * The markets of a campaign's recipients that have none yet (market.ts), computed in bounded steps into
 * a temporary table of the open transaction (`staged_markets`: id, market; dropped at commit). A statement
 * that rewrites those rows anyway — activation's scheduling UPDATE — then sets the market in the same
 * write (STAGED_MARKETS_SQL), so activating writes each recipient row once instead of twice (schedule,
 * then market). Only inside a transaction (the temporary table lives on its connection).
 */
import { Prisma, type Tx } from "../db";
import { forEachMissingMarket } from "./assign-markets";

const STEP = 20_000;

/** The staged markets, to LEFT JOIN on the recipient id. */
export const STAGED_MARKETS_SQL = Prisma.sql`staged_markets`;

export async function stageMarkets(tx: Tx, campaignId: string): Promise<number> {
  await tx.$executeRaw(Prisma.sql`CREATE TEMPORARY TABLE IF NOT EXISTS staged_markets (id uuid NOT NULL, market text NOT NULL) ON COMMIT DROP`);
  return forEachMissingMarket(tx, campaignId, STEP, (ids, markets) => tx.$executeRaw(Prisma.sql`
    INSERT INTO staged_markets (id, market) SELECT * FROM unnest(${ids}::uuid[], ${markets}::text[])`));
}

/**
 * The markets of a campaign's recipients that have none yet (market.ts), computed in bounded steps into
 * a temporary table of the open transaction (`staged_markets`: id, market; dropped at commit). A statement
 * that rewrites those rows anyway — activation's scheduling UPDATE — then sets the market in the same
 * write (STAGED_MARKETS_SQL), so activating writes each recipient row once instead of twice (schedule,
 * then market). Only inside a transaction (the temporary table lives on its connection).
 */
import { Prisma, type Tx } from "../db";
import { marketOfNumber } from "./market";

const STEP = 20_000;

/** The staged markets, to LEFT JOIN on the recipient id. */
export const STAGED_MARKETS_SQL = Prisma.sql`staged_markets`;

export async function stageMarkets(tx: Tx, campaignId: string): Promise<number> {
  await tx.$executeRaw(Prisma.sql`CREATE TEMPORARY TABLE IF NOT EXISTS staged_markets (id uuid NOT NULL, market text NOT NULL) ON COMMIT DROP`);
  let total = 0;
  let after: string | null = null;
  for (;;) {
    // keyset over campaign_recipients_market_missing_idx (campaign_id, id) WHERE market IS NULL
    const rows: Array<{ id: string; phone_number: string; wa_id: string | null }> = await tx.$queryRaw(Prisma.sql`
      SELECT id::text, phone_number, wa_id FROM campaign_recipients
      WHERE campaign_id = ${campaignId}::uuid AND market IS NULL ${after ? Prisma.sql`AND id > ${after}::uuid` : Prisma.empty}
      ORDER BY id LIMIT ${STEP}::int`);
    if (rows.length === 0) return total;
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO staged_markets (id, market)
      SELECT * FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => marketOfNumber(/^[0-9]+$/.test(r.phone_number) ? r.phone_number : r.wa_id))}::text[])`);
    total += rows.length;
    if (rows.length < STEP) return total;
    after = rows[rows.length - 1].id;
  }
}

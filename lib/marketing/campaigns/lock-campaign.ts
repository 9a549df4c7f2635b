import type { MarketingCampaign } from "@/lib/generated/prisma/client";
import { AppError } from "../errors";
import { Prisma, type Tx } from "../db";
import { parseCampaignId } from "./campaign-id";

/**
 * Locks a campaign row (FOR UPDATE) inside a transaction and returns it: every state change and every
 * (re)scheduling of its recipients happens under this lock, so they are serialised per campaign.
 */
export async function lockCampaign(tx: Tx, campaignId: string): Promise<MarketingCampaign> {
  const id = parseCampaignId(campaignId);
  const rows = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`SELECT id FROM marketing_campaigns WHERE id = ${id}::uuid FOR UPDATE`);
  if (rows.length === 0) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  return tx.marketingCampaign.findUniqueOrThrow({ where: { id } });
}

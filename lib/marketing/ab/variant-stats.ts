/**
 * An A/B test's figures per variant, recounted from the recipients' rows (one GROUP BY over the campaign's
 * rows, served by the (campaign_id, variant, status) index): recipients, sent (accepted by WhatsApp:
 * queued, sent, delivered, read), delivered (delivered, read), read, failed, clicked (a tracked link tapped),
 * replied (a reply attributed to the message), reached (delivered, or clicked or replied before its delivered
 * status: what the click and reply rates are out of, as in engagement-stats.ts). Recipients held back until the
 * winner is known are counted apart (held_back).
 */
import { Prisma, type DbOrTx } from "../db";
import { round1 } from "../stats/counter-figures";
import { readAbDecision, readAbTest, readVariants, type AbCampaign, type VariantCounts } from "./variants";
import { DELIVERED_SQL, SENT_SQL } from "../recipients/recipient-status-sql";

export async function countByVariant(db: DbOrTx, campaignId: string): Promise<Map<number | null, VariantCounts>> {
  // every per-variant figure is one FILTER line here (and one field of VariantCounts)
  const rows = await db.$queryRaw<Array<{ variant: number | null } & Record<keyof VariantCounts, bigint>>>(Prisma.sql`
    SELECT variant, count(*) AS recipients,
      count(*) FILTER (WHERE status IN ${SENT_SQL}) AS sent,
      count(*) FILTER (WHERE status IN ${DELIVERED_SQL}) AS delivered,
      count(*) FILTER (WHERE status = 'read') AS read,
      count(*) FILTER (WHERE status = 'failed') AS failed,
      count(*) FILTER (WHERE first_clicked_at IS NOT NULL) AS clicked,
      count(*) FILTER (WHERE replied_at IS NOT NULL) AS replied,
      count(*) FILTER (WHERE status IN ${DELIVERED_SQL} OR first_clicked_at IS NOT NULL OR replied_at IS NOT NULL) AS reached
    FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid
    GROUP BY variant`);
  return new Map(rows.map((r) => [r.variant, { recipients: Number(r.recipients), sent: Number(r.sent), delivered: Number(r.delivered), read: Number(r.read), failed: Number(r.failed), clicked: Number(r.clicked), replied: Number(r.replied), reached: Number(r.reached) }]));
}

const ZERO: VariantCounts = { recipients: 0, sent: 0, delivered: 0, read: 0, failed: 0, clicked: 0, replied: 0, reached: 0 };

export type VariantStats = Awaited<ReturnType<typeof getVariantStats>>;

/** The `variants` part of a campaign's stats; null when the campaign has no variants. */
export async function getVariantStats(db: DbOrTx, campaign: AbCampaign) {
  const variants = readVariants(campaign.variants);
  if (!variants) return null;
  const counts = await countByVariant(db, campaign.id);
  return {
    variants: variants.map((v, i) => {
      const c = counts.get(i) ?? ZERO;
      return {
        variant: i,
        name: v.name,
        template_name: v.template_name,
        language_code: v.language_code,
        share: v.share,
        ...c,
        delivery_rate: c.sent > 0 ? round1((100 * c.delivered) / c.sent) : 0,
        read_rate: c.sent > 0 ? round1((100 * c.read) / c.sent) : 0,
        click_rate: c.reached > 0 ? round1((100 * c.clicked) / c.reached) : 0,
        reply_rate: c.reached > 0 ? round1((100 * c.replied) / c.reached) : 0,
      };
    }),
    /** recipients waiting for the winner (no variant yet) */
    held_back: counts.get(null)?.recipients ?? 0,
    ab_test: readAbTest(campaign.abTest),
    ab_decision: readAbDecision(campaign.abDecision),
  };
}

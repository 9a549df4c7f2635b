import { alertLiteral } from "../alerts/alert-text";
import { createAlert } from "../alerts/create-alert";
import { audit } from "../audit";
import { Prisma, withRetry, type Db } from "../db";
import { PENDING_SQL } from "../recipients/recipient-status-sql";

/**
 * active → completed when nothing is pending or in flight (unknown outcomes do not hold it open), with an
 * audit entry and an alert. True when it completed.
 */
export async function completeCampaignIfDone(db: Db, { campaignId, now }: { campaignId: string; now: Date }): Promise<boolean> {
  return withRetry(() => db.$transaction(async (tx) => {
    // lock first: the check below then runs on a snapshot that sees recipients added meanwhile
    await tx.$queryRaw(Prisma.sql`SELECT 1 FROM marketing_campaigns WHERE id = ${campaignId}::uuid FOR UPDATE`);
    const n = await tx.$executeRaw(Prisma.sql`
      UPDATE marketing_campaigns c SET status = 'completed', completed_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
      WHERE c.id = ${campaignId}::uuid AND c.status = 'active'
        AND NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status IN ${PENDING_SQL})`);
    if (n > 0) {
      await audit(tx, { actor: "system", action: "campaign.complete", entityType: "campaign", entityId: campaignId, now });
      const c = await tx.marketingCampaign.findUniqueOrThrow({ where: { id: campaignId } });
      await createAlert(tx, {
        severity: "info", kind: "campaign_completed", campaignId, dedupeKey: `campaign_completed:${campaignId}`,
        text: `Campaign '${alertLiteral(c.name)}' completed: ${c.messagesSent} sent, ${c.messagesDelivered} delivered, ${c.messagesFailed} failed, ${c.messagesSkipped} skipped.`,
        details: { total: c.totalTargetCustomers, sent: c.messagesSent, delivered: c.messagesDelivered, read: c.messagesRead, failed: c.messagesFailed, skipped: c.messagesSkipped, unknown: c.messagesUnknown },
      }, now);
    }
    return n > 0;
  }));
}

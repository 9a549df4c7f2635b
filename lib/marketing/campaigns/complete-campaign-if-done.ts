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
        AND NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.stage IN ${PENDING_SQL})`);
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

/**
 * completed → active again for campaigns with recipients pending again (a failed status that arrived after
 * the campaign completed: Meta's 131049, a retry-class or template-class failure), so they are sent instead of
 * waiting forever in a completed campaign. The applier runs it for the campaigns of the recipients it put back,
 * once its chunks have committed (`campaignIds`), and the daily processor for all at its start, after draining
 * the webhook inbox. Not a step inside the applier's transaction: that could not see a completion committed
 * meanwhile (and would lock campaign rows after recipient rows). Answers the campaigns re-opened.
 */
export async function reopenCompletedCampaigns(db: Db, { now, campaignIds }: { now: Date; campaignIds?: string[] }): Promise<string[]> {
  const only = campaignIds ? Prisma.sql`AND c.id = ANY(${campaignIds}::uuid[])` : Prisma.empty;
  return withRetry(() => db.$transaction(async (tx) => {
    const reopened = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      UPDATE marketing_campaigns c SET status = 'active', completed_at = NULL, updated_at = ${now}::timestamptz
      WHERE c.status = 'completed' ${only}
        AND EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.stage = 'pending')
      RETURNING c.id::text AS id`);
    for (const { id } of reopened) {
      await audit(tx, { actor: "system", action: "campaign.reopen", entityType: "campaign", entityId: id, details: { reason: "recipients pending again after it completed" }, now });
    }
    return reopened.map((r) => r.id);
  }));
}

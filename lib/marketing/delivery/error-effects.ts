/**
 * What an error class does to the customer, the same for a send's answer (finish-batch) and a `failed`
 * status (apply-statuses): meta_cap defers the customer's marketing messages everywhere until the
 * recipient's next attempt; opted_out unsubscribes them (apply-subscription-changes.ts, source
 * whatsapp_error_131050). Template and account classes: pauseCampaignForTemplateError and
 * recordAccountError.
 */
import { Prisma, type Tx } from "../db";

/** meta_cap (131049): no marketing message to these recipients' customers before their next attempt. */
export async function deferCustomersForMetaCap(tx: Tx, { recipientIds, now }: { recipientIds: string[]; now: Date }): Promise<number> {
  if (recipientIds.length === 0) return 0;
  await tx.$queryRaw(Prisma.sql`
    SELECT p.id FROM user_profiles p JOIN campaign_recipients r ON p.id = r.customer_id OR (r.customer_id IS NULL AND p.whatsapp_phone = r.phone_number)
    WHERE r.id = ANY(${recipientIds}::uuid[]) ORDER BY p.id FOR UPDATE OF p`);
  return tx.$executeRaw(Prisma.sql`
    UPDATE user_profiles p SET marketing_deferred_until = x.until, updated_at = ${now}
    FROM (
      SELECT p2.id, max(r.next_attempt_at) AS until
      FROM campaign_recipients r
      JOIN user_profiles p2 ON p2.id = r.customer_id OR (r.customer_id IS NULL AND p2.whatsapp_phone = r.phone_number)
      WHERE r.id = ANY(${recipientIds}::uuid[]) AND r.next_attempt_at IS NOT NULL
      GROUP BY p2.id
    ) x
    WHERE p.id = x.id AND (p.marketing_deferred_until IS NULL OR p.marketing_deferred_until < x.until)`);
}

/**
 * A campaign's recipients as CSV, produced in keyset-paged batches (never the whole campaign in memory):
 * streamed by the direct download route, or written part by part by the dashboard's export job
 * (../jobs/export-recipients-job.ts). Every export is audited first (who, which campaign, how many rows);
 * a viewer's export has the phone numbers masked. In an A/B test each row names the recipient's variant.
 */
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type DbOrTx } from "../db";
import { csvCell } from "../csv-cell";
import { AppError } from "../errors";
import { maskPhone } from "../phone";
import { canSeePhoneNumbers } from "../users/permissions";
import { readVariants } from "../ab/variants";
import { parseUuid } from "../uuid";

/**
 * Checks the campaign, audits the export and says how to produce it (recipientsCsv's `mask`). `jobId`:
 * the export job that produces the file (named in the audit entry).
 */
export async function startRecipientsExport({ db, now, principal, campaignId, jobId }: { db: DbOrTx; now: Date; principal: Principal; campaignId: string; jobId?: string }) {
  if (parseUuid(campaignId) === null) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const campaign = await db.marketingCampaign.findUnique({ where: { id: campaignId }, select: { id: true, name: true, totalTargetCustomers: true } });
  if (!campaign) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const mask = !canSeePhoneNumbers(principal.role);
  await audit(db, {
    actor: principal.actor, action: "campaign.export_recipients", entityType: "campaign", entityId: campaign.id,
    details: { rows: campaign.totalTargetCustomers, masked: mask, ...(jobId ? { job_id: jobId } : {}) }, now,
  });
  return { campaign, mask };
}

const HEADER = ["phone_number", "customer_name", "status", "scheduled_send_date", "sent_at", "delivered_at", "read_at", "failed_at", "failure_reason", "error_code", "retry_count",
  "click_count", "first_clicked_at", "replied_at", "opted_out_at", "variant"];

/** the CSV's first line */
export const RECIPIENTS_CSV_HEADER = HEADER.join(",") + "\n";

/** The campaign's variant names (a recipient's `variant` is an index into them). */
export async function campaignVariantNames(db: DbOrTx, campaignId: string): Promise<string[]> {
  const campaign = await db.marketingCampaign.findUnique({ where: { id: campaignId }, select: { variants: true } });
  return (readVariants(campaign?.variants) ?? []).map((v) => v.name);
}

/**
 * One keyset page of the file: the recipients after phone number `after` (null: from the first), at most
 * `limit`, as CSV lines. `last` is where the next page starts.
 */
export async function recipientsCsvPage({ db, campaignId, after, limit, mask, variantNames }: {
  db: DbOrTx; campaignId: string; after: string | null; limit: number; mask: boolean; variantNames: string[];
}): Promise<{ csv: string; rows: number; last: string | null }> {
  const rows: Array<Record<string, unknown>> = await db.$queryRaw(Prisma.sql`
    SELECT r.phone_number, u.name AS customer_name, r.status, r.scheduled_send_date, r.sent_at, r.delivered_at, r.read_at, r.failed_at,
           r.failure_reason, r.error_code, r.retry_count, r.click_count, r.first_clicked_at, r.replied_at, r.opted_out_at, r.variant
    FROM campaign_recipients r LEFT JOIN user_profiles u ON u.id = r.customer_id
    WHERE r.campaign_id = ${campaignId}::uuid ${after === null ? Prisma.empty : Prisma.sql`AND r.phone_number > ${after}`}
    ORDER BY r.phone_number LIMIT ${limit}`);
  let csv = "";
  for (const r of rows) {
    const day = r.scheduled_send_date instanceof Date ? r.scheduled_send_date.toISOString().slice(0, 10) : null;
    csv += [mask ? maskPhone(String(r.phone_number)) : r.phone_number, r.customer_name, r.status, day, r.sent_at, r.delivered_at, r.read_at, r.failed_at, r.failure_reason, r.error_code, r.retry_count,
      r.click_count, r.first_clicked_at, r.replied_at, r.opted_out_at, r.variant === null ? null : variantNames[Number(r.variant)]].map(csvCell).join(",") + "\n";
  }
  return { csv, rows: rows.length, last: rows.length ? String(rows[rows.length - 1].phone_number) : null };
}

export async function* recipientsCsv({ db, campaignId, batchSize = 5000, mask = false }: { db: DbOrTx; campaignId: string; batchSize?: number; mask?: boolean }): AsyncGenerator<string> {
  yield RECIPIENTS_CSV_HEADER;
  const variantNames = await campaignVariantNames(db, campaignId);
  let after: string | null = null;
  for (;;) {
    const page = await recipientsCsvPage({ db, campaignId, after, limit: batchSize, mask, variantNames });
    if (page.rows === 0) return;
    yield page.csv;
    if (page.rows < batchSize) return;
    after = page.last;
  }
}

/**
 * A campaign's recipients as CSV, produced in keyset-paged batches (never the whole campaign in memory),
 * for a streaming download. Every export is audited first (who, which campaign, how many rows); a viewer's
 * export has the phone numbers masked. In an A/B test each row names the recipient's variant.
 */
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type DbOrTx } from "../db";
import { AppError } from "../errors";
import { maskPhone } from "../phone";
import { canSeePhoneNumbers } from "../users/permissions";
import { readVariants } from "../ab/variants";
import { parseUuid } from "../uuid";

/** Checks the campaign, audits the export and says how to produce it (recipientsCsv's `mask`). */
export async function startRecipientsExport({ db, now, principal, campaignId }: { db: DbOrTx; now: Date; principal: Principal; campaignId: string }) {
  if (parseUuid(campaignId) === null) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const campaign = await db.marketingCampaign.findUnique({ where: { id: campaignId }, select: { id: true, name: true, totalTargetCustomers: true } });
  if (!campaign) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const mask = !canSeePhoneNumbers(principal.role);
  await audit(db, {
    actor: principal.actor, action: "campaign.export_recipients", entityType: "campaign", entityId: campaign.id,
    details: { rows: campaign.totalTargetCustomers, masked: mask }, now,
  });
  return { campaign, mask };
}

const HEADER = ["phone_number", "customer_name", "status", "scheduled_send_date", "sent_at", "delivered_at", "read_at", "failed_at", "failure_reason", "error_code", "retry_count",
  "click_count", "first_clicked_at", "replied_at", "opted_out_at", "variant"];

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = v instanceof Date ? v.toISOString() : String(v);
  // quote when needed; neutralise spreadsheet formulas
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export async function* recipientsCsv({ db, campaignId, batchSize = 5000, mask = false }: { db: DbOrTx; campaignId: string; batchSize?: number; mask?: boolean }): AsyncGenerator<string> {
  yield HEADER.join(",") + "\n";
  // the campaign's variant names, read once (a recipient's `variant` is an index into them)
  const campaign = await db.marketingCampaign.findUnique({ where: { id: campaignId }, select: { variants: true } });
  const variantNames = (readVariants(campaign?.variants) ?? []).map((v) => v.name);
  let after: string | null = null;
  for (;;) {
    const rows: Array<Record<string, unknown>> = await db.$queryRaw(Prisma.sql`
      SELECT r.phone_number, u.name AS customer_name, r.status, r.scheduled_send_date, r.sent_at, r.delivered_at, r.read_at, r.failed_at,
             r.failure_reason, r.error_code, r.retry_count, r.click_count, r.first_clicked_at, r.replied_at, r.opted_out_at, r.variant
      FROM campaign_recipients r LEFT JOIN user_profiles u ON u.id = r.customer_id
      WHERE r.campaign_id = ${campaignId}::uuid ${after === null ? Prisma.empty : Prisma.sql`AND r.phone_number > ${after}`}
      ORDER BY r.phone_number LIMIT ${batchSize}`);
    if (rows.length === 0) return;
    let out = "";
    for (const r of rows) {
      const day = r.scheduled_send_date instanceof Date ? r.scheduled_send_date.toISOString().slice(0, 10) : null;
      out += [mask ? maskPhone(String(r.phone_number)) : r.phone_number, r.customer_name, r.status, day, r.sent_at, r.delivered_at, r.read_at, r.failed_at, r.failure_reason, r.error_code, r.retry_count,
        r.click_count, r.first_clicked_at, r.replied_at, r.opted_out_at, r.variant === null ? null : variantNames[Number(r.variant)]].map(cell).join(",") + "\n";
    }
    yield out;
    if (rows.length < batchSize) return;
    after = String(rows[rows.length - 1].phone_number);
  }
}

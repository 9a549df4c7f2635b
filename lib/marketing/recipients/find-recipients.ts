import { z } from "zod";
import { parseCampaignId } from "../campaigns/campaign-id";
import type { DbOrTx } from "../db";
import { AppError } from "../errors";
import { dateToDay } from "../time";

export const RECIPIENT_STATUSES = ["pending", "sending", "queued", "sent", "delivered", "read", "failed", "skipped", "unknown"] as const;

export const ZFindRecipients = z
  .object({
    status: z.enum(RECIPIENT_STATUSES).optional(),
    phone: z.string().regex(/^[0-9]{1,15}$/, "digits only").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  })
  .strict();
export type TFindRecipients = z.input<typeof ZFindRecipients>;

/** A page of a campaign's recipients, in schedule order. */
export async function findRecipients({ db, campaignId, query }: { db: DbOrTx; campaignId: string; query: TFindRecipients | Record<string, unknown> }) {
  const id = parseCampaignId(campaignId);
  const q = ZFindRecipients.parse(query);
  const campaign = await db.marketingCampaign.findUnique({ where: { id }, select: { id: true } });
  if (!campaign) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const where = { campaignId: id, ...(q.status ? { status: q.status } : {}), ...(q.phone ? { phoneNumber: { startsWith: q.phone } } : {}) };
  const [rows, total] = await Promise.all([
    db.campaignRecipient.findMany({ where, orderBy: [{ scheduledSendDate: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }, { id: "asc" }], take: q.limit, skip: q.offset }),
    db.campaignRecipient.count({ where }),
  ]);
  return {
    campaign_id: id,
    total,
    limit: q.limit,
    offset: q.offset,
    recipients: rows.map((r) => ({
      id: r.id,
      phone_number: r.phoneNumber,
      status: r.status,
      scheduled_send_date: r.scheduledSendDate ? dateToDay(r.scheduledSendDate) : null,
      sent_on: r.sentOn ? dateToDay(r.sentOn) : null,
      whatsapp_message_id: r.whatsappMessageId,
      sent_at: r.sentAt?.toISOString() ?? null,
      delivered_at: r.deliveredAt?.toISOString() ?? null,
      read_at: r.readAt?.toISOString() ?? null,
      failed_at: r.failedAt?.toISOString() ?? null,
      failure_reason: r.failureReason,
      error_code: r.errorCode,
      retry_count: r.retryCount,
      next_attempt_at: r.nextAttemptAt?.toISOString() ?? null,
      deferred_reason: r.deferredReason,
    })),
  };
}

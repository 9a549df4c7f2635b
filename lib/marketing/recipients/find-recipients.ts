import { z } from "@/lib/zod";
import { parseCampaignId } from "../campaigns/campaign-id";
import type { DbOrTx } from "../db";
import { AppError } from "../errors";
import { dateToDay } from "../time";
import type { Prisma } from "@/lib/generated/prisma/client";
import { cursorDate, cursorUuid, decodeCursor, encodeCursor, ZCursor } from "../pagination";
import type { Role } from "../auth/api-tokens";
import { apiPhone, canSearchPartOfNumbers } from "../users/permissions";
import { RECIPIENT_STATUSES, stageOf } from "./recipient-status";

export const ZFindRecipients = z
  .object({
    status: z.enum(RECIPIENT_STATUSES).optional(),
    phone: z.string().regex(/^[0-9]{1,15}$/, "digits only").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    /** next_cursor of the previous page (then offset is ignored) */
    cursor: ZCursor.optional(),
  })
  .strict();
export type TFindRecipients = z.input<typeof ZFindRecipients>;

/** A page of a campaign's recipients, in schedule order (the API's list; the campaign page's table is searchRecipients). */
export async function findRecipients({ db, campaignId, query, role }: { db: DbOrTx; campaignId: string; query: TFindRecipients | Record<string, unknown>; role: Role }) {
  const id = parseCampaignId(campaignId);
  const q = ZFindRecipients.parse(query);
  const campaign = await db.marketingCampaign.findUnique({ where: { id }, select: { id: true } });
  if (!campaign) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  const where = { campaignId: id, ...(q.status ? { stage: stageOf(q.status), status: q.status } : {}), ...(q.phone ? { phoneNumber: canSearchPartOfNumbers(role) ? { startsWith: q.phone } : q.phone } : {}) };
  // schedule order (unscheduled last), then created_at, id: the rows after the cursor's key
  const key = q.cursor ? decodeCursor(q.cursor, 3) : null;
  let after: Prisma.CampaignRecipientWhereInput = {};
  if (key) {
    const tail = { OR: [{ createdAt: { gt: cursorDate(key[1]) } }, { createdAt: cursorDate(key[1]), id: { gt: cursorUuid(key[2]) } }] };
    after = key[0] === null
      ? { scheduledSendDate: null, ...tail }
      : { OR: [{ scheduledSendDate: { gt: cursorDate(key[0]) } }, { scheduledSendDate: null }, { scheduledSendDate: cursorDate(key[0]), ...tail }] };
  }
  const [found, total] = await Promise.all([
    db.campaignRecipient.findMany({
      where: { AND: [where, after] }, orderBy: [{ scheduledSendDate: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }, { id: "asc" }],
      take: q.limit + 1, skip: key ? 0 : q.offset,
    }),
    db.campaignRecipient.count({ where }),
  ]);
  const rows = found.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return {
    campaign_id: id,
    total,
    limit: q.limit,
    offset: key ? null : q.offset,
    next_cursor: found.length > q.limit ? encodeCursor([last.scheduledSendDate?.toISOString() ?? null, last.createdAt.toISOString(), last.id]) : null,
    recipients: rows.map((r) => ({
      id: r.id,
      phone_number: apiPhone(role, r.phoneNumber),
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

/**
 * One page of a campaign's recipients for the dashboard, keyset-paged so page 2,000 of a
 * 100,000-recipient campaign costs the same as page 1 (an index range scan, never OFFSET):
 *  - all statuses: by phone number, on the unique (campaign_id, phone_number) index;
 *  - a status group: by id, one index range per stage on (campaign_id, stage, id), merged (the statuses of a
 *    message that is out, queued to read, share the stage 'out': the "delivered" tab reads that range with
 *    the status as a filter, so a tab whose status is rare among the campaign's sent messages reads more rows
 *    for a page).
 * Both ways: `after` is the last row's id of the page before (the next page), `before` the first row's id
 * of the page after (the previous page, read backwards on the same index, then put back in order).
 * Counts come from the campaign's counters (never a recount).
 * Not findRecipients: the API's list is in schedule order, one status at a time, with a total; this table reads by number or a status group, both ways.
 */
import { z } from "@/lib/zod";
import { Prisma, type DbOrTx } from "../db";
import { NOT_YET_DELIVERED_STATUSES, PENDING_STATUSES, stageOf, type RecipientStage, type RecipientStatus } from "../recipients/recipient-status";
import { parseUuid } from "../uuid";
import type { Role } from "../auth/api-tokens";
import { canSearchPartOfNumbers } from "../users/permissions";
import { phoneFilterOf } from "../phone";
import { phoneReading } from "../sending/sending-settings";

/** The filter groups the table offers, and the statuses each covers. */
export const RECIPIENT_FILTERS = {
  pending: PENDING_STATUSES,
  sent: NOT_YET_DELIVERED_STATUSES,
  delivered: ["delivered"],
  read: ["read"],
  failed: ["failed"],
  skipped: ["skipped"],
  unknown: ["unknown"],
} as const;
export type RecipientFilter = keyof typeof RECIPIENT_FILTERS;

export const ZRecipientsPageQuery = z.object({
  status: z.enum(Object.keys(RECIPIENT_FILTERS) as [RecipientFilter, ...RecipientFilter[]]).optional().catch(undefined),
  /** a whole number, or the digits numbers start with (phoneFilterOf), as typed */
  // as typed or pasted: spaces, dashes, dots and parentheses are not part of the number (+44 7911 123510)
  phone: z.string().transform((v) => v.replace(/[\s().-]/g, "")).pipe(z.string().regex(/^\+?[0-9]{1,15}$/)).optional().catch(undefined),
  after: z.string().max(64).optional().catch(undefined),
  before: z.string().max(64).optional().catch(undefined),
  limit: z.coerce.number().int().min(10).max(200).default(50).catch(50),
});
export type TRecipientsPageQuery = z.infer<typeof ZRecipientsPageQuery>;

export type RecipientRow = {
  id: string;
  phoneNumber: string;
  status: string;
  scheduledSendDate: Date | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  failureReason: string | null;
  errorCode: number | null;
  retryCount: number;
  deferredReason: string | null;
  customerName: string | null;
  /** taps on the tracked button (link previews excluded), and the first; the first attributed reply */
  clickCount: number;
  firstClickedAt: Date | null;
  repliedAt: Date | null;
};

const COLUMNS = Prisma.sql`r.id, r.phone_number, r.status, r.scheduled_send_date, r.sent_at, r.delivered_at, r.read_at, r.failed_at,
  r.failure_reason, r.error_code, r.retry_count, r.deferred_reason, u.name AS customer_name, r.click_count, r.first_clicked_at, r.replied_at`;

const cursorId = (v: string | undefined) => (v && parseUuid(v) !== null ? v : null);

export async function searchRecipients({ db, campaignId, query, role }: { db: DbOrTx; campaignId: string; query: TRecipientsPageQuery; role: Role }) {
  const take = query.limit + 1;
  const beforeId = cursorId(query.before);
  const afterId = beforeId ? null : cursorId(query.after);
  const backwards = beforeId !== null;
  const dir = backwards ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  // the numbers starting with the digits: from the digits to the next such prefix ("1419" → "142"), where a scan stops
  // (a viewer's search matches a whole number only: permissions.ts canSearchPartOfNumbers)
  // a whole number written as the workspace writes them (07911 123457 in the UK) is that number
  const filter = query.phone ? phoneFilterOf(query.phone, await phoneReading(db)) : null;
  const exact = filter ? (filter.whole ?? (canSearchPartOfNumbers(role) ? null : filter.startsWith)) : null;
  const prefix = filter && exact === null ? filter.startsWith : null;
  const nextPrefix = prefix ? afterPrefix(prefix) : null;
  const phoneBounds = exact !== null
    ? [Prisma.sql`r.phone_number = ${exact}`]
    : prefix
    ? [Prisma.sql`r.phone_number >= ${prefix} AND r.phone_number LIKE ${prefix + "%"}`, ...(nextPrefix ? [Prisma.sql`r.phone_number < ${nextPrefix}`] : [])]
    : [];
  const phoneRange = phoneBounds.length > 0 ? Prisma.sql`AND ${Prisma.join(phoneBounds, " AND ")}` : Prisma.empty;
  let rows: Array<Record<string, unknown>>;
  if (!query.status) {
    // the cursor is a row's id (never a phone number in a URL: viewers see numbers masked)
    const cursorPhone = (id: string) =>
      Prisma.sql`(SELECT c.phone_number FROM campaign_recipients c WHERE c.id = ${id}::uuid AND c.campaign_id = ${campaignId}::uuid)`;
    // `campaign_id = ANY('{id}')` and the order (campaign_id, phone_number), not `campaign_id = id` and the order
    // phone_number: with the equality the planner may walk the phone_number index instead, filtering out other
    // campaigns' rows, which for a campaign of 1,000,000 beside others on the same low numbers read hundreds of
    // thousands of rows for one page (0.2-0.4 s). This order is only the unique index's, so that index is the one
    // read, and the condition is estimated like the equality (a range on campaign_id would be estimated at
    // almost no rows, and could be sorted whole).
    const bounds = [
      Prisma.sql`r.campaign_id = ANY(${[campaignId]}::uuid[])`,
      ...phoneBounds,
      ...(afterId ? [Prisma.sql`r.phone_number > ${cursorPhone(afterId)}`] : []),
      ...(beforeId ? [Prisma.sql`r.phone_number < ${cursorPhone(beforeId)}`] : []),
    ];
    rows = await db.$queryRaw(Prisma.sql`
      SELECT ${COLUMNS} FROM campaign_recipients r LEFT JOIN user_profiles u ON u.id = r.customer_id
      WHERE ${Prisma.join(bounds, " AND ")}
      ORDER BY r.campaign_id ${dir}, r.phone_number ${dir} LIMIT ${take}`);
  } else {
    const bound = afterId ? Prisma.sql`AND r.id > ${afterId}::uuid` : beforeId ? Prisma.sql`AND r.id < ${beforeId}::uuid` : Prisma.empty;
    // one range of the (campaign_id, stage, id) index per stage the group's statuses are in ('sent' is queued
    // and sent: both in the stage 'out', read once with the status as a filter)
    const byStage = new Map<RecipientStage, RecipientStatus[]>();
    for (const s of RECIPIENT_FILTERS[query.status]) byStage.set(stageOf(s), [...(byStage.get(stageOf(s)) ?? []), s]);
    const parts = [...byStage].map(
      // `= ANY('{…}')` and the index's whole order, as above: the (campaign_id, stage, id) index, never the
      // primary key filtered for this campaign and status
      ([stage, statuses]) => Prisma.sql`(SELECT r.id FROM campaign_recipients r
        WHERE r.campaign_id = ANY(${[campaignId]}::uuid[]) AND r.stage = ANY(${[stage]}::text[]) AND r.status = ANY(${statuses}::text[]) ${phoneRange} ${bound}
        ORDER BY r.campaign_id ${dir}, r.stage ${dir}, r.id ${dir} LIMIT ${take})`,
    );
    rows = await db.$queryRaw(Prisma.sql`
      SELECT ${COLUMNS} FROM (SELECT id FROM (${Prisma.join(parts, " UNION ALL ")}) ids ORDER BY id ${dir} LIMIT ${take}) k
      JOIN campaign_recipients r ON r.id = k.id LEFT JOIN user_profiles u ON u.id = r.customer_id
      ORDER BY r.id ${dir}`);
  }
  const hasMore = rows.length > query.limit;
  // back at the top: the first page, full (rows added meanwhile would otherwise leave it short)
  if (backwards && !hasMore) return searchRecipients({ db, campaignId, role, query: { ...query, before: undefined, after: undefined } });
  const page = rows.slice(0, query.limit).map(toRow);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  return {
    rows: page,
    // going forwards there is more after when the extra row came; going backwards the page came from there
    nextCursor: last && (backwards || hasMore) ? last.id : null,
    // going backwards the extra row came (else this is the first page, above); going forwards, it did not start at the top
    prevCursor: first && (backwards || afterId !== null) ? first.id : null,
  };
}

/** The smallest digit string after every number starting with `digits` ("1419" → "142"; null for "999"). */
function afterPrefix(digits: string): string | null {
  const kept = digits.replace(/9+$/, "");
  if (kept === "") return null;
  return kept.slice(0, -1) + String(Number(kept.at(-1)) + 1);
}

function toRow(r: Record<string, unknown>): RecipientRow {
  return {
    id: String(r.id),
    phoneNumber: String(r.phone_number),
    status: String(r.status),
    scheduledSendDate: (r.scheduled_send_date as Date | null) ?? null,
    sentAt: (r.sent_at as Date | null) ?? null,
    deliveredAt: (r.delivered_at as Date | null) ?? null,
    readAt: (r.read_at as Date | null) ?? null,
    failedAt: (r.failed_at as Date | null) ?? null,
    failureReason: (r.failure_reason as string | null) ?? null,
    errorCode: r.error_code === null || r.error_code === undefined ? null : Number(r.error_code),
    retryCount: Number(r.retry_count ?? 0),
    deferredReason: (r.deferred_reason as string | null) ?? null,
    customerName: (r.customer_name as string | null) ?? null,
    clickCount: Number(r.click_count ?? 0),
    firstClickedAt: (r.first_clicked_at as Date | null) ?? null,
    repliedAt: (r.replied_at as Date | null) ?? null,
  };
}

/** How many recipients each filter group holds, from the campaign's counters. */
export function recipientFilterCounts(c: {
  totalTargetCustomers: number; messagesPending: number; messagesSent: number; messagesDelivered: number; messagesRead: number;
  messagesFailed: number; messagesSkipped: number; messagesUnknown: number;
}): Record<RecipientFilter | "all", number> {
  return {
    all: c.totalTargetCustomers,
    pending: c.messagesPending,
    sent: c.messagesSent - c.messagesDelivered,
    delivered: c.messagesDelivered - c.messagesRead,
    read: c.messagesRead,
    failed: c.messagesFailed,
    skipped: c.messagesSkipped,
    unknown: c.messagesUnknown,
  };
}

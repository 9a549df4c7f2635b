/**
 * Replies: an inbound message from a customer within the reply window (settings.reply_window_hours,
 * default 72 h) after a campaign message to them is a reply to the latest such message — the newest
 * recipient row for that number sent (accepted by WhatsApp, not failed) at or before the message and
 * after the window's start. A message without a number (a customer with a username) is matched through
 * the customer who has its business-scoped user id. Set-based, for the messages the applier stored for the first time: the
 * inbound message is linked to the campaign and recipient (whatsapp_messages.campaign_id / recipient_id),
 * and the recipient gets replied_at (the first), last_replied_at, reply_count and, for an opt-out
 * (STOP), opted_out_at. A re-delivered message is not fresh, so nothing counts twice.
 */
import { Prisma, type Tx } from "../db";
import { SENT_SQL } from "../recipients/recipient-status-sql";

export const DEFAULT_REPLY_WINDOW_HOURS = 72;

/** the workspace's reply window (settings.reply_window_hours, default 72 h), as an interval */
const REPLY_WINDOW_SQL = Prisma.sql`make_interval(hours => coalesce((SELECT reply_window_hours FROM settings WHERE id = 1), ${DEFAULT_REPLY_WINDOW_HOURS}::int))`;

/**
 * A send (campaign_recipients aliased r) that a message received between `from` and `to` may reply to: sent
 * (accepted by WhatsApp) at or before it, within `window`. Meta's timestamps are whole seconds (received_at
 * is one), ours are not: a reply stamped in the second of the send is after it (sent_at < received_at + 1 s
 * is floor(sent_at) <= received_at).
 */
const repliedToSql = (from: Prisma.Sql, to: Prisma.Sql, window: Prisma.Sql) => Prisma.sql`r.sent_at IS NOT NULL
  AND r.sent_at < ${to} + interval '1 second' AND r.sent_at > ${from} - ${window} AND r.status IN ${SENT_SQL}`;

/**
 * The recipients attributeReplies may write for messages from these numbers or user ids received between
 * `from` and `to` (a superset: every send to them in the window): the applier locks them with the rest of
 * its chunk's recipients, in one statement and in id order, before it locks any customer.
 */
export function replyTargetsSql({ phones, userIds, from, to }: { phones: string[]; userIds: string[]; from: Date; to: Date }): Prisma.Sql | null {
  if (phones.length === 0 && userIds.length === 0) return null;
  const within = repliedToSql(Prisma.sql`${from.toISOString()}::timestamptz`, Prisma.sql`${to.toISOString()}::timestamptz`, REPLY_WINDOW_SQL);
  const parts: Prisma.Sql[] = [];
  if (phones.length > 0) parts.push(Prisma.sql`SELECT r.id FROM campaign_recipients r WHERE r.phone_number = ANY(${phones}::text[]) AND ${within}`);
  if (userIds.length > 0) {
    parts.push(Prisma.sql`SELECT r.id FROM user_profiles p JOIN campaign_recipients r ON r.customer_id = p.id WHERE p.user_id = ANY(${userIds}::text[]) AND ${within}`);
  }
  return Prisma.join(parts, " UNION ALL ");
}

export async function attributeReplies(tx: Tx, messages: Array<{ wamid: string; optOut: boolean }>, now: Date): Promise<number> {
  if (messages.length === 0) return 0;
  const replied = repliedToSql(Prisma.sql`m.received_at`, Prisma.sql`m.received_at`, Prisma.sql`win.w`);
  const [row] = await tx.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    WITH m AS (
      -- a customer with a username may send no phone: their message is theirs by user id
      SELECT w.id, w.phone_number, w.received_at, x.opt_out,
        CASE WHEN w.phone_number IS NULL THEN (SELECT p.id FROM user_profiles p WHERE p.user_id = w.user_id ORDER BY p.id LIMIT 1) END AS customer_id
      FROM unnest(${messages.map((m) => m.wamid)}::text[], ${messages.map((m) => m.optOut)}::boolean[]) AS x(wamid, opt_out)
      JOIN whatsapp_messages w ON w.whatsapp_message_id = x.wamid
      WHERE w.direction = 'inbound' AND (w.phone_number IS NOT NULL OR w.user_id IS NOT NULL) AND w.received_at IS NOT NULL
    ), win AS (
      SELECT ${REPLY_WINDOW_SQL} AS w
    ), hit AS (
      SELECT m.id AS message_id, m.received_at, m.opt_out, r.id AS recipient_id, r.campaign_id
      FROM m CROSS JOIN win
      JOIN LATERAL (
        SELECT r.id, r.campaign_id, r.sent_at FROM campaign_recipients r
        WHERE r.phone_number = m.phone_number AND ${replied}
        UNION ALL
        SELECT r.id, r.campaign_id, r.sent_at FROM campaign_recipients r
        WHERE m.phone_number IS NULL AND r.customer_id = m.customer_id AND ${replied}
        ORDER BY sent_at DESC, id DESC LIMIT 1
      ) r ON true
    ), linked AS (
      UPDATE whatsapp_messages w SET campaign_id = hit.campaign_id, recipient_id = hit.recipient_id, updated_at = ${now}::timestamptz
      FROM hit WHERE w.id = hit.message_id
      RETURNING 1
    ), per AS (
      SELECT recipient_id, min(received_at) AS first_at, max(received_at) AS last_at, count(*) AS n,
             min(received_at) FILTER (WHERE opt_out) AS opt_out_at
      FROM hit GROUP BY recipient_id
    ), upd AS (
      UPDATE campaign_recipients r SET
        replied_at = least(coalesce(r.replied_at, per.first_at), per.first_at),
        last_replied_at = greatest(r.last_replied_at, per.last_at),
        reply_count = r.reply_count + per.n::int,
        opted_out_at = CASE WHEN per.opt_out_at IS NULL THEN r.opted_out_at ELSE least(coalesce(r.opted_out_at, per.opt_out_at), per.opt_out_at) END
      FROM per WHERE r.id = per.recipient_id
      RETURNING 1
    )
    -- (the data-modifying CTEs run whether or not they are read)
    SELECT count(*) AS n FROM hit`);
  return Number(row.n);
}

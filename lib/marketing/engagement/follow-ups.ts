/**
 * Follow-up campaigns: a new draft whose recipients are exactly the parent campaign's recipients with
 * one outcome now, among customers still subscribed (and active, not erased):
 *   not_read      – delivered, not read
 *   not_delivered – never delivered (sent, no delivery report) or failed with a temporary error (a
 *                   retryable code, or Meta's per-user marketing cap) — never a permanent failure
 *   clicked       – tapped the tracked button
 *   not_clicked   – delivered (or read) and never tapped it
 *   replied       – a reply was attributed to the parent (engagement/attribute-replies.ts)
 * The draft is created by createCampaign (the same template checks) and its recipients inserted with one
 * INSERT … SELECT in the same transaction; it keeps the parent's daily limit, priority and send window,
 * and is linked to it (parent_campaign_id, follow_up_outcome). No matching recipient: 422 NO_RECIPIENTS.
 */
import { z } from "@/lib/zod";
import { LISTED_ERROR_CODES } from "@/lib/whatsapp/errors";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { Principal } from "../auth/api-tokens";
import { parseCampaignId } from "../campaigns/campaign-id";
import { createCampaign, ZCampaignFields } from "../campaigns/create-campaign";
import { Prisma, type DbOrTx, type Db } from "../db";
import { AppError } from "../errors";
import { readSendWindow } from "../sending/send-window";
import { MAY_RECEIVE_MARKETING_SQL } from "../recipients/add-recipients";
import { DELIVERED_SQL, MAYBE_SENT_STAGES_SQL, NOT_YET_DELIVERED_SQL } from "../recipients/recipient-status-sql";
import { campaignCounters } from "../stats/live-counters";

export const FOLLOW_UP_OUTCOMES = ["not_read", "not_delivered", "clicked", "not_clicked", "replied"] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

export const FOLLOW_UP_LABELS: Record<FollowUpOutcome, string> = {
  not_read: "Delivered, not read",
  not_delivered: "Not delivered (temporary failure or no delivery report)",
  clicked: "Clicked the link",
  not_clicked: "Delivered, did not click",
  replied: "Replied",
};

export const ZCreateFollowUp = z
  .object({
    outcome: z.enum(FOLLOW_UP_OUTCOMES),
    name: ZCampaignFields.shape.name,
    description: ZCampaignFields.shape.description,
    template_name: ZCampaignFields.shape.template_name,
    language_code: ZCampaignFields.shape.language_code.default("en_US"),
    template_components: ZCampaignFields.shape.template_components.default([]),
  })
  .strict();
export type TCreateFollowUp = z.input<typeof ZCreateFollowUp>;

const TEMPORARY_FAILURE_CODES = [...LISTED_ERROR_CODES.retry, ...LISTED_ERROR_CODES.meta_cap];

/** The condition on a parent recipient `r` for an outcome. */
function outcomeSql(outcome: FollowUpOutcome): Prisma.Sql {
  switch (outcome) {
    case "not_read":
      return Prisma.sql`r.status = 'delivered'`;
    case "not_delivered":
      return Prisma.sql`(r.status IN ${NOT_YET_DELIVERED_SQL} OR (r.status = 'failed' AND r.error_code = ANY(${TEMPORARY_FAILURE_CODES}::int[])))`;
    case "clicked":
      return Prisma.sql`r.first_clicked_at IS NOT NULL`;
    case "not_clicked":
      return Prisma.sql`(r.status IN ${DELIVERED_SQL} AND r.first_clicked_at IS NULL)`;
    case "replied":
      return Prisma.sql`r.replied_at IS NOT NULL`;
  }
}

/** the customer behind a recipient may still receive marketing */
const STILL_SUBSCRIBED = MAY_RECEIVE_MARKETING_SQL;

/**
 * How many of the parent's recipients each outcome would select now. The recipients whose message was
 * attempted (MAYBE_SENT: all but pending, sending and skipped) are listed rather than excluded: one range
 * of the (campaign_id, status, id) index each, so a campaign that has sent little costs little however
 * many recipients are still pending.
 */
export async function followUpCounts(db: DbOrTx, campaignId: string): Promise<Record<FollowUpOutcome, number>> {
  const id = parseCampaignId(campaignId);
  // a campaign that has attempted nothing yet selects no one: its live counters say so (sent + failed +
  // unknown are MAYBE_SENT), without the join below, which the planner may make a hash join reading every
  // customer. Not a `LIMIT 1` probe of the recipients either: with many attempted rows in other campaigns the
  // planner scans the table for it, and finds nothing in a campaign of 1,000,000 pending (0.5-1.3 s a view)
  const live = (await campaignCounters(db, [id])).get(id);
  if (!live || live.messagesSent + live.messagesFailed + live.messagesUnknown === 0) return Object.fromEntries(FOLLOW_UP_OUTCOMES.map((o) => [o, 0])) as Record<FollowUpOutcome, number>;
  const [row] = await db.$queryRaw<Array<{ counts: Array<number | string> }>>(Prisma.sql`
    SELECT ARRAY[${Prisma.join(FOLLOW_UP_OUTCOMES.map((o) => Prisma.sql`count(*) FILTER (WHERE ${outcomeSql(o)})`), ", ")}]::int[] AS counts
    FROM campaign_recipients r JOIN user_profiles u ON u.whatsapp_phone = r.phone_number
    WHERE r.campaign_id = ${id}::uuid AND r.stage IN ${MAYBE_SENT_STAGES_SQL} AND ${STILL_SUBSCRIBED}`);
  return Object.fromEntries(FOLLOW_UP_OUTCOMES.map((o, i) => [o, Number(row.counts[i])])) as Record<FollowUpOutcome, number>;
}

/** The follow-ups created from a campaign, newest first. */
export async function listFollowUps(db: DbOrTx, campaignId: string) {
  const rows = await db.marketingCampaign.findMany({
    where: { parentCampaignId: parseCampaignId(campaignId) },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, name: true, status: true, followUpOutcome: true, totalTargetCustomers: true, createdAt: true },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, outcome: r.followUpOutcome, total_target: r.totalTargetCustomers, created_at: r.createdAt.toISOString() }));
}

export async function createFollowUp({ db, now, campaignId, input, principal, templates = null, appUrl = null }: {
  db: Db; now: Date; campaignId: string; input: TCreateFollowUp; principal?: Principal | null;
  templates?: TemplatesApi | null; appUrl?: string | null;
}) {
  const data = ZCreateFollowUp.parse(input);
  const parent = await db.marketingCampaign.findUnique({ where: { id: parseCampaignId(campaignId) } });
  if (!parent) throw new AppError("CAMPAIGN_NOT_FOUND", "No campaign with this id.");
  let added = 0;
  const created = await createCampaign({
    db, now, principal, templates, appUrl,
    input: {
      name: data.name, description: data.description, template_name: data.template_name, language_code: data.language_code,
      template_components: data.template_components, daily_send_limit: parent.dailySendLimit, priority: parent.priority,
      send_window: readSendWindow(parent.sendWindow),
    },
    followUpOf: {
      parentCampaignId: parent.id,
      outcome: data.outcome,
      within: async (tx, id) => {
        added = await tx.$executeRaw(Prisma.sql`
          INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, market, status, created_at, updated_at)
          SELECT uuidv7(), ${id}::uuid, r.phone_number, u.id, u.market, 'pending', ${now}::timestamptz, ${now}::timestamptz
          FROM campaign_recipients r JOIN user_profiles u ON u.whatsapp_phone = r.phone_number
          WHERE r.campaign_id = ${parent.id}::uuid AND ${outcomeSql(data.outcome)} AND ${STILL_SUBSCRIBED}
          ORDER BY r.phone_number
          ON CONFLICT ON CONSTRAINT unique_campaign_recipient DO NOTHING`);
        if (added === 0) {
          throw new AppError("NO_RECIPIENTS", `No recipient of '${parent.name}' has the outcome ${data.outcome} and is still subscribed: nothing to follow up.`, { outcome: data.outcome });
        }
      },
    },
  });
  return {
    ...created,
    parent_campaign_id: parent.id,
    follow_up_outcome: data.outcome,
    total_target: added,
    total_target_customers: added,
    recipients_added: added,
    message: `Follow-up '${created.name}' created with ${added} recipients (${data.outcome} in '${parent.name}')`,
  };
}

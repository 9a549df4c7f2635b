/**
 * The campaign page's engagement panel: the latest replies attributed to the campaign, what each
 * follow-up outcome would select now, the follow-ups already created and the parent of a follow-up.
 * Replies follow the workspace's privacy rules: numbers are shown as the role may see them (viewers:
 * masked), and so are bodies (viewers see none); bodies older than the retention period are already
 * gone (messages/prune-inbound-bodies.ts).
 */
import type { Role } from "../auth/api-tokens";
import { Prisma, type DbOrTx } from "../db";
import { canSeePhoneNumbers, displayPhone } from "../users/permissions";
import { followUpCounts, listFollowUps } from "./follow-ups";

export type LatestReply = { id: string; phone: string; body: string | null; bodyHidden: boolean; receivedAt: string | null; optOut: boolean };

export async function latestReplies(db: DbOrTx, campaignId: string, role: Role, limit = 10): Promise<LatestReply[]> {
  const rows = await db.$queryRaw<Array<{ id: string; phone_number: string | null; body: string | null; received_at: Date | null; opted_out_at: Date | null }>>(Prisma.sql`
    SELECT m.id, m.phone_number, m.body, m.received_at, r.opted_out_at
    FROM whatsapp_messages m LEFT JOIN campaign_recipients r ON r.id = m.recipient_id
    WHERE m.campaign_id = ${campaignId}::uuid AND m.direction = 'inbound'
    ORDER BY m.received_at DESC NULLS LAST LIMIT ${limit}::int`);
  const showBody = canSeePhoneNumbers(role);
  return rows.map((r) => ({
    id: r.id,
    phone: r.phone_number ? displayPhone(role, r.phone_number) : "—",
    body: showBody ? r.body : null,
    bodyHidden: !showBody && r.body !== null,
    receivedAt: r.received_at?.toISOString() ?? null,
    optOut: r.opted_out_at !== null && r.received_at !== null && r.opted_out_at.getTime() === r.received_at.getTime(),
  }));
}

export async function getCampaignEngagementPanel({ db, campaignId, role }: { db: DbOrTx; campaignId: string; role: Role }) {
  const c = await db.marketingCampaign.findUnique({ where: { id: campaignId }, select: { status: true, parentCampaignId: true, followUpOutcome: true } });
  if (!c) return null;
  const sent = c.status !== "draft";
  const [replies, outcomes, followUps, parent] = await Promise.all([
    sent ? latestReplies(db, campaignId, role) : Promise.resolve([]),
    sent ? followUpCounts(db, campaignId) : Promise.resolve(null),
    listFollowUps(db, campaignId),
    c.parentCampaignId ? db.marketingCampaign.findUnique({ where: { id: c.parentCampaignId }, select: { id: true, name: true } }) : Promise.resolve(null),
  ]);
  return { replies, outcomes, followUps, parent, followUpOutcome: c.followUpOutcome };
}
export type CampaignEngagementPanel = NonNullable<Awaited<ReturnType<typeof getCampaignEngagementPanel>>>;

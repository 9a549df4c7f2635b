/**
 * Adding a campaign's target audience as a job: the same rule as addRecipients' target-audience path
 * (every subscribed, active customer matching the audience; a customer already in the campaign is a
 * duplicate; A/B variants by the same stable hash; the customer's market copied; an active or paused campaign's new recipients are
 * scheduled after the existing ones), done in chunks of customers in id order. Each chunk is one
 * INSERT … SELECT … ON CONFLICT DO NOTHING, so a chunk done twice adds nobody twice.
 * The audience is the one the campaign had when the job started.
 */
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { variantSql } from "../ab/variants";
import { lockCampaign } from "../campaigns/lock-campaign";
import { audienceToAdd, ZTargetAudience } from "../campaigns/target-audience";
import { Prisma, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { audienceWhere, type AddRecipientsResult } from "../recipients/add-recipients";
import { packSchedule } from "../recipients/pack-schedule";
import { readSendWindow } from "../sending/send-window";
import { dateToDay, dayInZone } from "../time";
import { createCampaignJob, type Job } from "./job";
import type { ChunkOutcome, JobHandler } from "./run-job";
import { isOpenCampaign, isRunningCampaign } from "../campaigns/campaign-status";
import { ZUuid } from "../uuid";

const ZInput = z.object({ audience: ZTargetAudience.strip(), timezone: z.string() });
const ZCounts = z.object({ matched: z.number().int(), added: z.number().int() });
const ZCursor = z.object({ after: ZUuid }).nullable();

/** Queues adding the campaign's target audience; total_rows is the number of matching customers now. */
export async function startAddAudienceJob({ db, now, timezone, campaignId, principal }: {
  db: Db; now: Date; timezone: string; campaignId: string; principal?: Principal | null;
}): Promise<{ job: Job; created: boolean }> {
  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (!isOpenCampaign(c.status)) throw new AppError("INVALID_TRANSITION", `Recipients cannot be added to a ${c.status} campaign.`, { status: c.status });
    const audience = audienceToAdd(c);
    const [{ n }] = await tx.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM user_profiles u WHERE ${audienceWhere(audience)}`);
    return createCampaignJob({ db: tx, now, campaignId: c.id, kind: "add_audience", input: { audience, timezone }, totalRows: Number(n), principal });
  });
}

async function addAudienceChunk(tx: Tx, job: Job, { now, chunkRows }: { now: Date; chunkRows: number }): Promise<ChunkOutcome> {
  const input = ZInput.parse(job.input);
  const counts = ZCounts.safeParse(job.result).data ?? { matched: 0, added: 0 };
  const cursor = ZCursor.parse(job.cursor ?? null);
  const c = await lockCampaign(tx, job.campaignId ?? "");
  if (!isOpenCampaign(c.status)) throw new AppError("INVALID_TRANSITION", `Recipients cannot be added to a ${c.status} campaign.`, { status: c.status });
  // every row of one job carries the job's start as its creation time, as one statement would
  const at = job.createdAt;
  const [row] = await tx.$queryRaw<Array<{ matched: bigint; inserted: bigint; last: string | null }>>(Prisma.sql`
    WITH batch AS (
      SELECT u.id, u.whatsapp_phone, u.market FROM user_profiles u
      WHERE ${audienceWhere(input.audience)} ${cursor ? Prisma.sql`AND u.id > ${cursor.after}::uuid` : Prisma.empty}
      ORDER BY u.id LIMIT ${chunkRows}
    ), ins AS (
      INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, market, status, created_at, updated_at, variant)
      SELECT uuidv7(), ${c.id}::uuid, b.whatsapp_phone, b.id, b.market, 'pending', ${at}::timestamptz, ${at}::timestamptz, ${variantSql(c, Prisma.sql`b.whatsapp_phone`)}
      FROM batch b ORDER BY b.id
      ON CONFLICT ON CONSTRAINT unique_campaign_recipient DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FROM batch) AS matched, (SELECT count(*) FROM ins) AS inserted,
           (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last`);
  const matched = counts.matched + Number(row.matched);
  const added = counts.added + Number(row.inserted);
  if (Number(row.matched) === chunkRows && row.last) {
    return { doneRows: matched, cursor: { after: row.last }, result: { matched, added }, finished: false };
  }
  // the last chunk: schedule what an active or paused campaign got, record it, answer as addRecipients does
  if (added > 0 && isRunningCampaign(c.status)) {
    const today = dayInZone(now, input.timezone);
    const start = c.startDate ? dateToDay(c.startDate) : today;
    await packSchedule(tx, { campaignId: c.id, fromDay: start > today ? start : today, dailyLimit: c.dailySendLimit, now, timezone: input.timezone, window: readSendWindow(c.sendWindow) });
  }
  await audit(tx, {
    actor: job.actor, action: "campaign.add_recipients", entityType: "campaign", entityId: c.id, now,
    details: { source: "target_audience", added, invalid: 0, job_id: job.id },
  });
  const total = await tx.marketingCampaign.findUniqueOrThrow({ where: { id: c.id }, select: { totalTargetCustomers: true } });
  const result: AddRecipientsResult = {
    campaign_id: c.id,
    recipients_added: added,
    duplicates_skipped: matched - added,
    invalid_count: 0,
    invalid: [],
    total_recipients: total.totalTargetCustomers,
    message: `Added ${added} recipients to campaign`,
  };
  return { doneRows: matched, totalRows: matched, cursor: null, result, finished: true };
}

export const addAudienceJob: JobHandler = { chunk: addAudienceChunk };

/**
 * Activating a draft as a job. The answer and every rule are activateCampaign's; what the job adds is
 * the bulk of the scheduling done beforehand in chunks, so progress can be shown:
 *
 *  1. chunks give the draft's ready pending recipients without a day their scheduled_send_date, in the
 *     order and by the arithmetic packSchedule uses (created_at, id; daily_send_limit a send day of the
 *     send window from start_date). A draft is never sent, so these days mean nothing until step 2.
 *  2. the last chunk runs the activation itself (activateLocked: test-send rule, packSchedule, status,
 *     audit) in the same transaction that marks the job done. packSchedule only writes the rows whose
 *     day differs, so it finds the chunks' work done; anything changed meanwhile (recipients added, the
 *     daily limit edited) it corrects, so the outcome is exactly a one-statement activation's.
 *
 * A job that fails leaves the draft as it was: its days are cleared again.
 */
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { activateLocked, activationStartDay, assertActivatable, assertActivationTemplates } from "../campaigns/activate-campaign";
import { lockCampaign } from "../campaigns/lock-campaign";
import { estimateCampaignCost } from "../cost/estimate-campaign-cost";
import { Prisma, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { attemptsOnDay } from "../recipients/pack-schedule";
import { allowedOffsets, readSendWindow } from "../sending/send-window";
import { ZDay, type Day } from "../time";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import { createCampaignJob, type Job } from "./job";
import type { ChunkOutcome, JobHandler } from "./run-job";

const ZInput = z.object({ start_date: ZDay, timezone: z.string() });
/** where the last chunk stopped: its last row in (created_at, id) order */
const ZCursor = z.object({ id: z.string(), created_at: z.string() });

/** Checks what can be checked up front (dates, templates, state, recipients), then queues the activation. */
export async function startActivateJob({ db, now, timezone, campaignId, startDate, principal, templates = null }: {
  db: Db; now: Date; timezone: string; campaignId: string; startDate?: Day; principal?: Principal | null; templates?: TemplatesApi | null;
}): Promise<{ job: Job; created: boolean }> {
  const start = activationStartDay({ now, timezone, startDate });
  await assertActivationTemplates({ db, now, campaignId, templates });
  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    assertActivatable(c.status);
    const [{ n }] = await tx.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
      SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND stage = 'pending'`);
    if (Number(n) === 0) throw new AppError("NO_RECIPIENTS", "The campaign has no recipients to send to: add recipients first.");
    return createCampaignJob({ db: tx, now, campaignId: c.id, kind: "activate", input: { start_date: start, timezone }, totalRows: Number(n), principal });
  });
}

async function activateChunk(tx: Tx, job: Job, { now, chunkRows }: { now: Date; chunkRows: number }): Promise<ChunkOutcome> {
  const input = ZInput.parse(job.input);
  const start = input.start_date as Day;
  const c = await lockCampaign(tx, job.campaignId ?? "");
  assertActivatable(c.status);
  const offsets = allowedOffsets(readSendWindow(c.sendWindow), start);
  const used = offsets[0] === 0 ? Math.min(await attemptsOnDay(tx, c.id, start), c.dailySendLimit) : 0;
  // the next rows without a day get the days packSchedule would give them: rank = rows done before + row_number.
  // Read in the queue index's order (recipients/due-recipients.ts) from where the last chunk stopped, so a
  // chunk reads its own rows, not the campaign's; rows with a deferral or a backoff (none in a draft that
  // was never sent) are left to packSchedule, which corrects whatever the chunks did not do
  const cursor = ZCursor.safeParse(job.cursor);
  const after = cursor.success
    ? Prisma.sql`AND (created_at, id) > (${cursor.data.created_at}::timestamptz, ${cursor.data.id}::uuid)`
    : Prisma.empty;
  const [{ scheduled, last_id, last_at }] = await tx.$queryRaw<Array<{ scheduled: number; last_id: string | null; last_at: string | null }>>(Prisma.sql`
    WITH s AS (
    UPDATE campaign_recipients r SET scheduled_send_date = x.d, updated_at = ${now}::timestamptz
    FROM (
      SELECT b.id, (${start}::date + ((b.n / ${offsets.length}::int) * 7 + (${offsets}::int[])[b.n % ${offsets.length}::int + 1])::int) AS d
      FROM (
        SELECT s.id, ((row_number() OVER (ORDER BY s.created_at, s.id) - 1 + ${job.doneRows}::int + ${used}::int) / ${c.dailySendLimit}::int)::int AS n
        FROM (
          SELECT id, created_at FROM campaign_recipients
          WHERE campaign_id = ${c.id}::uuid AND stage = 'pending' AND deferred_reason IS NULL AND next_attempt_at IS NULL
            AND scheduled_send_date IS NULL ${after}
          ORDER BY created_at, id LIMIT ${chunkRows}
        ) s
      ) b
    ) x
    WHERE r.id = x.id
    RETURNING r.id, r.created_at)
    SELECT (SELECT count(*) FROM s)::int AS scheduled, l.id::text AS last_id,
      to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last_at
    FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT id, created_at FROM s ORDER BY created_at DESC, id DESC LIMIT 1) l ON true`);
  const done = job.doneRows + scheduled;
  if (scheduled === chunkRows) return { doneRows: done, cursor: last_id && last_at ? { id: last_id, created_at: last_at } : null, result: { scheduled: done }, finished: false };
  const activated = await activateLocked(tx, { now, timezone: input.timezone, campaignId: c.id, start, actor: job.actor });
  const estimate = await estimateCampaignCost({ db: tx, campaignId: c.id, day: start });
  const result = { ...activated, estimated_cost: estimate.estimated, cost_currency: estimate.currency, cost_uncovered_recipients: estimate.uncovered };
  return { doneRows: activated.recipients_scheduled, totalRows: activated.recipients_scheduled, cursor: null, result, finished: true };
}

/** A failed activation leaves a draft without days, as it was before the job. */
async function clearDraftDays(db: Db, job: Job, now: Date) {
  if (!job.campaignId) return;
  const campaignId = job.campaignId;
  await db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (c.status !== "draft") return;
    await tx.$executeRaw(Prisma.sql`
      UPDATE campaign_recipients SET scheduled_send_date = NULL, updated_at = ${now}::timestamptz
      WHERE campaign_id = ${c.id}::uuid AND stage = 'pending' AND scheduled_send_date IS NOT NULL`);
  }, { timeout: 120_000, maxWait: 10_000 });
}

export const activateJob: JobHandler = { chunk: activateChunk, onFailed: clearDraftDays };

/**
 * Long dashboard work as a job row: what it does (kind, input), how far it got (done_rows of total_rows,
 * the cursor of the next chunk), its answer or its failure, and which runner holds it (runner_id and
 * heartbeat_at). The page that started a job can be closed or reloaded: it reads the row again.
 */
import type { Job } from "@/lib/generated/prisma/client";
import type { Principal } from "../auth/api-tokens";
import type { Prisma, DbOrTx } from "../db";
import { AppError } from "../errors";
import { parseCampaignId } from "../campaigns/campaign-id";
import { parseUuid } from "../uuid";

export type { Job };
/** the kinds of which a campaign has at most one unfinished job (they change its recipients) */
export const CAMPAIGN_EXCLUSIVE_KINDS = ["add_audience", "activate"] as const;
export type CampaignJobKind = (typeof CAMPAIGN_EXCLUSIVE_KINDS)[number];
export type JobKind = CampaignJobKind | "import_customers" | "export_recipients" | "export_customers";
export type JobStatus = "queued" | "running" | "done" | "failed";

/** A runner that wrote no heartbeat for this long is gone (crashed, or its function was frozen): another may take over. */
export const JOB_STALE_AFTER_MS = 30_000;
/** rows a chunk handles in one short transaction */
export const DEFAULT_JOB_CHUNK_ROWS = 5_000;

export type JobView = {
  id: string;
  kind: JobKind;
  campaign_id: string | null;
  status: JobStatus;
  done_rows: number;
  total_rows: number;
  result: unknown;
  error: { code: string; message: string } | null;
  /** running without a live runner: the next look at it resumes it */
  resumable: boolean;
  created_at: string;
  finished_at: string | null;
};

export function isResumable(job: Pick<Job, "status" | "runnerId" | "heartbeatAt">, now: Date): boolean {
  if (job.status === "queued") return true;
  if (job.status !== "running") return false;
  return job.runnerId === null || job.heartbeatAt === null || now.getTime() - job.heartbeatAt.getTime() > JOB_STALE_AFTER_MS;
}

export function jobView(job: Job, now: Date): JobView {
  return {
    id: job.id,
    kind: job.kind as JobKind,
    campaign_id: job.campaignId,
    status: job.status as JobStatus,
    done_rows: job.doneRows,
    total_rows: Math.max(job.totalRows, job.doneRows),
    result: job.status === "done" ? job.result : null,
    error: job.status === "failed" ? { code: job.errorCode ?? "INTERNAL", message: job.errorMessage ?? "The job failed." } : null,
    resumable: isResumable(job, now),
    created_at: job.createdAt.toISOString(),
    finished_at: job.finishedAt?.toISOString() ?? null,
  };
}

/** One job, or 404. `campaignId`: the job must belong to this campaign. */
export async function getJob({ db, jobId, campaignId }: { db: DbOrTx; jobId: string; campaignId?: string }): Promise<Job> {
  const id = parseUuid(jobId);
  const job = id ? await db.job.findUnique({ where: { id } }) : null;
  if (!job || (campaignId !== undefined && job.campaignId !== parseCampaignId(campaignId))) throw new AppError("NOT_FOUND", "No such job.");
  return job;
}

/**
 * A job that belongs to no campaign (a customer import or export) as its page polls it: only who started
 * it, or an admin, may read it (its answer can hold customers' rows); anyone else gets the same 404 as
 * for a job that does not exist. A campaign's jobs are read under their campaign.
 */
export async function getOwnJob({ db, jobId, principal }: { db: DbOrTx; jobId: string; principal: Principal }): Promise<Job> {
  const job = await getJob({ db, jobId });
  if (job.campaignId !== null || (job.actor !== principal.actor && principal.role !== "admin")) throw new AppError("NOT_FOUND", "No such job.");
  return job;
}

/**
 * The newest job of `kind` (what a reloaded page follows), or null: of this campaign and/or this actor when
 * given, created after `created` (`gte`: at or after; `gt`: strictly after, as an export file still kept).
 */
export async function findNewestJob({ db, kind, campaignId, actor, created }: {
  db: DbOrTx; kind: JobKind; campaignId?: string; actor?: string; created: { gte: Date } | { gt: Date };
}): Promise<Job | null> {
  return db.job.findFirst({
    where: { kind, ...(campaignId !== undefined ? { campaignId: parseCampaignId(campaignId) } : {}), ...(actor !== undefined ? { actor } : {}), createdAt: created },
    orderBy: { createdAt: "desc" },
  });
}

/** The campaign's newest job of `kind` started within `withinMs` (what a reloaded page shows), or null. */
export async function findRecentCampaignJob({ db, campaignId, kind, now, withinMs = 60 * 60_000 }: {
  db: DbOrTx; campaignId: string; kind: JobKind; now: Date; withinMs?: number;
}): Promise<Job | null> {
  return findNewestJob({ db, kind, campaignId, created: { gte: new Date(now.getTime() - withinMs) } });
}

/** What the campaign page follows after a reload: the newest job of each kind started in the last hour. */
export async function recentCampaignJobs({ db, campaignId, now }: { db: DbOrTx; campaignId: string; now: Date }): Promise<Record<CampaignJobKind, JobView | null>> {
  const [addAudience, activate] = await Promise.all([
    findRecentCampaignJob({ db, campaignId, kind: "add_audience", now }),
    findRecentCampaignJob({ db, campaignId, kind: "activate", now }),
  ]);
  return { add_audience: addAudience && jobView(addAudience, now), activate: activate && jobView(activate, now) };
}

/**
 * Queues a job for a campaign; call it with the campaign locked (lockCampaign), which serialises starts.
 * A campaign has at most one unfinished job (also a partial unique index): the same kind again answers
 * the job already under way; another kind is a 409.
 */
export async function createCampaignJob({ db, now, campaignId, kind, input, totalRows, principal }: {
  db: DbOrTx; now: Date; campaignId: string; kind: CampaignJobKind; input: Prisma.InputJsonValue; totalRows: number; principal?: Principal | null;
}): Promise<{ job: Job; created: boolean }> {
  const id = parseCampaignId(campaignId);
  const open = await db.job.findFirst({ where: { campaignId: id, kind: { in: [...CAMPAIGN_EXCLUSIVE_KINDS] }, status: { in: ["queued", "running"] } } });
  if (open && open.kind !== kind) {
    throw new AppError("CONFLICT", open.kind === "activate" ? "The campaign is being activated: wait until that is done." : "Recipients are being added to this campaign: wait until that is done.", { job_id: open.id, kind: open.kind });
  }
  if (open) return { job: open, created: false };
  const job = await db.job.create({
    data: {
      kind, campaignId: id, input, totalRows, actor: principal?.actor ?? "system",
      userId: principal?.kind === "user" ? principal.id : null, status: "queued", createdAt: now, updatedAt: now,
    },
  });
  return { job, created: true };
}

/**
 * The job runner against real PostgreSQL: progress counts chunk by chunk, a runner that dies mid-job
 * and another that resumes it without duplicates, two runners on one job, chunks done twice, and the
 * activation job giving exactly the schedule of a one-statement activation.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkConsistency, seedCustomers, setupEngineTest, type EngineTest } from "../engine/support";
import { Prisma } from "@/lib/marketing/db";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { getJob, jobView, JOB_STALE_AFTER_MS } from "@/lib/marketing/jobs/job";
import { runJob } from "@/lib/marketing/jobs/run-job";
import { JOB_HANDLERS } from "@/lib/marketing/jobs/job-handlers";
import { startAddAudienceJob } from "@/lib/marketing/jobs/add-audience-job";
import { startActivateJob } from "@/lib/marketing/jobs/activate-job";

vi.mock("server-only", () => ({}));

const TZ = "UTC";
const NOW = new Date("2025-03-01T15:00:00Z");
let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest({ poolMax: 12 });
});
afterAll(async () => e?.stop());

let seq = 0;
/** a draft targeting `n` fresh customers tagged for it alone */
async function audienceCampaign(n: number, opts: { limit?: number } = {}) {
  const tag = `jobs-${++seq}`;
  await seedCustomers(e.db, n, { base: 13000000000 + seq * 100_000, tags: [tag] });
  const c = await createCampaign({ db: e.db, now: NOW, input: { name: `Jobs ${seq}`, template_name: "promo_hello", daily_send_limit: opts.limit ?? 250, target_audience: { tags: [tag] } } });
  return { id: c.id, base: 13000000000 + seq * 100_000 };
}

async function recipientCounts(campaignId: string) {
  const [r] = await e.db.$queryRaw<Array<{ rows: bigint; phones: bigint; customers: bigint }>>(Prisma.sql`
    SELECT count(*) AS rows, count(DISTINCT phone_number) AS phones, count(DISTINCT customer_id) AS customers
    FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid`);
  return { rows: Number(r.rows), phones: Number(r.phones), customers: Number(r.customers) };
}

const run = (jobId: string, over: Partial<Parameters<typeof runJob>[0]> = {}) =>
  runJob({ db: e.db, jobId, handlers: JOB_HANDLERS, clock: () => NOW, chunkRows: 1000, ...over });

async function expectConsistent(campaignId: string) {
  const s = await checkConsistency(e.db, campaignId);
  expect(s.counters).toEqual(s.recount);
  expect(s.scheduleMismatches).toBe(0);
}

describe("add the target audience as a job", () => {
  it("counts progress chunk by chunk and answers as addRecipients does", async () => {
    const c = await audienceCampaign(2500);
    // 100 of them are in the campaign already: duplicates
    await addRecipients({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id, phoneNumbers: Array.from({ length: 100 }, (_, i) => String(c.base + i + 1)) });
    const { job, created } = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    expect(created).toBe(true);
    expect(jobView(job, NOW)).toMatchObject({ status: "queued", done_rows: 0, total_rows: 2500, resumable: true });

    const seen: Array<[number, number]> = [];
    const r = await run(job.id, {
      beforeChunk: async () => {
        const j = await getJob({ db: e.db, jobId: job.id });
        seen.push([j.doneRows, j.totalRows]);
      },
    });
    expect(r).toEqual({ claimed: true, status: "done", chunks: 3 });
    expect(seen).toEqual([[0, 2500], [1000, 2500], [2000, 2500]]);
    const done = jobView(await getJob({ db: e.db, jobId: job.id, campaignId: c.id }), NOW);
    expect(done).toMatchObject({ status: "done", done_rows: 2500, total_rows: 2500, error: null, resumable: false });
    expect(done.result).toMatchObject({ campaign_id: c.id, recipients_added: 2400, duplicates_skipped: 100, invalid_count: 0, total_recipients: 2500 });
    expect(await recipientCounts(c.id)).toEqual({ rows: 2500, phones: 2500, customers: 2500 });
    await expectConsistent(c.id);
  });

  it("starting it again while it runs answers the same job; another kind of job is refused", async () => {
    const c = await audienceCampaign(10);
    await addRecipients({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id, phoneNumbers: [String(c.base + 1)] });
    const a = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    const b = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    expect(b).toMatchObject({ created: false, job: { id: a.job.id } });
    await expect(startActivateJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id, startDate: "2025-03-02" })).rejects.toMatchObject({ code: "CONFLICT" });
    await run(a.job.id);
    const again = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    expect(again.created).toBe(true);
    await run(again.job.id);
    expect((await getJob({ db: e.db, jobId: again.job.id })).result).toMatchObject({ recipients_added: 0, duplicates_skipped: 10 });
  });

  it("a runner that dies mid-job is taken over once its heartbeat is stale, with nothing added twice", async () => {
    const c = await audienceCampaign(3500);
    const { job } = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    const crash = new Error("process killed");
    await expect(run(job.id, { beforeChunk: (i) => { if (i === 2) throw crash; } })).rejects.toBe(crash);
    const halfway = await getJob({ db: e.db, jobId: job.id });
    expect(halfway).toMatchObject({ status: "running", doneRows: 2000 });
    expect(await recipientCounts(c.id)).toMatchObject({ rows: 2000 });

    // while the dead runner's heartbeat is fresh nobody else takes the job
    expect(await run(job.id, { clock: () => new Date(NOW.getTime() + 1000) })).toEqual({ claimed: false, status: "lost", chunks: 0 });
    expect(jobView(halfway, new Date(NOW.getTime() + 1000)).resumable).toBe(false);
    const later = new Date(NOW.getTime() + JOB_STALE_AFTER_MS + 1000);
    expect(jobView(halfway, later).resumable).toBe(true);
    const r = await run(job.id, { clock: () => later });
    expect(r).toEqual({ claimed: true, status: "done", chunks: 2 });
    const done = await getJob({ db: e.db, jobId: job.id });
    expect(done).toMatchObject({ status: "done", doneRows: 3500, attempts: 2 });
    expect(done.result).toMatchObject({ recipients_added: 3500, duplicates_skipped: 0 });
    expect(await recipientCounts(c.id)).toEqual({ rows: 3500, phones: 3500, customers: 3500 });
    await expectConsistent(c.id);
  });

  it("chunks done twice add nobody twice", async () => {
    const c = await audienceCampaign(2200);
    const { job } = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    await expect(run(job.id, { beforeChunk: (i) => { if (i === 2) throw new Error("stop"); } })).rejects.toThrow("stop");
    // the job's bookkeeping goes back to the start (as if its chunks had never been recorded): every chunk runs again
    await e.db.$executeRaw`UPDATE jobs SET cursor = NULL, done_rows = 0, result = NULL, runner_id = NULL WHERE id = ${job.id}::uuid`;
    const r = await run(job.id);
    expect(r.status).toBe("done");
    expect(await recipientCounts(c.id)).toEqual({ rows: 2200, phones: 2200, customers: 2200 });
    expect((await getJob({ db: e.db, jobId: job.id })).result).toMatchObject({ recipients_added: 200, duplicates_skipped: 2000 });
    await expectConsistent(c.id);
  });

  it("two runners started on one job: one works it, the other stands aside", async () => {
    const c = await audienceCampaign(3000);
    const { job } = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    const [a, b] = await Promise.all([run(job.id, { chunkRows: 500 }), run(job.id, { chunkRows: 500 })]);
    expect([a.claimed, b.claimed].sort()).toEqual([false, true]);
    expect([a, b].find((x) => x.claimed)).toMatchObject({ status: "done", chunks: 7 });
    expect(await recipientCounts(c.id)).toEqual({ rows: 3000, phones: 3000, customers: 3000 });
    expect((await getJob({ db: e.db, jobId: job.id })).result).toMatchObject({ recipients_added: 3000 });
  });

  it("a runner that lost its job to another (stale heartbeat) never writes again", async () => {
    const c = await audienceCampaign(2500);
    const { job } = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    let resumeA!: () => void;
    const aPaused = new Promise<void>((resolve) => (resumeA = resolve));
    let aAtChunk1!: () => void;
    const aReached = new Promise<void>((resolve) => (aAtChunk1 = resolve));
    const a = run(job.id, { beforeChunk: async (i) => { if (i === 1) { aAtChunk1(); await aPaused; } } });
    await aReached;
    // A froze after its first chunk; B finds its heartbeat stale and finishes the job
    const b = await run(job.id, { clock: () => new Date(NOW.getTime() + JOB_STALE_AFTER_MS + 1000) });
    expect(b).toMatchObject({ claimed: true, status: "done", chunks: 2 });
    resumeA();
    expect(await a).toEqual({ claimed: true, status: "lost", chunks: 2 });
    expect(await getJob({ db: e.db, jobId: job.id })).toMatchObject({ status: "done", doneRows: 2500 });
    expect((await getJob({ db: e.db, jobId: job.id })).result).toMatchObject({ recipients_added: 2500 });
    expect(await recipientCounts(c.id)).toEqual({ rows: 2500, phones: 2500, customers: 2500 });
  });

  it("a campaign cancelled meanwhile fails the job with the rule's message", async () => {
    const c = await audienceCampaign(1500);
    const { job } = await startAddAudienceJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id });
    const r = await run(job.id, { beforeChunk: async (i) => { if (i === 1) await e.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE id = ${c.id}::uuid`; } });
    expect(r).toEqual({ claimed: true, status: "failed", chunks: 1 });
    expect(jobView(await getJob({ db: e.db, jobId: job.id }), NOW)).toMatchObject({ status: "failed", done_rows: 1000, error: { code: "INVALID_TRANSITION", message: "Recipients cannot be added to a cancelled campaign." } });
  });
});

describe("activate as a job", () => {
  async function scheduleByDay(campaignId: string) {
    const rows = await e.db.$queryRaw<Array<{ d: string; n: bigint }>>(Prisma.sql`
      SELECT scheduled_send_date::text AS d, count(*) AS n FROM campaign_recipients WHERE campaign_id = ${campaignId}::uuid GROUP BY 1 ORDER BY 1`);
    return rows.map((r) => [r.d, Number(r.n)]);
  }

  it("shows progress, then answers and schedules exactly as activateCampaign does", async () => {
    const viaJob = await audienceCampaign(2300, { limit: 500 });
    const direct = await audienceCampaign(2300, { limit: 500 });
    for (const c of [viaJob, direct]) await addRecipients({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id, useTargetAudience: true });

    const { job } = await startActivateJob({ db: e.db, now: NOW, timezone: TZ, campaignId: viaJob.id, startDate: "2025-03-03" });
    expect(job.totalRows).toBe(2300);
    const seen: number[] = [];
    const r = await run(job.id, { beforeChunk: async () => { seen.push((await getJob({ db: e.db, jobId: job.id })).doneRows); } });
    expect(r).toEqual({ claimed: true, status: "done", chunks: 3 });
    expect(seen).toEqual([0, 1000, 2000]);
    const expected = await activateCampaign({ db: e.db, now: NOW, timezone: TZ, campaignId: direct.id, startDate: "2025-03-03" });

    const done = jobView(await getJob({ db: e.db, jobId: job.id }), NOW);
    expect(done).toMatchObject({ status: "done", done_rows: 2300, total_rows: 2300 });
    expect(done.result).toEqual({ ...expected, campaign_id: viaJob.id });
    expect(done.result).toMatchObject({ status: "active", recipients_scheduled: 2300, estimated_days: 5, estimated_completion_date: "2025-03-07" });
    expect(await scheduleByDay(viaJob.id)).toEqual(await scheduleByDay(direct.id));
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: viaJob.id } })).status).toBe("active");
    await expectConsistent(viaJob.id);
  });

  it("refuses up front what activateCampaign refuses, beside the button", async () => {
    const c = await audienceCampaign(5);
    await expect(startActivateJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id, startDate: "2025-03-02" })).rejects.toMatchObject({ code: "NO_RECIPIENTS" });
    await expect(startActivateJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id, startDate: "2025-02-01" })).rejects.toMatchObject({ code: "START_DATE_IN_PAST" });
  });

  it("a rule broken at the end fails the job and leaves the draft without days", async () => {
    const c = await audienceCampaign(1500);
    await addRecipients({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id, useTargetAudience: true });
    const { job } = await startActivateJob({ db: e.db, now: NOW, timezone: TZ, campaignId: c.id, startDate: "2025-03-03" });
    try {
      const r = await run(job.id, { beforeChunk: async (i) => { if (i === 1) await e.db.setting.upsert({ where: { id: 1 }, create: { id: 1, requireTestSend: true }, update: { requireTestSend: true } }); } });
      expect(r).toEqual({ claimed: true, status: "failed", chunks: 1 });
    } finally {
      await e.db.setting.update({ where: { id: 1 }, data: { requireTestSend: false } });
    }
    expect(jobView(await getJob({ db: e.db, jobId: job.id }), NOW).error).toMatchObject({ code: "TEST_SEND_REQUIRED" });
    const campaign = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } });
    expect(campaign.status).toBe("draft");
    const [{ n }] = await e.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ${c.id}::uuid AND scheduled_send_date IS NOT NULL`;
    expect(Number(n)).toBe(0);
    await expectConsistent(c.id);
  });
});

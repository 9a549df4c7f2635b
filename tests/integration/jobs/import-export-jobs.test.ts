/**
 * The dashboard's customer import and recipient export as jobs, against real PostgreSQL: the import is
 * validated whole before anything is written, then staged and upserted chunk by chunk (a runner stopped
 * mid-job is taken over, a chunk rolled back is done again, and nobody is written or counted twice); the
 * export produces exactly the direct export's file, in order, masked for a viewer, audited once, kept
 * for its owner only and pruned after the retention period.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { NextRequest } from "next/server";
import { cloudClient, seedCustomers, setClock, setupEngineTest, TOKEN, type EngineTest } from "../engine/support";
import { envToken, later, marketer, NOW, runJobAt, viewer } from "./support";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import * as downloadRoute from "@/app/api/dashboard/campaigns/[campaignId]/jobs/[jobId]/download/route";
import * as pollRoute from "@/app/api/dashboard/jobs/[jobId]/route";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { eraseCustomer } from "@/lib/marketing/customers/erase-customer";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";
import { Prisma } from "@/lib/marketing/db";
import { startAddAudienceJob } from "@/lib/marketing/jobs/add-audience-job";
import { findRecentExportJob, openRecipientsExport, startExportRecipientsJob } from "@/lib/marketing/jobs/export-recipients-job";
import { findRecentImportJob, importCustomersJob, startImportCustomersJob } from "@/lib/marketing/jobs/import-customers-job";
import { getJob, getOwnJob, jobView, JOB_STALE_AFTER_MS, type Job } from "@/lib/marketing/jobs/job";
import { JOB_HANDLERS } from "@/lib/marketing/jobs/job-handlers";
import { EXPORT_RETENTION_MS, pruneJobFiles } from "@/lib/marketing/jobs/prune-job-files";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { recipientsCsv } from "@/lib/marketing/recipients/export-recipients";
import { maskPhone } from "@/lib/marketing/phone";


let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest({ poolMax: 12 });
});
afterAll(async () => e?.stop());

const run = (jobId: string, over: Parameters<typeof runJobAt>[2] = {}) => runJobAt(e.db, jobId, over);

const count = async (sql: Prisma.Sql) => Number((await e.db.$queryRaw<Array<{ n: bigint }>>(sql))[0].n);
const stagedRows = (jobId: string) => count(Prisma.sql`SELECT count(*) AS n FROM job_rows WHERE job_id = ${jobId}::uuid`);
const importAudits = () => count(Prisma.sql`SELECT count(*) AS n FROM audit_log WHERE action = 'customers.upsert' AND details->>'source' = 'csv_import'`);

/** a CSV file (header + rows) of `n` numbers 1 555 8<block><i>, each named after its row */
function csvRecords(block: number, n: number, name = (i: number) => `Row ${i}`): string[][] {
  const rows = Array.from({ length: n }, (_, i) => [`+1 555 8${String(block).padStart(2, "0")}${String(i + 1).padStart(4, "0")}`, name(i + 1), "vip;csv"]);
  return [["phone", "name", "tags"], ...rows];
}
const phoneOf = (block: number, i: number) => `15558${String(block).padStart(2, "0")}${String(i).padStart(4, "0")}`;

async function profilesOfBlock(block: number) {
  const [r] = await e.db.$queryRaw<Array<{ rows: bigint; phones: bigint; renamed: bigint }>>(Prisma.sql`
    SELECT count(*) AS rows, count(DISTINCT whatsapp_phone) AS phones, count(*) FILTER (WHERE name LIKE 'Row %') AS renamed
    FROM user_profiles WHERE whatsapp_phone LIKE ${`15558${String(block).padStart(2, "0")}%`}`);
  return { rows: Number(r.rows), phones: Number(r.phones), renamed: Number(r.renamed) };
}

async function startImport(records: string[][], principal: Principal = marketer): Promise<Job> {
  const started = await startImportCustomersJob({ db: e.db, now: NOW, principal, records });
  if (!started.ok) throw new Error(`the file was refused: ${JSON.stringify(started.errors.slice(0, 3))}`);
  return started.job;
}

describe("customer import as a job", () => {
  it("stages the checked rows, upserts them chunk by chunk, and a runner stopped mid-job is taken over with nothing written twice", async () => {
    // 500 of the file's 2,500 numbers are customers already: updated, not created
    await upsertCustomers({ db: e.db, now: NOW, rows: Array.from({ length: 500 }, (_, i) => ({ phone: phoneOf(1, i + 1), name: "Before" })), principal: marketer });
    const auditsBefore = await importAudits();
    const job = await startImport(csvRecords(1, 2500));
    expect(jobView(job, NOW)).toMatchObject({ kind: "import_customers", campaign_id: null, status: "queued", done_rows: 0, total_rows: 2500, resumable: true });
    expect(await stagedRows(job.id)).toBe(2500);
    // staged one row each, keyed by the row's place in the file
    expect(await count(Prisma.sql`SELECT count(DISTINCT row_no) AS n FROM job_rows WHERE job_id = ${job.id}::uuid AND row_no BETWEEN 1 AND 2500`)).toBe(2500);

    const seen: Array<[number, number]> = [];
    const crash = new Error("process killed");
    await expect(run(job.id, {
      beforeChunk: async (i) => {
        const j = await getJob({ db: e.db, jobId: job.id });
        seen.push([j.doneRows, j.totalRows]);
        if (i === 2) throw crash;
      },
    })).rejects.toBe(crash);
    expect(seen).toEqual([[0, 2500], [1000, 2500], [2000, 2500]]);
    const halfway = await getJob({ db: e.db, jobId: job.id });
    expect(halfway).toMatchObject({ status: "running", doneRows: 2000 });
    expect(halfway.result).toEqual({ created: 1500, updated: 500, kept_unsubscribed: 0, total: 2000 });
    expect(await stagedRows(job.id)).toBe(500);
    expect(await profilesOfBlock(1)).toEqual({ rows: 2000, phones: 2000, renamed: 2000 });

    // while the stopped runner's heartbeat is fresh nobody takes the job; once stale, another finishes it
    expect(await run(job.id, { clock: () => later(1000) })).toEqual({ claimed: false, status: "lost", chunks: 0 });
    const r = await run(job.id, { clock: () => later(JOB_STALE_AFTER_MS + 1000) });
    expect(r).toEqual({ claimed: true, status: "done", chunks: 1 });
    const done = jobView(await getJob({ db: e.db, jobId: job.id }), later(JOB_STALE_AFTER_MS + 1000));
    expect(done).toMatchObject({ status: "done", done_rows: 2500, total_rows: 2500, error: null });
    expect(done.result).toEqual({ created: 2000, updated: 500, kept_unsubscribed: 0, total: 2500, message: "Imported 2,500 customers (2,000 new, 500 updated)." });
    expect(await profilesOfBlock(1)).toEqual({ rows: 2500, phones: 2500, renamed: 2500 });
    expect(await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: phoneOf(1, 7) } })).toMatchObject({ name: "Row 7", tags: ["vip", "csv"], subscriptionSource: "api" });
    expect(await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: phoneOf(1, 700) } })).toMatchObject({ name: "Row 700", tags: ["vip", "csv"], subscriptionSource: "csv_import" });
    // staged rows are gone once the job is done; each chunk wrote (and audited) once
    expect(await stagedRows(job.id)).toBe(0);
    expect(await importAudits()).toBe(auditsBefore + 3);
    // the customers page finds it again after a reload
    expect((await findRecentImportJob({ db: e.db, actor: marketer.actor, now: later(60_000) }))?.id).toBe(job.id);
  });

  it("a chunk rolled back after its upsert (a serialization failure) is done again and counted once", async () => {
    const job = await startImport(csvRecords(2, 1500));
    let failures = 0;
    const flaky = {
      ...JOB_HANDLERS,
      import_customers: {
        ...importCustomersJob,
        chunk: async (...args: Parameters<typeof importCustomersJob.chunk>) => {
          const outcome = await importCustomersJob.chunk(...args);
          // the upsert ran in this transaction; the commit then fails as PostgreSQL reports a conflict
          if (failures++ < 2) throw Object.assign(new Error("could not serialize access"), { code: "40001" });
          return outcome;
        },
      },
    };
    const r = await run(job.id, { handlers: flaky });
    expect(r).toEqual({ claimed: true, status: "done", chunks: 2 });
    expect(failures).toBe(4);
    expect((await getJob({ db: e.db, jobId: job.id })).result).toMatchObject({ created: 1500, updated: 0, total: 1500 });
    expect(await profilesOfBlock(2)).toEqual({ rows: 1500, phones: 1500, renamed: 1500 });
    expect(await stagedRows(job.id)).toBe(0);
  });

  it("a file with a bad row anywhere writes nothing and creates no job; its errors are named by line", async () => {
    const records = csvRecords(3, 3000);
    records[2500][0] = "not-a-phone";
    records[2900][0] = records[10][0];
    const before = { jobs: await e.db.job.count(), staged: await count(Prisma.sql`SELECT count(*) AS n FROM job_rows`), profiles: await e.db.userProfile.count(), audit: await e.db.auditLog.count() };
    const r = await startImportCustomersJob({ db: e.db, now: NOW, principal: marketer, records });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r).toMatchObject({ errorCount: 2, rowCount: 3000 });
    expect(r.errors.map((x) => [x.line, x.column])).toEqual([[2501, "phone"], [2901, "phone"]]);
    expect({ jobs: await e.db.job.count(), staged: await count(Prisma.sql`SELECT count(*) AS n FROM job_rows`), profiles: await e.db.userProfile.count(), audit: await e.db.auditLog.count() }).toEqual(before);
    expect(await profilesOfBlock(3)).toMatchObject({ rows: 0 });
  });

  it("a viewer cannot import", async () => {
    const jobs = await e.db.job.count();
    await expect(startImportCustomersJob({ db: e.db, now: NOW, principal: viewer, records: csvRecords(4, 3) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await e.db.job.count()).toBe(jobs);
    expect(await profilesOfBlock(4)).toMatchObject({ rows: 0 });
  });

  it("an import that fails part-way keeps the chunks it wrote, says so, and drops its staged rows", async () => {
    const job = await startImport(csvRecords(5, 2500));
    const r = await run(job.id, {
      // a staged row is damaged before the second chunk: that chunk's upsert refuses it
      beforeChunk: async (i) => { if (i === 1) await e.db.$executeRaw`UPDATE job_rows SET data = '{"phone": "12"}'::jsonb WHERE job_id = ${job.id}::uuid AND row_no = 1500`; },
    });
    expect(r).toEqual({ claimed: true, status: "failed", chunks: 1 });
    expect(jobView(await getJob({ db: e.db, jobId: job.id }), NOW)).toMatchObject({ status: "failed", done_rows: 1000, error: { code: "VALIDATION_FAILED" } });
    expect(await profilesOfBlock(5)).toMatchObject({ rows: 1000 });
    expect(await stagedRows(job.id)).toBe(0);
  });

  it("the poll route answers a customer import's progress, and not a campaign's job", async () => {
    const job = await startImport(csvRecords(6, 10));
    await run(job.id);
    const res = await pollRoute.GET(new NextRequest(`http://localhost/api/dashboard/jobs/${job.id}`, { headers: { authorization: `Bearer ${TOKEN}` } }), { params: Promise.resolve({ jobId: job.id }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: job.id, kind: "import_customers", status: "done", done_rows: 10, total_rows: 10, result: { created: 10 } });
    const c = await exportCampaign(3);
    const exp = await startExportRecipientsJob({ db: e.db, now: NOW, principal: envToken, campaignId: c.id });
    const other = await pollRoute.GET(new NextRequest(`http://localhost/api/dashboard/jobs/${exp.job.id}`, { headers: { authorization: `Bearer ${TOKEN}` } }), { params: Promise.resolve({ jobId: exp.job.id }) });
    expect(other.status).toBe(404);
    await run(exp.job.id);
  });

  it("a customer import's progress is read by who started it or an admin; anyone else gets the 404 of a job that does not exist", async () => {
    const job = await startImport(csvRecords(21, 3));
    await run(job.id);
    expect((await getOwnJob({ db: e.db, jobId: job.id, principal: marketer })).id).toBe(job.id);
    expect((await getOwnJob({ db: e.db, jobId: job.id, principal: envToken })).id).toBe(job.id);
    const otherMarketer: Principal = { ...marketer, id: "00000000-0000-4000-8000-0000000000b2", actor: "user:00000000-0000-4000-8000-0000000000b2" };
    for (const principal of [viewer, otherMarketer]) {
      await expect(getOwnJob({ db: e.db, jobId: job.id, principal })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such job." });
    }
    await expect(getOwnJob({ db: e.db, jobId: "00000000-0000-4000-8000-00000000dead", principal: viewer })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such job." });
  });
});

let campaigns = 0;
/** a draft with `n` recipients (some names that CSV must quote or neutralise) */
async function exportCampaign(n: number) {
  const tag = `export-${++campaigns}`;
  const base = 14000000000 + campaigns * 100_000;
  await seedCustomers(e.db, n, { base, tags: [tag] });
  await e.db.$executeRaw`UPDATE user_profiles SET name = CASE whatsapp_phone WHEN ${String(base + 1)} THEN 'Smith, "Jo"' WHEN ${String(base + 2)} THEN '=HYPERLINK("x")' ELSE name END WHERE ${tag} = ANY(tags)`;
  const c = await createCampaign({ db: e.db, now: NOW, input: { name: `Export ${campaigns}`, template_name: "promo_hello", daily_send_limit: 250, target_audience: { tags: [tag] } } });
  await addRecipients({ db: e.db, now: NOW, timezone: "UTC", campaignId: c.id, useTargetAudience: true });
  return { id: c.id, base, fileName: `export-${campaigns}-recipients.csv` };
}

async function directCsv(campaignId: string, mask: boolean) {
  let csv = "";
  for await (const part of recipientsCsv({ db: e.db, campaignId, mask })) csv += part;
  return csv;
}

/** the download route, an hour after the export was made */
async function download(campaignId: string, jobId: string) {
  setClock(later(60 * 60_000).toISOString());
  try {
    const res = await downloadRoute.GET(
      new NextRequest(`http://localhost/api/dashboard/campaigns/${campaignId}/jobs/${jobId}/download`, { headers: { authorization: `Bearer ${TOKEN}` } }),
      { params: Promise.resolve({ campaignId, jobId }) },
    );
    return { status: res.status, type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition"), text: await res.text() };
  } finally {
    vi.useRealTimers();
  }
}

async function readAll(parts: AsyncGenerator<string>) {
  let csv = "";
  for await (const p of parts) csv += p;
  return csv;
}

const exportAudits = (campaignId: string) => e.db.auditLog.findMany({ where: { action: "campaign.export_recipients", entityId: campaignId }, orderBy: { createdAt: "asc" } });

describe("recipient export as a job", () => {
  it("produces exactly the direct export's file in order, through a runner stopped mid-job and another, audited once", async () => {
    const c = await exportCampaign(2300);
    const { job, created } = await startExportRecipientsJob({ db: e.db, now: NOW, principal: envToken, campaignId: c.id });
    expect(created).toBe(true);
    expect(jobView(job, NOW)).toMatchObject({ kind: "export_recipients", campaign_id: c.id, status: "queued", total_rows: 2300 });
    // starting again while it is under way answers the same export (and audits nothing more)
    expect(await startExportRecipientsJob({ db: e.db, now: NOW, principal: envToken, campaignId: c.id })).toMatchObject({ created: false, job: { id: job.id } });
    // an export does not hold up the campaign's own jobs
    const adding = await startAddAudienceJob({ db: e.db, now: NOW, timezone: "UTC", campaignId: c.id });
    expect(adding.created).toBe(true);
    await run(adding.job.id);

    const crash = new Error("process killed");
    await expect(run(job.id, { beforeChunk: (i) => { if (i === 2) throw crash; } })).rejects.toBe(crash);
    expect(await getJob({ db: e.db, jobId: job.id })).toMatchObject({ status: "running", doneRows: 2000 });
    // not finished: no download yet
    await expect(openRecipientsExport({ db: e.db, now: NOW, principal: envToken, campaignId: c.id, jobId: job.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await run(job.id, { clock: () => later(JOB_STALE_AFTER_MS + 1000) })).toEqual({ claimed: true, status: "done", chunks: 1 });
    const done = jobView(await getJob({ db: e.db, jobId: job.id }), NOW);
    expect(done).toMatchObject({ status: "done", done_rows: 2300, total_rows: 2300 });
    expect(done.result).toEqual({ rows: 2300, parts: 3, masked: false, file_name: c.fileName, expires_at: later(EXPORT_RETENTION_MS).toISOString() });

    const file = await download(c.id, job.id);
    expect(file).toMatchObject({ status: 200, type: "text/csv; charset=utf-8", disposition: `attachment; filename="${c.fileName}"` });
    const expected = await directCsv(c.id, false);
    expect(file.text).toBe(expected);
    expect(file.text.split("\n").filter(Boolean)).toHaveLength(2301);
    expect(file.text).toContain(`${c.base + 1},"Smith, ""Jo""",pending`);
    expect(file.text).toContain(`'=HYPERLINK`);

    const audits = await exportAudits(c.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: "env-token", details: { rows: 2300, masked: false, job_id: job.id } });
    expect((await findRecentExportJob({ db: e.db, campaignId: c.id, actor: "env-token", now: later(60 * 60_000) }))?.id).toBe(job.id);
  });

  it("a viewer's export is masked like the direct one, and only its owner downloads it", async () => {
    const c = await exportCampaign(1200);
    const { job } = await startExportRecipientsJob({ db: e.db, now: NOW, principal: viewer, campaignId: c.id });
    expect(await run(job.id)).toMatchObject({ status: "done", chunks: 2 });
    const { fileName, parts } = await openRecipientsExport({ db: e.db, now: NOW, principal: viewer, campaignId: c.id, jobId: job.id });
    expect(fileName).toBe(c.fileName);
    const csv = await readAll(parts);
    expect(csv).toBe(await directCsv(c.id, true));
    expect(csv).toContain(maskPhone(String(c.base + 1)));
    for (const i of [1, 600, 1200]) expect(csv).not.toContain(String(c.base + i));
    expect((await exportAudits(c.id)).map((a) => [a.actor, a.details])).toEqual([[viewer.actor, { rows: 1200, masked: true, job_id: job.id }]]);

    // another user (or token) cannot download it: an export is downloaded by who made it
    await expect(openRecipientsExport({ db: e.db, now: NOW, principal: marketer, campaignId: c.id, jobId: job.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await download(c.id, job.id)).toMatchObject({ status: 403 });
    // under another campaign it does not exist
    const other = await exportCampaign(1);
    expect(await download(other.id, job.id)).toMatchObject({ status: 404 });
  });

  it("a file is kept for the retention period, then refused and pruned in bounded steps", async () => {
    const c = await exportCampaign(2500);
    // made ten days after the other tests' exports, which are pruned first
    const T = later(10 * 86_400_000);
    const at = (ms: number) => new Date(T.getTime() + ms);
    const { job } = await startExportRecipientsJob({ db: e.db, now: T, principal: marketer, campaignId: c.id });
    await run(job.id, { chunkRows: 500, clock: () => T });
    const parts = () => count(Prisma.sql`SELECT count(*) AS n FROM job_parts WHERE job_id = ${job.id}::uuid`);
    expect(await parts()).toBe(5);
    while ((await pruneJobFiles({ db: e.db, now: at(EXPORT_RETENTION_MS - 1000) })).parts > 0);
    expect(await parts()).toBe(5);
    const open = (now: Date) => openRecipientsExport({ db: e.db, now, principal: marketer, campaignId: c.id, jobId: job.id });
    expect(await readAll((await open(at(EXPORT_RETENTION_MS - 1000))).parts)).toBe(await directCsv(c.id, false));
    await expect(open(at(EXPORT_RETENTION_MS))).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/expired/) });

    const after = at(EXPORT_RETENTION_MS + 1000);
    expect((await pruneJobFiles({ db: e.db, now: after, limit: 2 })).parts).toBe(2);
    expect(await parts()).toBe(3);
    // the processor's run takes a step
    await runDailyProcessing({ db: e.db, now: after, whatsapp: cloudClient(e.graph), config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 30_000, staleClaimMs: 600_000 } });
    expect(await parts()).toBe(0);
    // and so does every export that finishes
    const old = await startExportRecipientsJob({ db: e.db, now: T, principal: viewer, campaignId: c.id });
    await run(old.job.id, { clock: () => T });
    const oldParts = () => count(Prisma.sql`SELECT count(*) AS n FROM job_parts WHERE job_id = ${old.job.id}::uuid`);
    expect(await oldParts()).toBe(3);
    const next = await startExportRecipientsJob({ db: e.db, now: after, principal: envToken, campaignId: c.id });
    await run(next.job.id, { clock: () => after });
    expect(await oldParts()).toBe(0);
    expect(await count(Prisma.sql`SELECT count(*) AS n FROM job_parts WHERE job_id = ${next.job.id}::uuid`)).toBe(3);
    // the page no longer offers it
    expect((await findRecentExportJob({ db: e.db, campaignId: c.id, actor: marketer.actor, now: after }))).toBeNull();
  });

  it("erasing a customer withdraws the kept exports of their campaigns and drops their staged import row", async () => {
    const c = await exportCampaign(20);
    const { job } = await startExportRecipientsJob({ db: e.db, now: NOW, principal: marketer, campaignId: c.id });
    await run(job.id);
    const importing = await startImport(csvRecords(7, 3));
    const customer = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: String(c.base + 5) } });
    await eraseCustomer({ db: e.db, now: NOW, principal: { ...marketer, role: "admin" }, customerId: customer.id });
    await expect(openRecipientsExport({ db: e.db, now: NOW, principal: marketer, campaignId: c.id, jobId: job.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await upsertCustomers({ db: e.db, now: NOW, rows: [{ phone: phoneOf(7, 2) }], principal: marketer });
    const second = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: phoneOf(7, 2) } });
    await eraseCustomer({ db: e.db, now: NOW, principal: { ...marketer, role: "admin" }, customerId: second.id });
    expect(await stagedRows(importing.id)).toBe(2);
    expect(await run(importing.id)).toMatchObject({ status: "done" });
    expect(jobView(await getJob({ db: e.db, jobId: importing.id }), NOW)).toMatchObject({ done_rows: 2, total_rows: 2, result: { created: 2 } });
    expect(await profilesOfBlock(7)).toMatchObject({ rows: 2 });
  });
});

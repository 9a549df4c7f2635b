/**
 * The dashboard's customers export as a job, against real PostgreSQL: it exports exactly what the
 * customers table's filters choose (the table's own rule), in chunks through a stopped runner and another,
 * audited once with its filters and row count and no phone number; a viewer's file is masked; cells a
 * spreadsheet would run as formulas are neutralised; the file imports back as it is with the customer
 * import; only its creator downloads it, while it is kept; erasing a customer withdraws it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import Papa from "papaparse";
import { NextRequest } from "next/server";
import { seedCustomers, setClock, setupEngineTest, TOKEN, type EngineTest } from "../engine/support";
import { envToken, later, marketer, NOW, runJobAt, viewer } from "./support";
import * as downloadRoute from "@/app/api/dashboard/jobs/[jobId]/download/route";
import * as pollRoute from "@/app/api/dashboard/jobs/[jobId]/route";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { eraseCustomer } from "@/lib/marketing/customers/erase-customer";
import { searchCustomers, ZCustomerListFilters, ZCustomerListQuery } from "@/lib/marketing/customers/search-customers";
import { upsertCustomers } from "@/lib/marketing/customers/upsert-customers";
import { Prisma } from "@/lib/marketing/db";
import { findRecentCustomersExportJob, openCustomersExport, startExportCustomersJob } from "@/lib/marketing/jobs/export-customers-job";
import { startImportCustomersJob } from "@/lib/marketing/jobs/import-customers-job";
import { getJob, jobView, JOB_STALE_AFTER_MS } from "@/lib/marketing/jobs/job";
import { EXPORT_RETENTION_MS } from "@/lib/marketing/jobs/prune-job-files";
import { maskPhone } from "@/lib/marketing/phone";


let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest({ poolMax: 12 });
});
afterAll(async () => e?.stop());

const run = (jobId: string, over: Parameters<typeof runJobAt>[2] = {}) => runJobAt(e.db, jobId, over);

/** exports with these filters as `principal`, runs the job to its end, and answers the file's text */
async function exportFile(filters: Record<string, string>, principal: Principal = marketer) {
  const { job } = await startExportCustomersJob({ db: e.db, now: NOW, principal, filters: ZCustomerListFilters.parse(filters) });
  expect(await run(job.id)).toMatchObject({ status: "done" });
  const { fileName, parts } = await openCustomersExport({ db: e.db, now: NOW, principal, jobId: job.id });
  let text = "";
  for await (const p of parts) text += p;
  return { job, fileName, text };
}

const parse = (text: string) => Papa.parse<string[]>(text, { skipEmptyLines: "greedy" }).data;
/** the file's rows as objects keyed by its header */
function rowsOf(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parse(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** what the table lists for these filters and role (every page) */
async function tablePhones(filters: Record<string, string>, role: Principal["role"]) {
  const out: string[] = [];
  for (let page = 1; ; page++) {
    const list = await searchCustomers({ db: e.db, role, query: ZCustomerListQuery.parse({ ...filters, page, pageSize: 100 }) });
    out.push(...list.rows.map((r) => r.phone));
    if (list.rows.length < 100) return { phones: out.sort(), total: list.total };
  }
}

describe("customers export as a job", () => {
  beforeAll(async () => {
    // block A: 2,300 tagged "exp-a"; a third of them premium in Lisbon, some unsubscribed, a few not reachable
    await seedCustomers(e.db, 2300, { base: 13100000000, tags: ["exp-a"] });
    await e.db.$executeRaw`UPDATE user_profiles SET customer_tier = CASE WHEN whatsapp_phone::bigint % 3 = 0 THEN 'Premium' ELSE 'basic' END,
      city = CASE WHEN whatsapp_phone::bigint % 2 = 0 THEN 'Lisbon' ELSE 'Porto' END,
      subscription = CASE WHEN whatsapp_phone::bigint % 5 = 0 THEN 'unsubscribed' ELSE 'subscribed' END,
      undeliverable_since = CASE WHEN whatsapp_phone::bigint % 97 = 0 THEN ${NOW}::timestamptz END,
      name = CASE WHEN whatsapp_phone::bigint % 7 = 0 THEN 'Ana ' || name ELSE name END
      WHERE 'exp-a' = ANY(tags)`;
  });

  it("exports what the table shows for its filters, in chunks through a stopped runner and another, audited once without numbers", async () => {
    const filters = ZCustomerListFilters.parse({ tag: "EXP-A", tier: "premium", city: "lisbon" });
    const table = await tablePhones(filters as Record<string, string>, "marketer");
    expect(table.total).toBeGreaterThan(300);
    const { job, created } = await startExportCustomersJob({ db: e.db, now: NOW, principal: marketer, filters });
    expect(created).toBe(true);
    expect(jobView(job, NOW)).toMatchObject({ kind: "export_customers", campaign_id: null, status: "queued", total_rows: table.total });
    // starting again with the same filters (in any key order) while it is under way answers the same export;
    // other filters start their own
    const again = ZCustomerListFilters.parse({ city: "lisbon", tier: "premium", tag: "EXP-A" });
    expect(await startExportCustomersJob({ db: e.db, now: NOW, principal: marketer, filters: again })).toMatchObject({ created: false, job: { id: job.id } });
    const other = await startExportCustomersJob({ db: e.db, now: NOW, principal: marketer, filters: ZCustomerListFilters.parse({ tag: "EXP-A" }) });
    expect(other.created).toBe(true);
    expect(other.job.id).not.toBe(job.id);
    expect(await run(other.job.id)).toMatchObject({ status: "done" });

    const crash = new Error("process killed");
    await expect(run(job.id, { chunkRows: 100, beforeChunk: (i) => { if (i === 2) throw crash; } })).rejects.toBe(crash);
    expect(await getJob({ db: e.db, jobId: job.id })).toMatchObject({ status: "running", doneRows: 200 });
    await expect(openCustomersExport({ db: e.db, now: NOW, principal: marketer, jobId: job.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await run(job.id, { chunkRows: 100, clock: () => later(JOB_STALE_AFTER_MS + 1000) })).toMatchObject({ status: "done" });
    const done = jobView(await getJob({ db: e.db, jobId: job.id }), NOW);
    expect(done).toMatchObject({ status: "done", done_rows: table.total, total_rows: table.total });
    expect(done.result).toMatchObject({ rows: table.total, masked: false, file_name: "customers-2026-03-01.csv", filters: { tag: "EXP-A", tier: "premium", city: "lisbon" } });

    const { parts } = await openCustomersExport({ db: e.db, now: NOW, principal: marketer, jobId: job.id });
    let text = "";
    for await (const p of parts) text += p;
    const lines = text.split("\n").filter(Boolean);
    expect(lines[0]).toBe("phone,name,customer_tier,city,tags,subscription,is_active,subscription_source,subscription_changed_at,undeliverable_since,created_at");
    // every row once, in phone order, exactly the table's customers
    const phones = rowsOf(text).map((r) => r.phone);
    expect(phones).toEqual(table.phones.map((p) => `+${p}`));
    expect(rowsOf(text)[0]).toMatchObject({ customer_tier: "Premium", city: "Lisbon", tags: "exp-a", is_active: "true" });

    // audited once (the start answered with the running export wrote nothing), and the other filters' export once
    const audits = await e.db.auditLog.findMany({ where: { action: "customers.export", actor: marketer.actor } });
    expect(audits).toHaveLength(2);
    expect(audits.map((a) => a.details)).toEqual(expect.arrayContaining([
      { filters: { tag: "EXP-A", tier: "premium", city: "lisbon" }, rows: table.total, masked: false, job_id: job.id },
      expect.objectContaining({ filters: { tag: "EXP-A" }, masked: false, job_id: other.job.id }),
    ]));
    expect((await findRecentCustomersExportJob({ db: e.db, actor: marketer.actor, now: later(60 * 60_000) }))?.id).toBe(job.id);
  });

  it("each filter of the table chooses the same customers in the file", async () => {
    const cases: Array<Record<string, string>> = [
      { tag: "exp-a", subscription: "unsubscribed" },
      { tag: "exp-a", reachable: "no" },
      { tag: "exp-a", q: "ana", city: "Porto" },
      // part of a number: the file has what the table finds
      { q: "1310000012" },
      {},
    ];
    for (const filters of cases) {
      const table = await tablePhones(filters, "admin");
      const { text } = await exportFile(filters, envToken);
      expect(rowsOf(text).map((r) => r.phone), JSON.stringify(filters)).toEqual(table.phones.map((p) => `+${p}`));
      expect(table.total, JSON.stringify(filters)).toBeGreaterThan(0);
    }
    // a searched number is not written in the audit log
    const audit = await e.db.auditLog.findFirstOrThrow({ where: { action: "customers.export", details: { path: ["filters", "q"], equals: "(a phone number)" } } });
    expect(JSON.stringify(audit.details)).not.toMatch(/131000/);
  });

  it("a viewer's file has the numbers masked, as their pages show them, and only its owner downloads it", async () => {
    const filters = { tag: "exp-a", tier: "Premium" };
    const { job, text } = await exportFile(filters, viewer);
    const rows = rowsOf(text);
    const table = await tablePhones(filters, "viewer");
    expect(rows.map((r) => r.phone)).toEqual(table.phones.map(maskPhone));
    for (const p of table.phones.slice(0, 50)) expect(text).not.toContain(p);
    expect((await e.db.auditLog.findFirstOrThrow({ where: { action: "customers.export", actor: viewer.actor } })).details).toMatchObject({ masked: true, rows: table.total });
    // a viewer's search by part of a number finds nothing, in the table as in the file
    const partial = await exportFile({ q: "1310000012" }, viewer);
    expect(rowsOf(partial.text)).toHaveLength(0);

    // another user (or token) cannot download it
    await expect(openCustomersExport({ db: e.db, now: NOW, principal: marketer, jobId: job.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await download(job.id)).toMatchObject({ status: 403 });
  });

  it("the creator downloads it over HTTP (a CSV attachment), the poll route answers it, and it expires after the retention period", async () => {
    const { job, text } = await exportFile({ tag: "exp-a", reachable: "no" }, envToken);
    const file = await download(job.id);
    expect(file).toMatchObject({ status: 200, type: "text/csv; charset=utf-8", disposition: `attachment; filename="customers-2026-03-01.csv"` });
    expect(file.text).toBe(text);
    const res = await pollRoute.GET(new NextRequest(`http://localhost/api/dashboard/jobs/${job.id}`, { headers: { authorization: `Bearer ${TOKEN}` } }), { params: Promise.resolve({ jobId: job.id }) });
    expect(await res.json()).toMatchObject({ id: job.id, kind: "export_customers", status: "done" });
    // once the retention period is over it is refused
    await expect(openCustomersExport({ db: e.db, now: later(EXPORT_RETENTION_MS), principal: envToken, jobId: job.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/expired/) });
  });

  it("neutralises cells a spreadsheet would run as formulas, and quotes what CSV must", async () => {
    await upsertCustomers({
      db: e.db, now: NOW, principal: marketer,
      rows: [{ phone: "+13200000001", name: '=HYPERLINK("http://x")', city: "@SUM(A1)", tags: ["formula", "-2+3"], attributes: { note: "+cmd|' /C calc'!A0", size: "Smith, \"Jo\"" } }],
    });
    const { text } = await exportFile({ tag: "formula" });
    const [row] = rowsOf(text);
    expect(row).toMatchObject({ phone: "+13200000001", name: `'=HYPERLINK("http://x")`, city: "'@SUM(A1)", tags: "formula;-2+3", "attributes.note": "'+cmd|' /C calc'!A0", "attributes.size": 'Smith, "Jo"' });
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it("the file imports back as it is with the customer import", async () => {
    await upsertCustomers({
      db: e.db, now: NOW, principal: marketer,
      rows: [
        { phone: "+447911123456", name: "Zoë Ångström", customer_tier: "Gold", city: "London", tags: ["round", "vip"], attributes: { loyalty_points: 120, plan: "yearly", "Favourite Colour": "teal" } },
        { phone: "+14155550100", name: "Jo", customer_tier: null, city: "SF", tags: ["round"], subscription: "unsubscribed", is_active: false, attributes: {} },
      ],
    });
    const profiles = () => e.db.userProfile.findMany({
      where: { tags: { has: "round" } }, orderBy: { whatsappPhone: "asc" },
      select: { whatsappPhone: true, name: true, customerTier: true, city: true, tags: true, subscription: true, isActive: true, attributes: true },
    });
    const before = await profiles();
    const { text } = await exportFile({ tag: "round" });
    const header = parse(text)[0];
    expect(header).toEqual(["phone", "name", "customer_tier", "city", "tags", "subscription", "is_active", "attributes.loyalty_points", "attributes.plan",
      "other_attributes", "subscription_source", "subscription_changed_at", "undeliverable_since", "created_at"]);
    expect(rowsOf(text)[1]).toMatchObject({ "attributes.loyalty_points": "120", other_attributes: '{"Favourite Colour":"teal"}' });

    // changed meanwhile; importing the file puts them back
    await upsertCustomers({
      db: e.db, now: NOW, principal: marketer,
      rows: [{ phone: "+447911123456", name: "Someone else", customer_tier: "Bronze", city: "Leeds", tags: ["round"], attributes: { plan: "monthly" } }, { phone: "+14155550100", is_active: true }],
    });
    const started = await startImportCustomersJob({ db: e.db, now: NOW, principal: marketer, records: parse(text) });
    expect(started.ok ? null : started.errors).toBeNull();
    if (!started.ok) return;
    expect(await run(started.job.id)).toMatchObject({ status: "done" });
    const after = await profiles();
    // the same, but attributes come back as text (the import's values are text) and a key no column carries is not imported
    expect(after).toEqual(before.map((p) => p.whatsappPhone === "447911123456"
      ? { ...p, attributes: { loyalty_points: "120", plan: "yearly", "Favourite Colour": "teal" } }
      : p));
  });

  it("erasing a customer withdraws every customers export kept", async () => {
    const { job } = await exportFile({ tag: "exp-a", tier: "basic" });
    const customer = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "13100000001" } });
    await eraseCustomer({ db: e.db, now: NOW, principal: { ...marketer, role: "admin" }, customerId: customer.id });
    await expect(openCustomersExport({ db: e.db, now: NOW, principal: marketer, jobId: job.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(Number((await e.db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM job_parts p JOIN jobs j ON j.id = p.job_id WHERE j.kind = 'export_customers'`))[0].n)).toBe(0);
  });
});

/** the download route, an hour after the export was made */
async function download(jobId: string) {
  setClock(later(60 * 60_000).toISOString());
  try {
    const res = await downloadRoute.GET(
      new NextRequest(`http://localhost/api/dashboard/jobs/${jobId}/download`, { headers: { authorization: `Bearer ${TOKEN}` } }),
      { params: Promise.resolve({ jobId }) },
    );
    return { status: res.status, type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition"), text: await res.text() };
  } finally {
    vi.useRealTimers();
  }
}

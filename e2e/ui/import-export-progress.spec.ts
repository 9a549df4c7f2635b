/**
 * Importing customers and exporting recipients show progress and survive a reload: a marketer imports a
 * file of 6,000 customers; its second chunk waits for a customer the test keeps locked in PostgreSQL
 * (nothing here depends on timing), so the page shows "5,000 of 6,000 rows", also after a reload and at
 * phone width without sideways scrolling; once released the page shows the result. Then "Export CSV" on
 * a campaign of those customers runs while the test blocks the export's first part, a reload finds it,
 * and when released the page offers the download, which is the whole file.
 */
import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import pg from "pg";
import { E2E_API_TOKEN, E2E_DATABASE_URL } from "../support/env";
import { createSummerSaleCampaign, DEMO_PASSWORD, snap } from "./helpers";

const run = Date.now().toString(36);
const TAG = `imported${run}`;
const ROWS = 6000;
// fictional +1 650 8xx numbers of this run
const base = 16508000000 + (Date.now() % 90) * 10_000;
const phone = (i: number) => String(base + i);
const auth = { Authorization: `Bearer ${E2E_API_TOKEN}` };

/** A transaction that runs `sql` and holds what it locked until released. */
async function holdLock(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query(sql, params);
  return async () => {
    await client.query("ROLLBACK");
    await client.end();
  };
}

/** The page fits its width once it has settled (a refresh mid-way, as a job finishing triggers, may measure the old layout). */
async function noSidewaysScroll(page: Page) {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

test("a large import and an export show progress, also after a reload, then the result and the download", async ({ page }, testInfo) => {
  // a loaded machine renders these pages slowly; nothing here is timed
  test.setTimeout(600_000);
  // one of the file's customers exists already (row 5,500): the import updates it, and the test locks it
  const db = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO user_profiles (id, whatsapp_phone, name, tags, subscription, is_active, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, 'Existing', ARRAY[]::text[], 'subscribed', true, now(), now())`,
      [phone(5500)],
    );
  } finally {
    await db.end();
  }
  const csv = ["phone,name,tags", ...Array.from({ length: ROWS }, (_, i) => `+${phone(i + 1)},Imported ${i + 1},${TAG}`)].join("\n") + "\n";

  await page.goto("/login");
  await page.getByLabel("Email").fill("marketer@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/, { timeout: 60_000 });

  // --- import: the first chunk (5,000 rows) is written, the second waits for the locked customer
  let release = await holdLock(`SELECT id FROM user_profiles WHERE whatsapp_phone = $1 FOR UPDATE`, [phone(5500)]);
  try {
    await page.goto("/customers?import=1");
    await page.locator("#customers-csv").setInputFiles({ name: "customers.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await expect(page.getByText("6,000 rows look good")).toBeVisible({ timeout: 60_000 });
    await page.getByRole("button", { name: "Import 6,000 customers" }).click();
    const progress = page.getByTestId("job-progress");
    await expect(progress.getByTestId("job-progress-count")).toHaveText("5,000 of 6,000 rows", { timeout: 90_000 });
    await expect(progress.getByRole("progressbar", { name: "Importing customers" })).toHaveAttribute("aria-valuenow", "83");
    await expect(progress).toContainText("Every row was checked before anything was written");
    await snap(page, testInfo, "import-01-progress-desktop");

    // a reload (even without the import card asked for) finds the import still running, with its progress
    await page.goto("/customers");
    await expect(page.getByTestId("job-progress-count")).toHaveText("5,000 of 6,000 rows", { timeout: 90_000 });
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page);
    await snap(page, testInfo, "import-02-progress-after-reload-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  } finally {
    await release();
  }
  await expect(page.getByTestId("import-result")).toContainText("Imported 6,000 customers (5,999 new, 1 updated).", { timeout: 90_000 });
  await expect(page.getByTestId("job-progress")).toHaveCount(0);
  await snap(page, testInfo, "import-03-done-desktop");
  const check = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await check.connect();
  try {
    const { rows } = await check.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE name = 'Imported 5500')::int AS renamed FROM user_profiles WHERE $1 = ANY(tags)`, [TAG]);
    expect(rows[0]).toEqual({ n: ROWS, renamed: 1 });
  } finally {
    await check.end();
  }

  // --- export: a campaign of the imported customers
  const campaign = await createSummerSaleCampaign(page, `Export ${run}`, { target_audience: { tags: [TAG] }, daily_send_limit: 1000 });
  const added = await page.request.post(`/api/marketing/campaigns/${campaign.id}/recipients?use_target_audience=true`, { headers: auth });
  expect(added.status(), await added.text()).toBe(200);

  // the export's parts wait while the test holds a lock on the table they are written to
  release = await holdLock(`LOCK TABLE job_parts IN SHARE MODE`);
  try {
    await page.goto(`/campaigns/${campaign.id}`);
    await page.getByRole("button", { name: "Export CSV" }).click();
    await expect(page.getByTestId("job-progress-count")).toHaveText("0 of 6,000 rows", { timeout: 90_000 });
    await page.reload();
    await expect(page.getByTestId("job-progress-count")).toHaveText("0 of 6,000 rows", { timeout: 90_000 });
    await expect(page.getByRole("button", { name: "Export CSV" })).toBeDisabled();
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page);
    await snap(page, testInfo, "export-01-progress-after-reload-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  } finally {
    await release();
  }
  const ready = page.getByTestId("export-ready");
  await expect(ready).toContainText("Export ready: 6,000 rows", { timeout: 90_000 });
  await snap(page, testInfo, "export-02-ready-desktop");
  const [download] = await Promise.all([page.waitForEvent("download"), ready.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe(`export-${run}-recipients.csv`);
  const bytes = fs.readFileSync(await download.path(), "utf8");
  // a byte-order mark first, for spreadsheets to read the names as UTF-8
  expect(bytes.startsWith("\uFEFF")).toBe(true);
  const lines = bytes.slice(1).split("\n").filter(Boolean);
  expect(lines).toHaveLength(ROWS + 1);
  expect(lines[0]).toMatch(/^phone_number,customer_name,status,/);
  expect(lines[1]).toMatch(new RegExp(`^${phone(1)},Imported 1,pending,`));
  // still offered after a reload
  await page.reload();
  await expect(page.getByTestId("export-ready")).toContainText("Export ready: 6,000 rows");
  await page.setViewportSize({ width: 390, height: 844 });
  await noSidewaysScroll(page);
  await snap(page, testInfo, "export-03-ready-phone");
});

/**
 * Exporting customers from the customers page: a marketer filters the list (a tag and a tier), the button
 * says how many customers the export has ("Export 40 customers"), the export runs while the test blocks its
 * first part (nothing here depends on timing) and a reload finds it with its progress; once released the
 * page offers the file, whose rows are exactly the filtered list's, in the import's columns. A viewer's
 * export of the same list has the numbers masked. Phone width: no sideways scrolling.
 */
import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import pg from "pg";
import { E2E_DATABASE_URL } from "../support/env";
import { signIn, snap } from "./helpers";

const run = Date.now().toString(36);
const TAG = `exported${run}`;
// fictional +1 650 7xx numbers of this run: 100 customers, every other one gold, some with an attribute
const base = 16507000000 + (Date.now() % 90) * 10_000;
const phone = (i: number) => String(base + i);
const GOLD = Array.from({ length: 100 }, (_, i) => i + 1).filter((i) => i % 2 === 0).length;

/** A transaction that runs `sql` and holds what it locked until released. */
async function holdLock(sql: string) {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query(sql);
  return async () => {
    await client.query("ROLLBACK");
    await client.end();
  };
}

async function noSidewaysScroll(page: Page) {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

async function downloadedRows(page: Page, fileName: RegExp) {
  const ready = page.getByTestId("export-ready");
  const [download] = await Promise.all([page.waitForEvent("download"), ready.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(fileName);
  const text = fs.readFileSync(await download.path(), "utf8");
  // a byte-order mark first, for spreadsheets to read the names as UTF-8
  expect(text.startsWith("\uFEFF")).toBe(true);
  return text.slice(1).split("\n").filter(Boolean);
}

test("a filtered customers list exports as a CSV of its rows, with progress that survives a reload; a viewer's is masked", async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const db = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO user_profiles (id, whatsapp_phone, name, customer_tier, city, tags, attributes, subscription, is_active, created_at, updated_at)
       SELECT gen_random_uuid(), ($1::bigint + g)::text, 'Export ' || g, CASE WHEN g % 2 = 0 THEN 'Gold' ELSE 'Silver' END, 'Lisbon',
              ARRAY[$2::text], CASE WHEN g % 10 = 0 THEN jsonb_build_object('points', g) ELSE '{}'::jsonb END, 'subscribed', true, now(), now()
       FROM generate_series(1, 100) g`,
      [base, TAG],
    );
  } finally {
    await db.end();
  }

  await signIn(page, "marketer@example.com");
  await page.goto(`/customers?tag=${TAG}&tier=gold`);
  const button = page.getByRole("button", { name: `Export ${GOLD} customers` });
  await expect(button).toBeVisible({ timeout: 60_000 });

  // the export's parts wait while the test holds a lock on the table they are written to
  const release = await holdLock(`LOCK TABLE job_parts IN SHARE MODE`);
  try {
    await button.click();
    await expect(page.getByTestId("job-progress-count")).toHaveText(`0 of ${GOLD} rows`, { timeout: 90_000 });
    await page.reload();
    await expect(page.getByTestId("job-progress-count")).toHaveText(`0 of ${GOLD} rows`, { timeout: 90_000 });
    await expect(page.getByRole("button", { name: `Export ${GOLD} customers` })).toBeDisabled();
    await snap(page, testInfo, "customers-export-01-progress-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page);
    await snap(page, testInfo, "customers-export-02-progress-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  } finally {
    await release();
  }
  await expect(page.getByTestId("export-ready")).toContainText(`Export ready: ${GOLD} rows`, { timeout: 90_000 });
  await expect(page.getByTestId("export-ready")).toContainText(`Tier gold · Tag ${TAG}`);
  await snap(page, testInfo, "customers-export-03-ready-desktop");
  const lines = await downloadedRows(page, /^customers-\d{4}-\d{2}-\d{2}\.csv$/);
  expect(lines[0]).toBe("phone,name,customer_tier,city,tags,subscription,is_active,attributes.points,subscription_source,subscription_changed_at,undeliverable_since,created_at");
  const rows = lines.slice(1).map((l) => l.split(","));
  expect(rows).toHaveLength(GOLD);
  expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 100 }, (_, i) => i + 1).filter((i) => i % 2 === 0).map((i) => `+${phone(i)}`));
  expect(rows[0].slice(1, 8)).toEqual(["Export 2", "Gold", "Lisbon", TAG, "subscribed", "true", ""]);
  expect(rows[4].slice(1, 8)).toEqual(["Export 10", "Gold", "Lisbon", TAG, "subscribed", "true", "10"]);
  // still offered after a reload, and the page fits a phone
  await page.reload();
  await expect(page.getByTestId("export-ready")).toContainText(`Export ready: ${GOLD} rows`);
  await page.setViewportSize({ width: 390, height: 844 });
  await noSidewaysScroll(page);
  await snap(page, testInfo, "customers-export-04-ready-phone");
  await page.setViewportSize({ width: 1280, height: 800 });

  // a viewer exports the same list: the numbers masked, as their pages show them
  await page.context().clearCookies();
  await signIn(page, "viewer@example.com");
  await page.goto(`/customers?tag=${TAG}&tier=gold`);
  await page.getByRole("button", { name: `Export ${GOLD} customers` }).click();
  await expect(page.getByTestId("export-ready")).toContainText(`Export ready: ${GOLD} rows, numbers masked`, { timeout: 90_000 });
  const masked = await downloadedRows(page, /^customers-/);
  expect(masked).toHaveLength(GOLD + 1);
  expect(masked[1]).toMatch(/^\+16•+02,Export 2,Gold,/);
  expect(masked.join("\n")).not.toContain(phone(2));
});

/**
 * Long work shows rows done of total and survives a reload: a marketer adds an audience of 6,000
 * customers and activates the campaign; mid-way (a chunk held back by a row lock the test keeps in
 * PostgreSQL, so nothing here depends on timing) the page is reloaded and shows the job still running
 * with its progress; once the lock is released the same page shows the result.
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { E2E_API_TOKEN, E2E_DATABASE_URL } from "../support/env";
import { createSummerSaleCampaign, DEMO_PASSWORD, snap } from "./helpers";

const run = Date.now().toString(36);
const TAG = `progress${run}`;
const CUSTOMERS = 6000;
const auth = { Authorization: `Bearer ${E2E_API_TOKEN}` };

/** A transaction that holds one row lock until released (select the row first: FOR UPDATE with OFFSET would lock the skipped rows too). */
async function holdLock(sql: string, params: unknown[]) {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  const { rowCount } = await client.query(sql, params);
  expect(rowCount).toBe(1);
  return async () => {
    await client.query("ROLLBACK");
    await client.end();
  };
}

test("adding a large audience and activating show progress, also after a reload, then the result", async ({ page }, testInfo) => {
  // a loaded machine renders these pages slowly; nothing here is timed
  test.setTimeout(600_000);
  const db = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await db.connect();
  try {
    // 6,000 subscribed customers of their own (fictional +1 650 7xx numbers)
    await db.query(
      `INSERT INTO user_profiles (id, whatsapp_phone, name, tags, subscription, is_active, created_at, updated_at)
       SELECT gen_random_uuid(), (16507000000 + g)::text, 'Progress ' || g, ARRAY[$1::text], 'subscribed', true, now(), now()
       FROM generate_series(1, $2::int) g`,
      [TAG, CUSTOMERS],
    );
  } finally {
    await db.end();
  }
  const campaign = await createSummerSaleCampaign(page, `Progress ${run}`, { target_audience: { tags: [TAG] }, daily_send_limit: 1000 });

  // signing in hashes the password: slow on a loaded machine, so it may take longer than the default wait
  await page.goto("/login");
  await page.getByLabel("Email").fill("marketer@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/, { timeout: 60_000 });
  await page.goto(`/campaigns/${campaign.id}`);

  // --- add the audience: the job adds customers in id order, 5,000 a chunk; the second chunk waits for
  // a customer the test has locked (a recipient's customer is checked with a key-share lock)
  let release = await holdLock(`SELECT id FROM user_profiles WHERE id = (SELECT id FROM user_profiles WHERE $1 = ANY(tags) ORDER BY id OFFSET 5500 LIMIT 1) FOR UPDATE`, [TAG]);
  try {
    await page.getByRole("tab", { name: "Target audience" }).click();
    await page.getByRole("button", { name: "Add 6,000 matching customers" }).click();
    const progress = page.getByTestId("job-progress");
    await expect(progress.getByTestId("job-progress-count")).toHaveText("5,000 of 6,000 customers", { timeout: 90_000 });
    await expect(progress.getByRole("progressbar", { name: "Adding the audience" })).toHaveAttribute("aria-valuenow", "83");
    await snap(page, testInfo, "progress-01-adding-desktop");

    // a reload finds the job still running, with its progress
    await page.reload();
    await expect(page.getByRole("tab", { name: "Target audience" })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByTestId("job-progress-count")).toHaveText("5,000 of 6,000 customers", { timeout: 90_000 });
    await expect(page.getByRole("button", { name: "Add 6,000 matching customers" })).toBeDisabled();
    await page.setViewportSize({ width: 390, height: 844 });
    await snap(page, testInfo, "progress-02-adding-after-reload-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  } finally {
    await release();
  }
  const result = page.getByTestId("add-recipients-result");
  await expect(result).toContainText("Added6,000", { timeout: 60_000 });
  await expect(result).toContainText("Duplicates0");
  await expect(page.getByTestId("job-progress")).toHaveCount(0);
  await expect(page.getByTestId("campaign-stats")).toContainText("Recipients6,000");
  // the result is still there after another reload
  await page.reload();
  await expect(page.getByTestId("add-recipients-result")).toContainText("Added6,000");
  const api = (await (await page.request.get(`/api/marketing/campaigns/${campaign.id}`, { headers: auth })).json()) as { total_target_customers: number };
  expect(api.total_target_customers).toBe(CUSTOMERS);

  // --- activate: recipients get their days 5,000 a chunk; the second chunk waits for a locked recipient
  release = await holdLock(`SELECT id FROM campaign_recipients WHERE id = (SELECT id FROM campaign_recipients WHERE campaign_id = $1 ORDER BY created_at, id OFFSET 5500 LIMIT 1) FOR UPDATE`, [campaign.id]);
  try {
    await page.getByRole("button", { name: "Activate" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Start date").fill(new Date().toISOString().slice(0, 10));
    await dialog.getByRole("button", { name: "Activate" }).click();
    await expect(dialog.getByTestId("job-progress-count")).toHaveText("5,000 of 6,000 recipients scheduled", { timeout: 90_000 });
    await snap(page, testInfo, "progress-03-activating-desktop");
    await page.reload();
    // after a reload the activation's progress is shown under the page's buttons
    await expect(page.getByTestId("job-progress-count")).toHaveText("5,000 of 6,000 recipients scheduled", { timeout: 90_000 });
    await expect(page.getByRole("button", { name: "Activate" })).toBeDisabled();
    await page.setViewportSize({ width: 390, height: 844 });
    await snap(page, testInfo, "progress-04-activating-after-reload-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  } finally {
    await release();
  }
  await expect(page.getByText("Active", { exact: true }).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("job-progress")).toHaveCount(0);
  const activated = (await (await page.request.get(`/api/marketing/campaigns/${campaign.id}`, { headers: auth })).json()) as { status: string };
  expect(activated.status).toBe("active");
  await snap(page, testInfo, "progress-05-active-desktop");
});

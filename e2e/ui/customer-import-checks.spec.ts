/**
 * What the customer import's check in the browser refuses before anything is uploaded, each said in a
 * sentence the marketer can act on (QA pass 3): a row whose unquoted comma shifts its columns, broken
 * quotes (the server refuses them; the browser used to call the file good), a spreadsheet workbook saved
 * under a .csv name, and a file over the 5 MB limit (it used to fail after the upload as "interrupted").
 */
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, snap } from "./helpers";

test("the import check refuses shifted rows, broken quotes, workbooks and files over 5 MB, nothing uploaded", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto("/login");
  await page.getByLabel("Email").fill("marketer@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/, { timeout: 60_000 });
  await page.goto("/customers?import=1");
  const input = page.locator("#customers-csv");
  const choose = (name: string, body: Buffer | string) => input.setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.isBuffer(body) ? body : Buffer.from(body) });
  // nothing is sent to the server by any of these
  const actions: string[] = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.headers()["next-action"]) actions.push(r.url()); });

  await choose("shifted.csv", "phone,name,customer_tier,city\n+14155550161,Doe, Jane,premium,Austin\n+14155550162,Ann Lee,gold,Boston\n");
  await expect(page.getByText("1 problem in 2 rows — nothing was imported")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('5 values where the header has 4 columns: put a value that contains a comma in double quotes ("Doe, Jane")')).toBeVisible();
  await expect(page.getByRole("button", { name: /^Import \d/ })).toHaveCount(0);

  // Excel's "sep=;" line above the header is skipped; lines are still the file's own
  await choose("excel.csv", "sep=;\nphone;name\n12;Too short\n+14155550163;Fine\n");
  await expect(page.getByText("1 problem in 2 rows — nothing was imported")).toBeVisible({ timeout: 30_000 });
  const bad = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "12", exact: true }) });
  await expect(bad.getByRole("cell").first()).toHaveText("3");

  await choose("quotes.csv", 'phone,name\n+14155550401,"Bad quote\n+14155550402,Fine\n');
  await expect(page.getByText(/The file is not valid CSV \(line 2: /)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("button", { name: /^Import \d/ })).toHaveCount(0);

  await choose("customers.csv", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 1)]));
  await expect(page.getByText("This is a spreadsheet workbook (Excel or similar), not a CSV file: save it as CSV UTF-8")).toBeVisible({ timeout: 30_000 });

  const row = "+14155550999,A customer with a long enough name to fill the file quickly,gold\n";
  await choose("big.csv", "phone,name,customer_tier\n" + row.repeat(Math.ceil((5.2 * 1024 * 1024) / row.length)));
  await expect(page.getByText("The file is larger than 5 MB: split it into smaller files.")).toBeVisible({ timeout: 30_000 });
  expect(actions).toEqual([]);

  // on a phone the problems read as sentences: column and value above each, nothing wider than the screen
  await page.setViewportSize({ width: 390, height: 844 });
  await choose("shifted-phone.csv", "phone,name,customer_tier,city\n+14155550161,Doe, Jane,premium,Austin,extra\n");
  await expect(page.getByText(/6 values where the header has 4 columns/)).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await snap(page, testInfo, "import-errors-phone");
});

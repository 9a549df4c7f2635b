/**
 * One customer by hand: a marketer adds a customer (a bad number is refused beside its field, which gets
 * focus; a number that already belongs to a customer links to them), corrects their name and tags, and the
 * list shows them. The forms fit a phone's width (390 px).
 */
import { expect, test, type Page } from "@playwright/test";
import { signIn, snap } from "./helpers";

test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);
const NAME = `Hand Added ${run}`;
const RENAMED = `Hand Edited ${run}`;
const TAG = `byhand${run}`;
// a UK number from Ofcom's range for drama (07700 900000–900999), nobody's, unique to this run
const DIGITS = String(Date.now() % 1000).padStart(3, "0");
const PHONE = `+44 7700 900${DIGITS}`;

async function noSidewaysScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, "the page is no wider than the screen").toBeLessThanOrEqual(page.viewportSize()!.width);
}

test("a marketer adds a customer, is told about a bad or taken number, edits the name and tags, and the list shows them", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signIn(page, "marketer@example.com");
  await page.goto("/customers");
  await page.getByRole("link", { name: "Add customer" }).click();
  await expect(page).toHaveURL(/\/customers\/new$/);
  await expect(page.getByRole("heading", { name: "Add customer" })).toBeVisible();

  // a bad number: refused beside the field, which gets focus; what was typed stays
  const phone = page.getByLabel("WhatsApp number");
  await phone.fill("12");
  await page.getByLabel("Name").fill(NAME);
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.locator("#customer-phone-error")).toHaveText("Not a phone number with a country code.");
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  await expect(phone).toBeFocused();
  await expect(page.getByLabel("Name")).toHaveValue(NAME);
  await expect(page).toHaveURL(/\/customers\/new$/);
  await snap(page, testInfo, "customer-new-refused-1280");

  // a good one, with a tier, city, tags and an attribute: the customer's page
  await phone.fill(PHONE);
  await page.getByLabel("Tier").fill("gold");
  await page.getByLabel("City").fill("Leeds");
  await page.getByLabel("Tags").fill(`${TAG}, newsletter`);
  await page.getByRole("button", { name: "Add attribute" }).click();
  await page.getByRole("group", { name: "Attribute 1" }).getByLabel("Attribute", { exact: true }).fill("loyalty_points");
  await page.getByRole("group", { name: "Attribute 1" }).getByLabel("Value", { exact: true }).fill("120");
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}\?added=1$/);
  const customerUrl = page.url().replace(/\?.*$/, "");
  await expect(page.getByText("Customer added.")).toBeVisible();
  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  await expect(page.getByText(`+447700900${DIGITS}`)).toBeVisible();
  await expect(page.getByText("loyalty points")).toBeVisible();
  await snap(page, testInfo, "customer-added-1280");

  // the same number again, written another way: beside the field, with a link to whom it belongs
  await page.goto("/customers/new");
  await page.getByLabel("WhatsApp number").fill(`0044 7700 900 ${DIGITS}`);
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.locator("#customer-phone-error")).toHaveText("This number already belongs to a customer.");
  await expect(page.getByLabel("WhatsApp number")).toBeFocused();
  const open = page.getByRole("link", { name: "Open the customer with this number" });
  await expect(open).toHaveAttribute("href", new URL(customerUrl).pathname);
  await snap(page, testInfo, "customer-new-taken-1280");
  await open.click();
  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();

  // edit: the number is shown, not editable; the name and tags change
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(page).toHaveURL(/\/edit$/);
  await expect(page.getByTestId("customer-phone")).toHaveText(`+447700900${DIGITS}`);
  await expect(page.getByLabel("WhatsApp number")).toHaveCount(0);
  // an emptied tier is cleared; a tag too long is refused beside the tags
  await page.getByLabel("Name").fill(RENAMED);
  await page.getByLabel("Tags").fill(`${TAG}, ${"x".repeat(101)}`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.locator("#customer-tags-error")).toContainText("At most 100 characters");
  await expect(page.getByLabel("Tags")).toBeFocused();
  await page.getByLabel("Tags").fill(`${TAG}, summer`);
  // the message goes once the field is edited
  await expect(page.locator("#customer-tags-error")).toHaveCount(0);
  await page.getByLabel("Tier").fill("");
  await snap(page, testInfo, "customer-edit-1280");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`${customerUrl}\\?saved=1$`));
  await expect(page.getByRole("heading", { name: RENAMED })).toBeVisible();
  await expect(page.getByText("summer", { exact: true })).toBeVisible();
  await expect(page.getByText("newsletter", { exact: true })).toHaveCount(0);
  // the attribute kept (its number unchanged)
  await expect(page.getByText("loyalty points")).toBeVisible();

  // the list
  await page.goto(`/customers?tag=${TAG}`);
  const row = page.getByRole("row").filter({ hasText: RENAMED });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("summer");
  await expect(row).toContainText(TAG);
  await expect(page.getByText(NAME)).toHaveCount(0);
  await snap(page, testInfo, "customers-list-1280");
});

test("the forms fit a phone (390 px)", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, "marketer@example.com");
  await page.goto("/customers/new");
  await page.getByRole("button", { name: "Add attribute" }).click();
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.locator("#customer-phone-error")).toHaveText("Enter their WhatsApp number.");
  await noSidewaysScroll(page);
  await snap(page, testInfo, "customer-new-390");
  await page.goto(`/customers?tag=byhand${run}`);
  await page.getByRole("link", { name: RENAMED }).click();
  await noSidewaysScroll(page);
  await snap(page, testInfo, "customer-390");
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(page.getByLabel("Name")).toHaveValue(RENAMED);
  await noSidewaysScroll(page);
  await snap(page, testInfo, "customer-edit-390");
  await context.close();
});

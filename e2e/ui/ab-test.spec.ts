/**
 * A marketer creates an A/B campaign in the browser: the campaign's message is variant A, a second variant
 * picks another template from the library, shares 50/50, "test, then send the winner" on; after adding
 * recipients the campaign page compares the variants, and the API has exactly what the form said.
 */
import { expect, test } from "@playwright/test";
import { E2E_API_TOKEN } from "../support/env";
import { signIn, snap } from "./helpers";

const run = Date.now().toString(36);
// fictional numbers valid for libphonenumber, apart from the other specs' ranges
const phones = Array.from({ length: 12 }, (_, i) => `+1650555${String(2100 + i)}`);

test("a marketer creates an A/B campaign with a test-then-winner split and sees the variants compared", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signIn(page, "marketer@example.com");
  await page.goto("/campaigns/new");
  await page.getByLabel("Name", { exact: true }).fill(`E2E A/B ${run}`);

  // variant A: the campaign's own message
  await page.getByTestId("template-composer").getByTestId("template-option-flash_sale").click();
  await page.locator("#tpl-header-text").fill("https://example.com/flash.jpg");
  await page.locator("#tpl-body-1-mode").selectOption("literal");
  await page.locator("#tpl-body-1-text").fill("friend");
  await page.locator("#tpl-body-2-text").fill("25%");

  // variant B: another template from the library
  await page.getByLabel("Test several messages (A/B test)").check();
  await page.getByLabel("Variant A name").fill("Flash");
  const b = page.getByTestId("variant-1");
  await b.getByLabel("Variant B name").fill("VIP");
  await b.getByTestId("template-option-vip_early_access").click();
  await b.locator("#variant-1-tpl-header-text").fill("https://example.com/vip.jpg");
  await b.locator("#variant-1-tpl-body-1-mode").selectOption("literal");
  await b.locator("#variant-1-tpl-body-1-text").fill("friend");
  await b.locator("#variant-1-tpl-body-2-text").fill("30%");
  await expect(page.getByTestId("variant-share-total")).toHaveText("Shares: 100% of 100%");

  // a variant added or removed splits the shares evenly again, so they still add up
  await page.getByRole("button", { name: "Add variant" }).click();
  await expect(page.getByLabel("Variant A share (%)")).toHaveValue("34");
  await expect(page.getByTestId("variant-1").getByLabel("Variant B share (%)")).toHaveValue("33");
  await expect(page.getByTestId("variant-2").getByLabel("Variant C share (%)")).toHaveValue("33");
  await expect(page.getByTestId("variant-share-total")).toHaveText("Shares: 100% of 100%");
  await page.getByTestId("variant-2").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByTestId("variant-2")).toHaveCount(0);
  await expect(page.getByLabel("Variant A share (%)")).toHaveValue("50");
  await expect(page.getByTestId("variant-share-total")).toHaveText("Shares: 100% of 100%");

  // a split that does not add up is refused with the reason
  await page.getByLabel("Variant A share (%)").fill("60");
  await expect(page.getByTestId("variant-share-total")).toHaveText("Shares: 110% of 100%");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page.getByText("the shares must sum to 100 (they sum to 110)")).toBeVisible();
  await page.getByLabel("Variant A share (%)").fill("50");

  await page.getByLabel("Test first, then send the winner to everyone else").check();
  await page.getByLabel("Test share (%)").fill("25");
  await page.getByLabel("Decide after (hours)").fill("12");
  await snap(page, testInfo, "ab-01-form");
  await page.getByRole("button", { name: "Create draft" }).click();
  // a loaded machine may take a while to check both templates and save
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}\?saved=1/, { timeout: 60_000 });
  const campaignId = new URL(page.url()).pathname.split("/").pop()!;

  const comparison = page.getByTestId("variant-comparison");
  await expect(comparison).toContainText("25% are sent first, split by variant; 12 h after the first message the variant with the best read rate goes to everyone else.");
  await expect(comparison).toContainText("Flash");
  await expect(comparison).toContainText("vip_early_access (en_US)");

  // recipients: the split happens as they are added
  await page.getByRole("tab", { name: "Paste numbers" }).click();
  await page.getByLabel("Phone numbers").fill(phones.join("\n"));
  await page.getByRole("button", { name: `Add ${phones.length} numbers` }).click();
  await expect(page.getByTestId("add-recipients-result")).toContainText(`Added${phones.length}`);

  const headers = { Authorization: `Bearer ${E2E_API_TOKEN}` };
  const c = await (await page.request.get(`/api/marketing/campaigns/${campaignId}`, { headers })).json();
  expect(c).toMatchObject({
    template_name: "flash_sale",
    variants: [
      { name: "Flash", share: 50, template_name: "flash_sale", language_code: "en_US", template_components: [
        { type: "header", parameters: [{ type: "image", image: { link: "https://example.com/flash.jpg" } }] },
        { type: "body", parameters: [{ type: "text", text: "friend" }, { type: "text", text: "25%" }] },
      ] },
      { name: "VIP", share: 50, template_name: "vip_early_access", language_code: "en_US", template_components: [
        { type: "header", parameters: [{ type: "image", image: { link: "https://example.com/vip.jpg" } }] },
        { type: "body", parameters: [{ type: "text", text: "friend" }, { type: "text", text: "30%" }] },
      ] },
    ],
    ab_test: { test_share: 25, decide_after_hours: 12, metric: "read_rate" },
    ab_decision: null,
  });
  const stats = await (await page.request.get(`/api/marketing/campaigns/${campaignId}/stats`, { headers })).json();
  const inTest = stats.variants[0].recipients + stats.variants[1].recipients;
  expect(inTest + stats.ab_test.held_back).toBe(phones.length);

  await page.reload();
  await expect(comparison).toContainText(`${stats.ab_test.held_back} waiting for the winner`);
  await snap(page, testInfo, "ab-02-campaign");
});

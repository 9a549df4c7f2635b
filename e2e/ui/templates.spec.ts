/**
 * The sandbox template library in the browser: a marketer picks an approved template, fills the
 * fields generated from it, watches the preview change, sends a test and activates; a REJECTED template
 * cannot be activated and the page says why.
 */
import { expect, test } from "@playwright/test";
import { E2E_API_TOKEN } from "../support/env";
import { signIn, snap } from "./helpers";

const run = Date.now().toString(36);

test("pick an approved template, fill its variables, preview, test send, activate", async ({ page }, testInfo) => {
  await signIn(page, "marketer@example.com");
  await page.goto("/campaigns/new");
  await page.getByLabel("Name", { exact: true }).fill(`Rewards ${run}`);

  // the picker: search and category filters over the approved library
  const picker = page.getByTestId("template-picker");
  await picker.getByLabel("Search templates").fill("member");
  await expect(page.getByTestId("template-option-summer_sale_promo")).toHaveCount(0);
  await page.getByTestId("template-option-member_rewards").click();

  // fields generated from a NAMED template with a URL-suffix button; the preview follows them
  const preview = page.getByTestId("template-preview");
  await expect(page.getByTestId("slot-body.points")).toBeVisible();
  await expect(page.getByTestId("slot-button.0")).toBeVisible();
  await page.locator("#tpl-body-points-text").fill("1,250");
  await expect(preview.getByTestId("preview-body")).toContainText("you have 1,250 points");
  await page.locator("#tpl-body-points-text").fill("2,500");
  await expect(preview.getByTestId("preview-body")).toContainText("you have 2,500 points");
  await page.locator("#tpl-body-tier-mode").selectOption("variable");
  await page.locator("#tpl-body-tier-field").selectOption("customer_tier");
  await page.locator("#tpl-body-tier-fallback").fill("member");
  await page.locator("#tpl-button-0-text").fill("gold");
  await expect(preview).toContainText("https://shop.example.com/rewards/gold");
  await expect(page.getByTestId("template-problems")).toHaveCount(0);
  await snap(page, testInfo, "templates-01-composer");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}\?saved=1/);
  const campaignId = new URL(page.url()).pathname.split("/").pop()!;

  // the detail page shows the same preview; a test send goes to a number now
  await expect(page.getByTestId("campaign-template").getByTestId("preview-body")).toContainText("you have 2,500 points");
  await page.getByLabel("Test numbers").fill("+1 415 555 0100");
  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("test-send-results")).toContainText("sent");
  await snap(page, testInfo, "templates-02-test-send");

  // recipients, then activation
  const added = await page.request.post(`/api/marketing/campaigns/${campaignId}/recipients`, {
    data: { phone_numbers: ["+1 415 555 0101", "+1 415 555 0102"] },
    headers: { Authorization: `Bearer ${E2E_API_TOKEN}` },
  });
  expect(added.ok()).toBeTruthy();
  await page.reload();
  await page.getByRole("button", { name: "Activate" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Start date").fill(new Date().toISOString().slice(0, 10));
  await dialog.getByRole("button", { name: "Activate" }).click();
  await expect(page.getByText("Active", { exact: true }).first()).toBeVisible();
});

test("a REJECTED template cannot be activated, and the page says why", async ({ page }, testInfo) => {
  const auth = { Authorization: `Bearer ${E2E_API_TOKEN}` };
  const created = await page.request.post("/api/marketing/campaigns", {
    headers: auth,
    data: {
      name: `Rejected ${run}`,
      template_name: "cyber_monday_blast",
      template_components: [{ type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }, { type: "text", text: "70%" }] }],
    },
  });
  expect(created.status()).toBe(201);
  const campaign = (await created.json()) as { id: string; template_verified: boolean; template_warnings: string[] };
  expect(campaign.template_verified).toBe(true);
  expect(campaign.template_warnings.join(" ")).toContain("REJECTED");
  await page.request.post(`/api/marketing/campaigns/${campaign.id}/recipients`, { headers: auth, data: { phone_numbers: ["+1 415 555 0103"] } });

  await signIn(page, "marketer@example.com");
  await page.goto(`/campaigns/${campaign.id}`);
  const section = page.getByTestId("campaign-template");
  await expect(section).toContainText("cyber_monday_blast is REJECTED (PROMOTIONAL)");
  await page.getByRole("button", { name: "Activate" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Start date").fill(new Date().toISOString().slice(0, 10));
  await dialog.getByRole("button", { name: "Activate" }).click();
  await expect(dialog.getByRole("alert")).toContainText("is REJECTED: PROMOTIONAL");
  await snap(page, testInfo, "templates-03-rejected");
  expect((await (await page.request.get(`/api/marketing/campaigns/${campaign.id}`, { headers: auth })).json()).status).toBe("draft");
});

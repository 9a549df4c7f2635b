/**
 * What a marketer sees when the campaign form or the activation dialog refuses something: every message
 * beside its field (marked invalid, described by it, the first one focused), gone once the field is changed,
 * never a server's words naming an internal field; and a picked template's values start empty, its samples
 * only hints.
 */
import { expect, test } from "@playwright/test";
import { E2E_API_TOKEN } from "../support/env";
import { createSummerSaleCampaign, signIn, snap } from "./helpers";

const run = Date.now().toString(36);

test("a picked template's values start empty and are still needed; a refused field's message goes once it is changed", async ({ page }, testInfo) => {
  await signIn(page, "marketer@example.com");
  await page.goto("/campaigns/new");
  await page.getByRole("button", { name: "Create draft" }).click();
  const name = page.getByLabel("Name", { exact: true });
  await expect(name).toBeFocused();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  const search = page.getByLabel("Search templates");
  await expect(search).toHaveAccessibleDescription("Pick a template from the library.");

  // the name typed: its "Required" goes (the next save checks it again)
  await name.fill(`E2E form ${run}`);
  await expect(page.locator("#name-error")).toHaveCount(0);
  await expect(name).not.toHaveAttribute("aria-invalid", "true");

  // a template picked: nothing more is said about the template, not the name rule of an empty one either
  await page.getByTestId("template-option-summer_sale_personal").click();
  const picker = page.getByTestId("template-picker");
  await expect(picker.getByRole("alert")).toHaveCount(0);
  await expect(search).not.toHaveAttribute("aria-invalid", "true");
  await expect(picker.getByRole("list", { name: "Templates" })).not.toHaveClass(/border-red/);
  await expect(page.getByText("Check the highlighted fields.")).toHaveCount(0);

  // its values start empty: the sample "Maria" is a hint, not text sent to everyone
  await expect(page.locator("#tpl-body-1-mode")).toHaveValue("literal");
  await expect(page.locator("#tpl-body-1-text")).toHaveValue("");
  await expect(page.locator("#tpl-body-2-text")).toHaveValue("");
  await expect(page.locator("#tpl-body-1-text")).toHaveAttribute("placeholder", "e.g. Maria");
  await expect(page.getByTestId("template-preview")).not.toContainText("Maria");
  const needed = page.getByTestId("template-problems");
  await expect(needed).toContainText("body value #1 is empty");
  await expect(needed).toContainText("body value #2 is empty");
  // a fresh pick is not marked red before the next save
  await expect(page.locator("#tpl-body-1-text")).not.toHaveAttribute("aria-invalid", "true");
  await snap(page, testInfo, "form-errors-01-picked");

  // saved as it is: refused, the empty values marked at their fields, the first invalid one focused
  await page.locator("#tpl-header-text").fill("https://example.com/banner.jpg");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page.locator("#tpl-body-1-text")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#tpl-body-1-text")).toBeFocused();
  await expect(page).toHaveURL(/\/campaigns\/new$/);
  // the server's one sentence naming the template is not repeated at the top: the fields say what is missing
  await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
  await expect(page.getByText(/do not fit template/)).toHaveCount(0);
  await page.locator("#tpl-body-1-mode").selectOption("variable");
  await page.locator("#tpl-body-2-text").fill("30%");
  await expect(needed).toHaveCount(0);
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}\?saved=1/);
  await expect(page.getByTestId("campaign-template").getByTestId("preview-body")).not.toContainText("Maria");
});

test("an A/B test's refused split and values are marked at their fields", async ({ page }, testInfo) => {
  await signIn(page, "marketer@example.com");
  await page.goto("/campaigns/new");
  await page.getByLabel("Name", { exact: true }).fill(`E2E A/B errors ${run}`);
  await page.getByTestId("template-composer").getByTestId("template-option-summer_sale_personal").click();
  await page.locator("#tpl-header-text").fill("https://example.com/banner.jpg");
  await page.locator("#tpl-body-1-text").fill("friend");
  await page.locator("#tpl-body-2-text").fill("30%");
  await page.getByLabel("Test several messages (A/B test)").check();
  const b = page.getByTestId("variant-1");
  await b.getByTestId("template-option-flash_sale").click();
  await page.getByLabel("Variant A share (%)").fill("60");
  await page.getByLabel("Variant B share (%)").fill("50");
  await page.getByRole("button", { name: "Create draft" }).click();

  // the split: said once, every share marked and described by it; the first share has focus
  const shareA = page.getByLabel("Variant A share (%)");
  const shareB = page.getByLabel("Variant B share (%)");
  await expect(shareA).toBeFocused();
  for (const share of [shareA, shareB]) {
    await expect(share).toHaveAttribute("aria-invalid", "true");
    await expect(share).toHaveAccessibleDescription("the shares must sum to 100 (they sum to 110)");
  }
  // variant B's values: each at its field, in words, not zod's two messages run together
  const header = b.locator("#variant-1-tpl-header-text");
  await expect(header).toHaveAttribute("aria-invalid", "true");
  await expect(header).toHaveAccessibleDescription(/needs a link/);
  await expect(b.locator("#variant-1-tpl-body-1-text")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Invalid URL")).toHaveCount(0);
  await snap(page, testInfo, "form-errors-02-ab");

  // a share changed: the split's message goes until the next save
  await shareA.fill("50");
  await expect(shareA).not.toHaveAttribute("aria-invalid", "true");
  await expect(shareB).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("the shares must sum to 100")).toHaveCount(0);
});

test("a past start date is refused beside the date, in plain words, and the preview computes nothing from it", async ({ page }, testInfo) => {
  await signIn(page, "marketer@example.com");
  const { id } = await createSummerSaleCampaign(page, `E2E past start ${run}`);
  const added = await page.request.post(`/api/marketing/campaigns/${id}/recipients`, {
    headers: { Authorization: `Bearer ${E2E_API_TOKEN}` },
    data: { phone_numbers: ["+1 650 555 2301"] },
  });
  expect(added.ok()).toBeTruthy();
  await page.goto(`/campaigns/${id}`);
  await page.getByRole("button", { name: "Activate" }).click();
  const dialog = page.getByRole("dialog");
  const past = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
  const today = new Date().toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
  const date = dialog.getByLabel("Start date");
  await date.fill(past);
  await expect(dialog.getByTestId("activation-preview").locator("dd").nth(2)).toHaveText("—");
  await dialog.getByRole("button", { name: "Activate" }).click();
  await expect(date).toHaveAttribute("aria-invalid", "true");
  await expect(date).toBeFocused();
  await expect(dialog.locator("#start_date-error")).toHaveText(`Pick today or a later day: today is ${today} (UTC).`);
  await expect(date).toHaveAccessibleDescription(new RegExp(`Pick today or a later day`));
  await expect(dialog).not.toContainText("start_date");
  await expect(dialog).not.toContainText("is in the past");
  await snap(page, testInfo, "form-errors-03-past-start");
  // another day picked: the message goes
  await date.fill(new Date().toISOString().slice(0, 10));
  await expect(dialog.locator("#start_date-error")).toHaveCount(0);
  await expect(date).not.toHaveAttribute("aria-invalid", "true");
});

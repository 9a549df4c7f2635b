/**
 * What a campaign costs, in the browser (sandbox: WhatsApp's statuses carry PMP pricing): the activation
 * dialog shows the estimate of a mixed-market audience at Meta's rates, the campaign page its estimate,
 * spend, budget and estimate by market, and — once the budget cannot pay for the next message — the pause
 * with its reason; the campaigns list shows what each spent and the overview the month to date per day.
 */
import { expect, test } from "@playwright/test";
import { E2E_API_TOKEN } from "../support/env";
import { createSummerSaleCampaign, signIn, snap } from "./helpers";

const run = Date.now().toString(36);
const auth = { Authorization: `Bearer ${E2E_API_TOKEN}` };

test("estimate in the activation dialog, spend and budget on the campaign page, spend on the list and the overview", async ({ page }, testInfo) => {
  // a loaded machine renders these pages slowly; nothing here is timed
  test.setTimeout(420_000);
  const campaign = await createSummerSaleCampaign(page, `Costed ${run}`, { budget: 0.2 });
  expect(campaign.budget).toBe(0.2);
  // North America ×2 (0.025), United Kingdom (0.0529), India (0.0107), Germany (0.1365): 0.2501 at the shipped card
  const added = await page.request.post(`/api/marketing/campaigns/${campaign.id}/recipients`, {
    headers: auth,
    data: { phone_numbers: ["+1 415 555 0141", "+1 415 555 0142", "+44 7700 900141", "+91 98765 00141", "+49 151 12345141"] },
  });
  expect(added.ok()).toBeTruthy();

  await signIn(page, "admin@example.com");
  await page.goto(`/campaigns/${campaign.id}`);
  const cost = page.getByTestId("campaign-cost");
  await expect(cost).toContainText("$0.2501");
  await expect(cost).toContainText("$0.2000");
  await page.getByRole("button", { name: "Activate" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("activation-cost")).toContainText("$0.2501");
  await expect(dialog.getByTestId("activation-cost")).toContainText("Budget $0.2000");
  await snap(page, testInfo, "cost-01-activation-estimate");
  await dialog.getByLabel("Start date").fill(new Date().toISOString().slice(0, 10));
  await dialog.getByRole("button", { name: "Activate" }).click();
  await expect(page.getByText("Active", { exact: true }).first()).toBeVisible();

  // the processor sends what the budget pays for, then pauses the campaign; the sandbox's statuses bring the prices
  await page.getByRole("button", { name: "Run today’s processing" }).click();
  await expect.poll(async () => {
    const stats = (await (await page.request.get(`/api/marketing/campaigns/${campaign.id}/stats`, { headers: auth })).json()) as { status: string; paused_by: string | null; sent: number; cost: { actual: number; in_flight: number } };
    return { paused: stats.status === "paused" && stats.paused_by === "budget", priced: stats.sent > 0 && stats.cost.in_flight === 0 && stats.cost.actual > 0 };
  }, { timeout: 90_000, intervals: [1000, 2000, 3000] }).toEqual({ paused: true, priced: true });
  const stats = (await (await page.request.get(`/api/marketing/campaigns/${campaign.id}/stats`, { headers: auth })).json()) as { cost: { actual: number; budget: number; remaining: number; estimated: number; currency: string } };
  expect(stats.cost.currency).toBe("USD");
  expect(stats.cost.actual).toBeGreaterThan(0);
  expect(stats.cost.actual).toBeLessThanOrEqual(0.2);
  expect(stats.cost.estimated).toBeCloseTo(0.2501, 6);

  await page.reload();
  await expect(page.getByText("the budget of 0.2 USD is reached")).toBeVisible();
  await expect(page.getByTestId("spend-chart")).toBeVisible();
  await snap(page, testInfo, "cost-02-campaign-page");

  // a budget below what is already spent is said beside the field before saving, with what it will do
  const budget = page.getByLabel("Budget (USD)");
  await budget.fill("0.01");
  // the campaign is paused by its budget here: what a lower budget does is said for a paused campaign
  await expect(budget).toHaveAccessibleDescription(/Below the \$0\.\d{4} already spent: once resumed, the campaign sends no further message and pauses again \(paused by the budget\) before its next one\./);
  await expect(budget).not.toHaveAttribute("aria-invalid", "true");
  // a negative budget is refused beside the field (no browser bubble), which gets focus
  await budget.fill("-5");
  await page.getByRole("button", { name: "Save budget" }).click();
  await expect(budget).toHaveAttribute("aria-invalid", "true");
  await expect(budget).toHaveAccessibleDescription(/At least 0/);
  await expect(budget).toBeFocused();
  expect((await (await page.request.get(`/api/marketing/campaigns/${campaign.id}/stats`, { headers: auth })).json()).cost.budget).toBe(0.2);

  await page.goto("/campaigns");
  await expect(page.getByRole("row", { name: new RegExp(`Costed ${run}`) }).getByTestId("campaign-spent")).not.toHaveText("$0.00");
  await page.goto("/overview");
  await expect(page.getByTestId("month-spend")).toContainText(`Costed ${run}`);
  await expect(page.getByTestId("month-spend-total")).not.toHaveText("$0.00");
  await snap(page, testInfo, "cost-03-overview");

  await page.goto("/settings");
  await expect(page.getByTestId("rate-card")).toContainText("in USD from Jul 1, 2025");
  await expect(page.getByTestId("rate-card")).toContainText("India$0.0107");
  await snap(page, testInfo, "cost-04-settings-rate-card");
});

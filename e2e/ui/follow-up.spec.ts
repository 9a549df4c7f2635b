/**
 * A marketer follows up a sent campaign in the browser: the "Follow up" card shows how many recipients
 * each outcome selects, creates a draft for one of them, and parent and follow-up link to each other; the
 * draft has its recipients and offers no target audience to add.
 */
import { expect, test } from "@playwright/test";
import { signIn, snap } from "./helpers";

test("a marketer creates a follow-up for the recipients who did not read", async ({ page }, testInfo) => {
  // three full page loads and a server action: room for a busy machine
  test.setTimeout(240_000);
  await signIn(page, "marketer@example.com");
  await page.goto("/campaigns");
  await page.getByRole("link", { name: "Back to School 2026" }).first().click();
  await expect(page.getByRole("heading", { name: "Back to School 2026" })).toBeVisible();
  const parentUrl = page.url();

  const card = page.locator("#follow-up");
  await expect(card.getByRole("heading", { name: "Follow up" })).toBeVisible();
  const who = card.getByLabel("Who");
  await who.selectOption("not_read");
  const option = await who.locator("option:checked").textContent();
  const count = Number(/\(([\d,]+)\)/.exec(option ?? "")?.[1].replaceAll(",", ""));
  expect(count).toBeGreaterThan(0);
  await expect(card.getByText(`${count.toLocaleString("en-US")} still-subscribed recipients of this campaign now`)).toBeVisible();
  await card.getByLabel("Name").fill("Back to School — not read yet");
  await snap(page, testInfo, "follow-up-form");
  await card.getByRole("button", { name: "Create follow-up draft" }).click();

  // the new draft's page renders after the action's redirect (slow on a busy machine)
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}\?saved=1$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { name: "Back to School — not read yet" })).toBeVisible();
  const parent = page.locator("p", { hasText: "Follow-up of" });
  await expect(parent).toContainText("Follow-up of Back to School 2026");
  await expect(parent.getByRole("link", { name: "Back to School 2026" })).toHaveAttribute("href", new URL(parentUrl).pathname);
  const tabs = page.getByRole("navigation", { name: "Recipient status" });
  await expect(tabs.getByRole("link", { name: /^all/i })).toContainText(count.toLocaleString("en-US"));
  // its recipients are already there, and it offers no target audience (which would be the whole customer list)
  await expect(page.getByText(`Its ${count.toLocaleString("en-US")} recipients are added: check the message, then activate when you are ready.`)).toBeVisible();
  await expect(page.getByText(/a follow-up of Back to School 2026, to its recipients with the outcome “Delivered, not read”/)).toBeVisible();
  await expect(page.getByRole("tab", { name: "Paste numbers" })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Target audience" })).toHaveCount(0);
  await snap(page, testInfo, "follow-up-draft");

  await page.goto(parentUrl);
  await expect(page.getByTestId("follow-ups").getByRole("link", { name: "Back to School — not read yet" })).toBeVisible();
});

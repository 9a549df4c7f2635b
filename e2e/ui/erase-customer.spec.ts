/**
 * The right to erasure from the dashboard: a marketer erases a customer from their page after a confirmation
 * that says what goes and what stays; the customer is gone from the list, and a viewer is not offered it.
 */
import { expect, test } from "@playwright/test";
import { E2E_API_TOKEN } from "../support/env";
import { signIn } from "./helpers";

test("a marketer erases a customer who asked to be forgotten", async ({ page }) => {
  const phone = "14155557321";
  const upsert = await page.request.post("/api/marketing/customers", {
    headers: { Authorization: `Bearer ${E2E_API_TOKEN}` },
    data: { customers: [{ phone: `+${phone}`, name: "Forget Me", city: "Austin" }] },
  });
  expect(upsert.status(), await upsert.text()).toBe(200);

  await signIn(page, "marketer@example.com");
  await page.goto(`/customers?q=${phone}`);
  await page.getByRole("link", { name: "Forget Me" }).click();
  await expect(page.getByRole("heading", { name: "Forget Me" })).toBeVisible();
  // the page says what erasing does before the dialog does: the data is removed, not spread
  await expect(page.getByText("their number, name, WhatsApp id and message texts are removed everywhere; campaign totals stay as they were")).toBeVisible();
  await page.getByRole("button", { name: "Erase customer…" }).click();
  const dialog = page.getByRole("dialog", { name: "Erase +14155557321?" });
  await expect(dialog).toContainText("This cannot be undone.");
  await expect(dialog).toContainText("campaign totals stay as they were");
  // "Keep as is" closes it and nothing happens
  await dialog.getByRole("button", { name: "Keep as is" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "Erase customer…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Erase for good" }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByText("Customer erased")).toBeVisible();
  await page.goto(`/customers?q=${phone}`);
  await expect(page.getByRole("link", { name: "Forget Me" })).toHaveCount(0);
  // the number stays blocked: upserting it again gives an unsubscribed customer
  const again = await page.request.post("/api/marketing/customers", {
    headers: { Authorization: `Bearer ${E2E_API_TOKEN}` },
    data: { customers: [{ phone: `+${phone}`, name: "Back Again" }] },
  });
  expect(await again.json()).toMatchObject({ created: 1, kept_unsubscribed: 1 });
});

test("a viewer is not offered erasure", async ({ page }) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/customers");
  await page.locator("a[href^='/customers/']").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Erase customer…" })).toHaveCount(0);
});

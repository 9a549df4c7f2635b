/**
 * The customers table's URL: a page past the last one says so and links to the last page (it said "No
 * customers yet"), and the API's ?reachable=false filters it as the dashboard's ?reachable=no does. A
 * filter given in another case (tier=PREMIUM) shows the option it matched, not "Any".
 */
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("a page past the end links to the last page, and reachable=false filters like reachable=no", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await page.goto("/customers?page=100000");
  await expect(page.getByText("Page 100,000 is past the end")).toBeVisible();
  await expect(page.getByText("No customers yet")).toHaveCount(0);
  await page.getByRole("link", { name: "Go to the last page" }).click();
  await expect(page.getByRole("region", { name: "Customers" })).toBeVisible();
  const last = page.getByRole("navigation", { name: "Pagination" });
  await expect(last).toContainText(/Page ([\d,]+) of \1/);

  await page.goto("/customers?reachable=no");
  const notReachable = await page.getByRole("navigation", { name: "Pagination" }).locator("p").textContent();
  await page.goto("/customers?reachable=false");
  await expect(page.getByLabel("WhatsApp")).toHaveValue("no");
  await expect(page.getByRole("navigation", { name: "Pagination" }).locator("p")).toHaveText(notReachable ?? "");
});

test("a filter in another case shows the option it matched", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await page.goto("/customers?tier=PREMIUM");
  await expect(page.getByLabel("Tier")).toHaveValue("premium");
  // a value no listed option has stays shown as the filter in force
  await page.goto("/customers?tag=no-such-tag-anywhere");
  await expect(page.getByLabel("Tag")).toHaveValue("no-such-tag-anywhere");
});

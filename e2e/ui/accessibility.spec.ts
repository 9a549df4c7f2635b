/**
 * Every page passes an automated accessibility check (axe-core, WCAG 2 A/AA) at desktop and phone widths:
 * no serious or critical violation. Pages are checked as the demo workspace shows them, signed in as an
 * admin (who sees every control), and the sign-in page signed out.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.help}\n    ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join("\n    ")}`);
}

/** The dashboard's pages, with ids of a campaign, a draft and a customer taken from the lists. */
async function dashboardPages(page: Page): Promise<string[]> {
  await page.goto("/campaigns");
  const campaignLinks = await page.locator('a[href^="/campaigns/"]').evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  const campaigns = [...new Set(campaignLinks.filter((h) => /^\/campaigns\/[0-9a-f-]{36}$/.test(h)))];
  await page.goto("/customers");
  const customerLinks = await page.locator('a[href^="/customers/"]').evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  const customer = customerLinks.find((h) => /^\/customers\/[0-9a-f-]{36}$/.test(h));
  expect(campaigns.length).toBeGreaterThan(0);
  expect(customer).toBeTruthy();
  return ["/overview", "/campaigns", "/campaigns/new", ...campaigns.slice(0, 3), `${campaigns[0]}/edit`, "/customers", customer!, "/templates", "/templates/new", "/settings", "/audit", "/api-reference"];
}

for (const size of WIDTHS) {
  test(`no serious accessibility violations on any page (${size.name})`, async ({ page }) => {
    test.setTimeout(600_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    const found: string[] = [];

    await page.goto("/login");
    for (const v of await seriousViolations(page)) found.push(`/login: ${v}`);

    await signIn(page, "admin@example.com");
    for (const path of await dashboardPages(page)) {
      await page.goto(path);
      await page.locator("main").first().waitFor();
      for (const v of await seriousViolations(page)) found.push(`${path}: ${v}`);
    }
    expect(found, found.join("\n")).toEqual([]);
  });
}

import { expect, type Page, type TestInfo } from "@playwright/test";
import { E2E_API_TOKEN } from "../support/env";

export const DEMO_PASSWORD = "campaigns-demo";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/);
}

/**
 * A full-page screenshot into the test's output folder, attached to the report. The focused field is blurred
 * first: a full-page screenshot resizes the viewport to the page and back, and Chromium then scrolls a focused
 * text field into view at the next focus change. On a click that is between mousedown and mouseup, so the
 * mouseup lands elsewhere and the button is never clicked (with reduced motion the scroll is instant).
 */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  try {
    await page.screenshot({ path, fullPage: true, timeout: SNAP_TIMEOUT_MS });
  } catch (error) {
    // Chromium once never produced the full page's frame after a viewport change (a clean-clone CI run:
    // the screenshot waited until the test's timeout, then the context's teardown as long again). A
    // screenshot is for people to look at, asserted by nothing: the viewport's own frame is taken instead,
    // and the test says so; a page that cannot give even that fails the test here, in bounded time.
    testInfo.annotations.push({ type: "warning", description: `${name}: the full-page screenshot failed (${error instanceof Error ? error.message.split("\n")[0] : "unknown"}); the viewport's instead` });
    await page.screenshot({ path, timeout: SNAP_TIMEOUT_MS });
  }
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** How long a screenshot may take (a full page takes well under a second here). */
const SNAP_TIMEOUT_MS = 30_000;

/**
 * Creates a draft of the sandbox's summer_sale_personal (header image, first name and a discount) through the
 * REST API, with `extra` fields (target_audience, daily_send_limit, budget …); answers its id.
 */
export async function createSummerSaleCampaign(page: Page, name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; budget: number }> {
  const created = await page.request.post("/api/marketing/campaigns", {
    headers: { Authorization: `Bearer ${E2E_API_TOKEN}` },
    data: {
      name,
      template_name: "summer_sale_personal",
      template_components: [
        { type: "header", parameters: [{ type: "image", image: { link: "https://example.com/banners/sale.jpg" } }] },
        { type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }, { type: "text", text: "30%" }] },
      ],
      ...extra,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  return (await created.json()) as { id: string; budget: number };
}

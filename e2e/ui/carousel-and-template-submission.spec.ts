/**
 * In the browser (sandbox): a marketer composes a carousel campaign card by card while the WhatsApp
 * preview follows, then writes a new template, submits it for review and watches its status change by
 * webhook — the sandbox's review approves it; after an edit, Meta's REJECTED webhook (signed as Meta
 * signs it) shows the rejection reason.
 */
import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_API_TOKEN, E2E_APP_SECRET } from "../support/env";
import { signIn, snap } from "./helpers";

const run = Date.now().toString(36);

test("composes a carousel campaign with a live preview, and submits a new template whose status then changes by webhook", async ({ page }, testInfo) => {
  // two status changes wait on webhooks; the shared machine can be slow
  test.setTimeout(300_000);
  await signIn(page, "marketer@example.com");

  // the shop's image host: the coat's picture is missing, the others load
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAFhAJ/wlseKgAAAABJRU5ErkJggg==", "base64");
  await page.route("https://cdn.example.com/**", (route) =>
    route.request().url().endsWith("/coat.jpg") ? route.fulfill({ status: 404, body: "not found" }) : route.fulfill({ status: 200, contentType: "image/png", body: png }),
  );

  // a carousel campaign: one field group per card, each card previewed as it is filled
  await page.goto("/campaigns/new");
  await page.getByLabel("Name", { exact: true }).fill(`Autumn carousel ${run}`);
  await page.getByTestId("template-picker").getByLabel("Search templates").fill("autumn");
  await page.getByTestId("template-option-autumn_picks_carousel").click();
  const preview = page.getByTestId("template-preview");
  await expect(preview.getByTestId("preview-carousel")).toBeVisible();
  await expect(page.getByTestId("template-problems")).toContainText("card 0: the header image needs a link");
  // every value starts empty (the template's samples are only placeholders): the greeting by first name, each card's values
  await page.locator("#tpl-body-1-mode").selectOption("variable");
  await page.locator("#tpl-body-1-fallback").fill("there");
  for (const [i, [item, price]] of [["coat", "$89"], ["boots", "$120"], ["scarf", "$25"]].entries()) {
    await page.locator(`#tpl-card-${i}-header-text`).fill(`https://cdn.example.com/${item}.jpg`);
    await page.locator(`#tpl-card-${i}-body-1-text`).fill(`Wool ${item}`);
    await page.locator(`#tpl-card-${i}-body-2-text`).fill(price);
    await page.locator(`#tpl-card-${i}-button-0-text`).fill(item);
  }
  await expect(preview.getByTestId("preview-card-0")).toContainText("Wool coat, now $89");
  await expect(preview.getByTestId("preview-card-1")).toContainText("Wool boots, now $120");
  await expect(preview.getByTestId("preview-card-2-header-image")).toHaveAttribute("src", "https://cdn.example.com/scarf.jpg");
  // an image that cannot load is a placeholder that says so, not a broken-image box
  await expect(preview.getByTestId("preview-card-0-header-image")).toHaveCount(0);
  await expect(preview.getByTestId("preview-card-0-header-image-missing")).toContainText("Image could not be loaded");
  await expect(preview.getByTestId("preview-card-0-header-image-missing")).toContainText("coat.jpg");
  await expect(preview.getByTestId("preview-card-1-header-image")).toBeVisible();
  await expect(preview).toContainText("https://shop.example.com/p/boots");
  await expect(page.getByTestId("template-problems")).toHaveCount(0);
  await snap(page, testInfo, "carousel-01-composer");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}\?saved=1/);
  await expect(page.getByTestId("campaign-template").getByTestId("preview-card-1")).toContainText("Wool boots, now $120");
  // rendered on the server, the image fails before the page is interactive: still the placeholder
  await expect(page.getByTestId("campaign-template").getByTestId("preview-card-0-header-image-missing")).toBeVisible();
  await expect(page.getByTestId("campaign-template").getByTestId("preview-card-2-header-image")).toBeVisible();

  // a new template: samples for each variable, the preview filled with them, submitted for review
  const name = `spring_launch_${run}`;
  await page.goto("/templates/new");
  await page.getByLabel("Template name").fill(name);
  await page.getByLabel("Body", { exact: true }).fill("Hi {{1}}, the spring range is in: {{2}} off until Sunday.");
  await page.getByLabel("Sample for {{1}}").fill("Maria");
  await expect(page.getByTestId("template-builder").getByTestId("preview-body")).toContainText("Hi Maria, the spring range is in: {{2}} off");
  await page.getByLabel("Sample for {{2}}").fill("20%");
  await expect(page.getByTestId("template-builder").getByTestId("preview-body")).toHaveText("Hi Maria, the spring range is in: 20% off until Sunday.");
  await page.getByLabel("Footer").fill("Reply STOP to unsubscribe");
  await page.getByRole("button", { name: "+ Quick reply" }).click();
  await page.getByLabel("Button text").fill("Stop promotions");
  await snap(page, testInfo, "carousel-02-template-builder");
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page).toHaveURL(/\/templates\?submitted=/);
  const row = page.getByTestId(`template-row-${name}`);
  await expect(row.getByTestId("template-status")).toHaveText("Pending");

  // the sandbox's review answers with Meta's status webhook
  await expect(async () => {
    await page.reload();
    await expect(row.getByTestId("template-status")).toHaveText("Approved", { timeout: 1000 });
  }).toPass({ timeout: 45_000, intervals: [2000] });

  // an edit goes back to review; Meta's decision arrives by its signed webhook, with the reason
  await row.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Body", { exact: true }).fill("Hi {{1}}, the spring range is in: {{2}} off. LAST CHANCE!!!");
  await page.getByRole("button", { name: "Submit edit for review" }).click();
  await expect(page).toHaveURL(/\/templates\?submitted=/);
  await expect(row.getByTestId("template-status")).toHaveText("Pending");
  const library = await page.request.get(`/api/marketing/templates?status=ALL&search=${name}`, { headers: { Authorization: `Bearer ${E2E_API_TOKEN}` } });
  const metaId = ((await library.json()) as { templates: Array<{ name: string; meta_id: string }> }).templates.find((t) => t.name === name)!.meta_id;
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{
      id: "200000000000000",
      // Meta decides after the sandbox would have: a later entry time wins
      time: Math.floor(Date.now() / 1000) + 3600,
      changes: [{ field: "message_template_status_update", value: { event: "REJECTED", message_template_id: Number(metaId), message_template_name: name, message_template_language: "en_US", reason: "INVALID_FORMAT", message_template_category: "MARKETING" } }],
    }],
  });
  const signature = `sha256=${createHmac("sha256", E2E_APP_SECRET).update(body).digest("hex")}`;
  const delivered = await page.request.post("/api/whatsapp/webhook", { data: body, headers: { "content-type": "application/json", "x-hub-signature-256": signature } });
  expect(delivered.status()).toBe(200);
  await expect(async () => {
    await page.reload();
    await expect(row.getByTestId("template-status")).toHaveText("Rejected", { timeout: 1000 });
  }).toPass({ timeout: 30_000, intervals: [1000] });
  await expect(row.getByTestId("template-reason")).toHaveText("INVALID_FORMAT");
  await snap(page, testInfo, "carousel-03-template-rejected");
});

/**
 * The template builder: the first click on "Submit for review" straight from an invalid field is not lost.
 * Leaving the field used to show its error between the button's press and release, which pushed the button
 * down and swallowed the click (QA); now the submit itself checks every field and moves focus to the first.
 */
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("Submit for review from an invalid footer flags every field at once, on the first click", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "marketer@example.com");
  await page.goto("/templates/new");
  await page.getByLabel("Body", { exact: true }).fill("Body");
  const footer = page.getByLabel("Footer");
  await footer.fill("Footer {{1}}");
  // straight from the footer to the button, pressed and released as a person does, a moment apart, at the
  // point where the button was when pressed
  const box = (await page.getByRole("button", { name: "Submit for review" }).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(300);
  await page.mouse.up();
  const name = page.getByLabel("Template name");
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toBeFocused();
  await expect(footer).toHaveAttribute("aria-invalid", "true");
  await expect(footer).toHaveAccessibleDescription(/the footer cannot have variables/);
  await expect(page).toHaveURL(/\/templates\/new$/);
});

/**
 * Every page passes an automated accessibility check (axe-core: WCAG 2 A/AA and axe's best practices, such
 * as heading order and named table headers) at desktop and phone widths: no violation of any impact. Every
 * route under app/(dashboard) is visited once per width — a campaign page for each state that shows
 * different controls (active, paused, draft), one whose message preview has a link button, and an A/B
 * draft this spec creates — as the demo workspace shows it, signed in as an admin (who sees every
 * control); the sign-in page signed out; the activation and pause dialogs open.
 * Charts' "Show data" tables and the API reference's examples are opened first, so they are checked too. Each page also loads without a
 * Content-Security-Policy violation (zod's eval probe, for one: lib/zod.ts).
 *
 * Each width shares one signed-in browser context across its pages; each page is its own test, so the
 * tests run in parallel when Playwright is given more than one worker.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { E2E_API_TOKEN, E2E_BASE_URL } from "../support/env";
import { DEMO_PASSWORD, signIn } from "./helpers";

// one page per test; a generous timeout: axe on a long page takes seconds, several times that on a loaded 2-core machine
test.describe.configure({ mode: "parallel", timeout: 240_000 });

const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Every page of app/(dashboard); `:campaign-…`, `:customer` and `:template` stand for ids from the demo. */
const ROUTES = [
  "/overview",
  "/campaigns",
  "/campaigns/new",
  "/campaigns/:campaign-active",
  "/campaigns/:campaign-paused",
  "/campaigns/:campaign-draft",
  "/campaigns/:campaign-draft/edit",
  // the message preview with buttons, one a link (the demo's Summer Sale)
  "/campaigns/:campaign-buttons",
  // an A/B test: the variants compared beside the cost estimate (a draft this spec creates)
  "/campaigns/:campaign-ab",
  "/customers",
  "/customers/new",
  "/customers/:customer",
  "/customers/:customer/edit",
  // a customer marked not reachable on WhatsApp (the demo's history counts its 131026 failures), and the list's filter
  "/customers/:customer-unreachable",
  "/customers?reachable=no",
  "/templates",
  "/templates/new",
  "/templates/:template/edit",
  "/settings",
  "/audit",
  "/api-reference",
] as const;

async function violations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .options({ resultTypes: ["violations"] }) // passes are not needed: less to collect and return
    // axe.run in the page itself. The default runs axe.runPartial in each frame and then axe.finishRun in a
    // new blank page, handing it every node's partial results: 2.5× the time for the same violations (API
    // reference 14 s against 5.6 s, an active campaign 3.7 s against 1.4 s). What legacy mode gives up is
    // cross-origin frames, and the app has no frames.
    .setLegacyMode(true)
    .analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.help}\n    ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join("\n    ")}`);
}

/** A signed-in admin's context at one width, and the demo's ids the routes need (read from the API with the session). */
async function signedIn(browser: Browser, size: (typeof WIDTHS)[number]) {
  const context = await browser.newContext({ baseURL: E2E_BASE_URL, viewport: { width: size.width, height: size.height }});
  // what the CSP refused, reported by each page (cleared before each test's page)
  const csp: string[] = [];
  await context.exposeFunction("__cspViolation", (v: string) => csp.push(v));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(`${location.pathname}: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  // errors thrown in the page: a hydration mismatch (React's #418) re-renders the whole page on the client and
  // drops what the user typed meanwhile (a country name that Node and Chromium spell differently did)
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(`${new URL(page.url()).pathname}: ${e.message.slice(0, 200)}`));
  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview$/);
  const json = async <T,>(path: string) => {
    const res = await context.request.get(path);
    expect(res.status(), path).toBe(200);
    return (await res.json()) as T;
  };
  const [campaigns, customers, unreachable, templates] = await Promise.all([
    json<Array<{ id: string; status: string; template_name: string }>>("/api/marketing/campaigns?limit=100"),
    json<{ customers: Array<{ id: string }> }>("/api/marketing/customers?limit=1"),
    json<{ customers: Array<{ id: string }> }>("/api/marketing/customers?limit=1&reachable=false"),
    json<{ templates: Array<{ id: string; name: string; status: string; components: unknown }> }>("/api/marketing/templates"),
  ]);
  const withButtons = new Set(templates.templates.filter((t) => JSON.stringify(t.components ?? null).includes('"URL"')).map((t) => t.name));
  const ids: Record<string, string | undefined> = {
    customer: customers.customers[0]?.id,
    "customer-unreachable": unreachable.customers[0]?.id,
    template: templates.templates.find((t) => t.status === "APPROVED")?.id,
  };
  // the demo's own campaigns, whatever other specs created before: the list is newest first, the demo's are the oldest
  for (const status of ["active", "paused", "draft"]) ids[`campaign-${status}`] = campaigns.findLast((c) => c.status === status)?.id;
  ids["campaign-buttons"] = campaigns.find((c) => withButtons.has(c.template_name))?.id;
  ids["campaign-ab"] = await abDraft(context, size.name);
  return { context, page, ids, csp, pageErrors };
}

/** A route with its `:key`s replaced by the ids signedIn found (each one must exist). */
function pathOf(route: string, ids: Record<string, string | undefined>): string {
  return route.replace(/:([a-z-]+)/g, (_, key: string) => {
    expect(ids[key], `the demo has a ${key}`).toBeTruthy();
    return ids[key]!;
  });
}

/** An A/B draft of two sandbox templates with a few recipients, through the REST API (once per width: each has its own). */
async function abDraft(context: BrowserContext, width: string): Promise<string> {
  const image = (link: string) => ({ type: "header", parameters: [{ type: "image", image: { link } }] });
  const body = (discount: string) => ({ type: "body", parameters: [{ type: "text", text: "friend" }, { type: "text", text: discount }] });
  const created = await context.request.post("/api/marketing/campaigns", {
    headers: { Authorization: `Bearer ${E2E_API_TOKEN}` },
    data: {
      name: `E2E a11y A/B ${width} ${Date.now().toString(36)}`,
      variants: [
        { name: "Flash", template_name: "flash_sale", share: 50, template_components: [image("https://example.com/flash.jpg"), body("25%")] },
        { name: "VIP", template_name: "vip_early_access", share: 50, template_components: [image("https://example.com/vip.jpg"), body("30%")] },
      ],
      ab_test: { test_share: 25, decide_after_hours: 12, metric: "read_rate" },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  // recipients, so the page also shows their split and the cost estimate by market
  const added = await context.request.post(`/api/marketing/campaigns/${id}/recipients`, {
    headers: { Authorization: `Bearer ${E2E_API_TOKEN}` },
    data: { phone_numbers: ["+1 415 555 0171", "+1 415 555 0172", "+44 7700 900171", "+49 151 12345171"] },
  });
  expect(added.ok(), await added.text()).toBe(true);
  return id;
}

for (const size of WIDTHS) {
  test.describe(size.name, () => {
    let session: Awaited<ReturnType<typeof signedIn>> | null = null;
    let context: BrowserContext | null = null;
    test.beforeAll(async ({ browser }) => {
      session = await signedIn(browser, size);
      context = session.context;
    });
    test.afterAll(async () => {
      await context?.close();
    });

    test(`/login, signed out (${size.name})`, async ({ browser }) => {
      const signedOut = await browser.newContext({ baseURL: E2E_BASE_URL, viewport: { width: size.width, height: size.height }});
      const page = await signedOut.newPage();
      await page.goto("/login");
      const found = await violations(page);
      await signedOut.close();
      expect(found, found.join("\n")).toEqual([]);
    });

    // dialogs are checked open: activating the A/B draft (its recipients give a preview of days and cost), pausing
    // (each once its content has loaded: the activation's preview comes after the dialog)
    const dialogs = [["/campaigns/:campaign-ab", "Activate", "activation-preview"], ["/campaigns/:campaign-active", "Pause", null]] as const;
    for (const [route, button, loaded] of dialogs) {
      test(`${route}, ${button} dialog (${size.name})`, async () => {
        const { page, ids, csp } = session!;
        csp.length = 0;
        await page.goto(pathOf(route, ids));
        await page.getByRole("button", { name: button, exact: true }).click();
        await expect(page.getByRole("dialog")).toBeVisible();
        if (loaded) await expect(page.getByRole("dialog").getByTestId(loaded)).toBeVisible();
        const found = await violations(page);
        expect(found, `${route}, ${button} dialog:\n${found.join("\n")}`).toEqual([]);
        expect(csp, "Content-Security-Policy violations").toEqual([]);
      });
    }

    for (const route of ROUTES) {
      test(`${route} (${size.name})`, async () => {
        const { page, ids, csp, pageErrors } = session!;
        csp.length = 0;
        pageErrors.length = 0;
        const path = pathOf(route, ids);
        await page.goto(path);
        await page.locator("main").first().waitFor();
        // the route's own content, not its loading.tsx skeleton (a status region, aria-busy, without the page's
        // h1): axe once ran on the skeleton of a customer's edit page on a slow machine
        await expect(page.locator('main [role="status"][aria-busy="true"]')).toHaveCount(0);
        // charts' data tables and the API reference's examples are part of the page: check them open (an
        // example's code block is wider than a phone: it must be focusable and named to be scrolled by keyboard)
        await page.locator('[data-testid="chart-data"], [data-testid="api-example"]').evaluateAll((ds) => ds.forEach((d) => d.setAttribute("open", "")));
        const found = await violations(page);
        expect(found, `${path}:\n${found.join("\n")}`).toEqual([]);
        expect(csp, "Content-Security-Policy violations").toEqual([]);
        // (axe has run meanwhile: the page has hydrated)
        expect(pageErrors, "errors in the page (a hydration mismatch is React's #418)").toEqual([]);
      });
    }
  });
}

/** Every aria-describedby on the page that names an id no element has (a description a screen reader cannot find). */
async function danglingDescriptions(page: Page) {
  return page.locator("[aria-describedby]").evaluateAll((els) =>
    els.flatMap((el) => (el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((id) => id && !document.getElementById(id)).map((id) => `${el.id || el.tagName}: ${id}`)),
  );
}

test.describe("forms, by keyboard and screen reader", () => {
  test("sign-in refuses empty fields beside them, without asking the server", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: E2E_BASE_URL });
    const page = await context.newPage();
    await page.goto("/login");
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    await page.getByRole("button", { name: "Sign in" }).click();
    const email = page.getByLabel("Email");
    await expect(email).toHaveAttribute("aria-invalid", "true");
    await expect(email).toHaveAccessibleDescription("Enter your email address.");
    await expect(email).toBeFocused();
    await expect(page.getByLabel("Password")).toHaveAccessibleDescription("Enter your password.");
    await email.fill("admin@example.com");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByLabel("Password")).toBeFocused();
    await expect(email).not.toHaveAttribute("aria-invalid", "true");
    expect(posts, "no request for empty fields").toEqual([]);
    await context.close();
  });

  test("a refused campaign save marks the template picker and an emptied number, and focuses the first", async ({ page }) => {
    await signIn(page, "admin@example.com");
    await page.goto("/campaigns/new");
    expect(await danglingDescriptions(page)).toEqual([]);
    await page.getByLabel("Name", { exact: true }).fill(`E2E refused ${Date.now().toString(36)}`);
    await page.getByLabel("Daily limit", { exact: true }).fill("");
    await page.getByRole("button", { name: "Create draft" }).click();
    const limit = page.getByLabel("Daily limit", { exact: true });
    // the first invalid field, in the form's order, has focus; its hint stays beside the error
    await expect(limit).toBeFocused();
    await expect(limit).toHaveAttribute("aria-invalid", "true");
    await expect(limit).toHaveAccessibleDescription(/Messages per day.*Required/);
    const search = page.getByLabel("Search templates");
    await expect(search).toHaveAttribute("aria-invalid", "true");
    await expect(search).toHaveAccessibleDescription("Pick a template from the library.");
    await expect(page.getByTestId("template-picker").getByText("Pick a template from the library.")).toBeVisible();
    expect(await danglingDescriptions(page)).toEqual([]);
    await expect(page).toHaveURL(/\/campaigns\/new$/);
  });

  test("a refused number in the sending settings is marked, keeps its unit and gets focus", async ({ page }) => {
    await signIn(page, "admin@example.com");
    await page.goto("/settings");
    expect(await danglingDescriptions(page)).toEqual([]);
    const pct = page.getByLabel("Pause above", { exact: true });
    // a value typed before the page is interactive is replaced by its state: again until the save is refused
    await expect(async () => {
      await pct.fill("0");
      await page.getByRole("button", { name: "Save sending settings" }).click();
      await expect(pct).toHaveAttribute("aria-invalid", "true", { timeout: 3_000 });
    }).toPass();
    await expect(pct).toBeFocused();
    await expect(pct).toHaveAccessibleDescription(/% failed.*more than 0/);
    expect(await danglingDescriptions(page)).toEqual([]);
  });

  test("settings forms refuse a bad endpoint URL and an empty new user beside their fields, not with the browser's bubbles", async ({ page }) => {
    await signIn(page, "admin@example.com");
    await page.goto("/settings");
    const url = page.getByLabel("Endpoint URL", { exact: true });
    // a value typed before the page is interactive is replaced by its state: again until the save is refused
    await expect(async () => {
      await url.fill("not a url");
      await page.getByRole("button", { name: "Add endpoint" }).click();
      await expect(url).toHaveAttribute("aria-invalid", "true", { timeout: 3_000 });
    }).toPass();
    await expect(url).toBeFocused();
    await expect(url).toHaveAccessibleDescription(/URL/);
    await expect(url).toHaveValue("not a url");
    expect(await danglingDescriptions(page)).toEqual([]);

    await page.getByRole("button", { name: "Add user" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a user" });
    await dialog.getByRole("button", { name: "Add user" }).click();
    const email = dialog.getByLabel("Email", { exact: true });
    await expect(email).toHaveAttribute("aria-invalid", "true");
    await expect(email).toBeFocused();
    await expect(dialog.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
    expect(await danglingDescriptions(page)).toEqual([]);
  });

  test("the template builder keeps Submit in reach and shows errors on submit, focusing the first", async ({ page }) => {
    await signIn(page, "admin@example.com");
    await page.goto("/templates/new");
    expect(await danglingDescriptions(page)).toEqual([]);
    await page.getByLabel("Body", { exact: true }).fill("H");
    const submit = page.getByRole("button", { name: "Submit for review" });
    await expect(submit).toBeEnabled();
    await expect(page.getByTestId("template-builder").getByRole("alert")).toHaveCount(0);
    await submit.click();
    const name = page.getByLabel("Template name", { exact: true });
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await expect(name).toBeFocused();
    expect(await danglingDescriptions(page)).toEqual([]);
  });
});

/**
 * A first deploy: the production build, configured only by environment variables, on an empty database.
 * The admin from ADMIN_EMAIL / ADMIN_PASSWORD signs in and finds an empty workspace; the same start
 * without a WhatsApp access token refuses to run, naming the variable.
 */
import { expect, test } from "@playwright/test";
import {
  DEPLOY_ADMIN_EMAIL,
  DEPLOY_ADMIN_PASSWORD,
  DEPLOY_URL,
  deployEnv,
  startDeployDatabase,
  startProdServer,
  waitUntilServing,
  type DeployDatabase,
} from "./prod-server";

test.describe.configure({ mode: "serial" });

let database: DeployDatabase;

test.beforeAll(async () => {
  database = await startDeployDatabase();
});
test.afterAll(async () => {
  await database?.stop();
});

test("next start with only environment variables: the first admin signs in to an empty dashboard", async ({ page }) => {
  const server = startProdServer(deployEnv(database.url));
  // a CSP the pages do not work with shows up as console errors / violation reports
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  try {
    await waitUntilServing(server);
    await page.exposeFunction("__cspViolation", (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const first = await page.goto(`${DEPLOY_URL}/`);
    const headers = first!.headers();
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["x-frame-options"]).toBe("DENY");
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("Email").fill(DEPLOY_ADMIN_EMAIL);
    await page.getByLabel("Password").fill(DEPLOY_ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${DEPLOY_URL}/overview`);
    // the empty dashboard of a fresh workspace, signed in as the configured admin, with the Cloud API (no sandbox)
    await expect(page.getByText("No active campaigns")).toBeVisible();
    await expect(page.getByText("Nothing in flight")).toBeVisible();
    await expect(page.getByTestId("sandbox-banner")).toHaveCount(0);
    await page.goto(`${DEPLOY_URL}/campaigns`);
    await expect(page.getByText("No campaigns yet")).toBeVisible();
    await page.goto(`${DEPLOY_URL}/customers`);
    await expect(page.getByText("No customers yet")).toBeVisible();
    await page.goto(`${DEPLOY_URL}/settings`);
    await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
    await page.goto(`${DEPLOY_URL}/campaigns/new`);
    await expect(page.getByLabel("Name").first()).toBeVisible();
    expect(violations).toEqual([]);
    expect(server.output()).toContain(`Created the first admin ${DEPLOY_ADMIN_EMAIL}`);
  } finally {
    await server.stop();
  }
});

test("the same start without WHATSAPP_ACCESS_TOKEN stops with one message naming it", async () => {
  const env = deployEnv(database.url);
  delete env.WHATSAPP_ACCESS_TOKEN;
  const server = startProdServer(env);
  try {
    const code = await Promise.race([server.exited, new Promise<"running">((r) => setTimeout(() => r("running"), 60_000))]);
    expect(code, server.output()).not.toBe("running");
    expect(code).not.toBe(0);
    expect(server.output()).toContain("Missing environment variables for production: WHATSAPP_ACCESS_TOKEN.");
    expect(server.output()).toContain("SANDBOX=1");
  } finally {
    await server.stop();
  }
});

import { defineConfig } from "@playwright/test";
import { E2E_BASE_URL } from "./e2e/support/env";

// Debian's Chromium at /usr/bin/chromium: Playwright's own browser download cannot run on these offline machines.
const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  },
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 90_000,
  // the whole run (~5 min on a clean clone here): a browser that wedges fails the suite in bounded time
  // instead of holding CI (a test's own timeout, and then its teardown's, can each be up to 10 minutes)
  globalTimeout: 25 * 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // the ui specs share one server and its demo data: one at a time; the deploy spec (its own server and
  // database) runs beside them
  workers: 2,
  retries: 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  // browsers that ask for less motion (app/globals.css stills every animation): the live dot's endless ping
  // and skeletons' pulse are repainted in software on every frame otherwise, 10–15% of the stories' CPU
  // (contexts a spec makes with browser.newContext() inherit it, like every option here)
  use: { baseURL: E2E_BASE_URL, reducedMotion: "reduce", trace: "retain-on-failure", screenshot: "only-on-failure" },
  webServer: {
    command: "npx tsx e2e/support/server.ts",
    url: `${E2E_BASE_URL}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
  projects: [
    { name: "api", testDir: "e2e/api", use: { ...chromium } },
    { name: "ui", testDir: "e2e/ui", workers: 1, use: { ...chromium, viewport: { width: 1280, height: 800 } } },
    // a first deploy: its spec starts its own production server (e2e/deploy/prod-server.ts, ports E2E_PORT + 1)
    { name: "deploy", testDir: "e2e/deploy", use: { ...chromium, viewport: { width: 1280, height: 800 } } },
  ],
});

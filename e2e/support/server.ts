/**
 * Playwright's webServer: a throw-away embedded PostgreSQL with the demo workspace, and the production
 * build (`next build` ran before, see scripts/test.ts) served by `next start`.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb } from "@/lib/db";
import { seedDemo } from "@/lib/demo/seed-demo";
import { ensureDatabase, startEmbeddedPostgres } from "../../scripts/embedded-postgres";
import { E2E_PG_PORT, E2E_PORT, e2eServerEnv } from "./env";

if (!fs.existsSync(".next/BUILD_ID")) {
  console.error("No production build: run `npx next build` first (npm test does).");
  process.exit(1);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wac-e2e-pg-"));
const pg = await startEmbeddedPostgres({ dir: path.join(tmp, "data"), port: E2E_PG_PORT, persistent: false });
await ensureDatabase(pg.url("postgres"), "wac_e2e");
const env: NodeJS.ProcessEnv = { ...process.env, ...e2eServerEnv, NODE_ENV: "production" };
const migrate = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], { env, encoding: "utf8" });
if (migrate.status !== 0) {
  console.error(migrate.stdout, migrate.stderr);
  process.exit(1);
}
const db = createDb(e2eServerEnv.DATABASE_URL);
await seedDemo({ db, now: new Date(), timezone: "UTC" });
await db.$disconnect();

const next = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(E2E_PORT)], { stdio: "inherit", env });
const shutdown = async () => {
  next.kill("SIGTERM");
  await pg.stop().catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
next.on("exit", () => void shutdown());

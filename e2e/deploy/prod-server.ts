/**
 * A production start exactly as a first deploy does it: the production build served by `next start` with
 * NODE_ENV=production, configured only by environment variables, against a fresh, migrated, empty
 * database (no seed). Its own ports: E2E_PORT + 1 for the app, E2E_PG_PORT + 1 for PostgreSQL.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from "../../scripts/embedded-postgres";
import { E2E_PG_PORT, E2E_PORT } from "../support/env";

export const DEPLOY_PORT = E2E_PORT + 1;
export const DEPLOY_PG_PORT = E2E_PG_PORT + 1;
export const DEPLOY_URL = `http://localhost:${DEPLOY_PORT}`;
export const DEPLOY_ADMIN_EMAIL = "owner@shop.example";
export const DEPLOY_ADMIN_PASSWORD = "first-deploy-password-42";

/** The variables a first deploy sets (README, "Deploying to Vercel"); WhatsApp points nowhere reachable. */
export function deployEnv(databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: "deploy-auth-secret-0123456789abcdef0123456789",
    CRON_SECRET: "deploy-cron-secret-0123456789abcdef012345",
    WHATSAPP_ACCESS_TOKEN: "EAAG-deploy-test-token-0123456789abcdef0123",
    WHATSAPP_PHONE_NUMBER_ID: "109876543210",
    WHATSAPP_APP_SECRET: "0123456789abcdef0123456789abcdef",
    WHATSAPP_VERIFY_TOKEN: "deploy-verify-token-0123456789abcdef",
    WHATSAPP_API_URL: "http://127.0.0.1:9",
    ADMIN_EMAIL: DEPLOY_ADMIN_EMAIL,
    ADMIN_PASSWORD: DEPLOY_ADMIN_PASSWORD,
    NEXTAUTH_URL: DEPLOY_URL,
    // the test talks plain http to localhost: cookies without the Secure flag
    INSECURE_COOKIES: "1",
  };
}

export type DeployDatabase = { url: string; stop: () => Promise<void> };

/** A fresh embedded PostgreSQL with one empty, migrated database. */
export async function startDeployDatabase(): Promise<DeployDatabase> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wac-deploy-pg-"));
  const pg: RunningPostgres = await startEmbeddedPostgres({ dir: path.join(tmp, "data"), port: DEPLOY_PG_PORT, persistent: false, quiet: true });
  await ensureDatabase(pg.url("postgres"), "wac_deploy");
  const url = pg.url("wac_deploy");
  const migrate = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrate deploy failed:\n${migrate.stdout}\n${migrate.stderr}`);
  return {
    url,
    stop: async () => {
      await pg.stop().catch(() => {});
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export type ProdServer = { child: ChildProcess; output: () => string; exited: Promise<number | null>; stop: () => Promise<void> };

/** `next start` with exactly `env` (plus PATH and HOME): no inherited configuration. */
export function startProdServer(env: Record<string, string>): ProdServer {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npx next build` first (npm test does).");
  let output = "";
  const childEnv: NodeJS.ProcessEnv = { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), ...env };
  const child: ChildProcess = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(DEPLOY_PORT)], {
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code: number | null) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** Resolves once the server answers /login; rejects with its output when it exits first. */
export async function waitUntilServing(server: ProdServer, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`next start exited before serving:\n${server.output()}`);
    try {
      const res = await fetch(`${DEPLOY_URL}/login`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`next start did not serve /login within ${timeoutMs} ms:\n${server.output()}`);
}

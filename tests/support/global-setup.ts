/**
 * Integration tests run against a real PostgreSQL: DATABASE_URL's server when given, otherwise a
 * throw-away embedded cluster. Migrations are applied once to a template database; every test file
 * gets its own database cloned from it (tests/support/db.ts), which takes milliseconds.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from "../../scripts/embedded-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

let server: RunningPostgres | undefined;
let tmpDir: string | undefined;

export function migrateDatabase(url: string) {
  execFileSync(process.execPath, [path.resolve("scripts/prisma.mjs"), "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
}

export default async function setup(project: TestProject) {
  let adminUrl: string;
  if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) {
    const u = new URL((process.env.TEST_DATABASE_URL || process.env.DATABASE_URL)!);
    u.pathname = "/postgres";
    adminUrl = u.toString();
  } else {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "wac-test-pg-"));
    server = await startEmbeddedPostgres({ dir: path.join(tmpDir, "data"), persistent: false, logFile: process.env.WAC_TEST_PG_LOG });
    adminUrl = server.url("postgres");
  }
  const template = `wac_template_${process.pid}`;
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.end();
  await ensureDatabase(adminUrl, template);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  migrateDatabase(templateUrl.toString());

  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);

  return async () => {
    if (server) await server.stop().catch(() => {});
    else {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${template} with (force)`).catch(() => {});
      await c.end();
    }
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  };
}

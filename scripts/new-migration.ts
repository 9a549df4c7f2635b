/**
 * npm run db:new-migration <name>
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema as
 * last committed (git HEAD) and prisma/schema.prisma. (`prisma migrate dev` needs a shadow database and
 * does not work with the JS engine.) Hand-written SQL (triggers, CHECKs) can be appended to the file.
 * `prisma migrate diff` connects through the adapter, so a throw-away embedded PostgreSQL is started.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:new-migration <name>");
  process.exit(2);
}
const previous = path.join(os.tmpdir(), `schema-head-${process.pid}.prisma`);
try {
  fs.writeFileSync(previous, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));
} catch {
  fs.rmSync(previous, { force: true });
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wac-migrate-"));
const pg = await startEmbeddedPostgres({ dir: path.join(tmp, "data"), persistent: false });
try {
  const from = fs.existsSync(previous) ? ["--from-schema-datamodel", previous] : ["--from-empty"];
  const result = spawnSync(
    process.execPath,
    ["scripts/prisma.mjs", "migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { env: { ...process.env, DATABASE_URL: pg.url("postgres") }, encoding: "utf8" },
  );
  if (result.status !== 0) {
    console.error(result.stderr);
    process.exit(1);
  }
  const sql = result.stdout.trim();
  if (!sql || /^-- This is an empty migration/.test(sql)) {
    console.log("The schema did not change: no migration written.");
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    // no ';' inside SQL comments: keep the file friendly to statement splitters
    fs.writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
    console.log(`Wrote ${dir}/migration.sql`);
  }
} finally {
  await pg.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(previous, { force: true });
}

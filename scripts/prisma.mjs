#!/usr/bin/env node
// Runs the Prisma CLI (npm scripts, the dev server, tests and Vercel's build command). `prisma generate` and
// `migrate diff` need no database, but Prisma 6 reads env("DATABASE_URL") from the schema, so a placeholder
// is supplied when none is set (a command that needs the database then says it cannot reach it).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
// a finished command exits at once instead of 10 s later (see the preload)
const preload = fileURLToPath(new URL("./prisma-cli-preload.cjs", import.meta.url));
const env = { ...process.env };
if (!env.DATABASE_URL) env.DATABASE_URL = "postgresql://placeholder@127.0.0.1:5432/placeholder";
const result = spawnSync(process.execPath, ["--require", preload, cli, ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(result.status ?? 1);

/**
 * `npm run dev`: with no DATABASE_URL, starts an embedded PostgreSQL (data under .data/, kept between
 * runs), applies migrations, loads the demo workspace into an empty database, prints the login and
 * runs `next dev` on http://localhost:3000. With DATABASE_URL set, uses that database and seeds only
 * when SEED_DEMO=1.
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { createDb } from "@/lib/db";
import { EnvError, isSandbox, parseEnv } from "@/lib/env";
import { AppError } from "@/lib/marketing/errors";
import { ensureFirstAdmin } from "@/lib/marketing/users/ensure-first-admin";
import { DEMO_PASSWORD, DEMO_USERS, demoSeedRefusal, isDatabaseEmpty, seedDemo } from "@/lib/demo/seed-demo";
import { EmbeddedPostgresError, ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from "./embedded-postgres";

const DEV_PG_PORT = Number(process.env.DEV_PG_PORT ?? 54329);
const DEV_DB = "whatsapp_campaigns";

async function main() {
  let pg: RunningPostgres | undefined;
  const embedded = !process.env.DATABASE_URL;
  if (embedded) {
    console.log(`Starting the embedded PostgreSQL (data in .data/pg, port ${DEV_PG_PORT})…`);
    pg = await startEmbeddedPostgres({ dir: path.resolve(".data/pg"), port: DEV_PG_PORT, persistent: true });
    await ensureDatabase(pg.url("postgres"), DEV_DB);
    process.env.DATABASE_URL = pg.url(DEV_DB);
  }
  const env = parseEnv(process.env);

  console.log("Applying migrations…");
  const migrate = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], { stdio: "pipe", encoding: "utf8", env: process.env });
  if (migrate.status !== 0) {
    console.error(migrate.stdout, migrate.stderr);
    process.exit(1);
  }

  const db = createDb(process.env.DATABASE_URL!);
  let login = "";
  if ((embedded || process.env.SEED_DEMO === "1") && (await isDatabaseEmpty(db))) {
    const refusal = demoSeedRefusal({ env: process.env, argv: process.argv });
    if (refusal) console.log(refusal);
    else {
      console.log("Loading the demo workspace…");
      await seedDemo({ db, now: new Date(), timezone: env.CAMPAIGN_TIMEZONE });
    }
  }
  if (env.ADMIN_EMAIL || env.ADMIN_PASSWORD) {
    await ensureFirstAdmin({ db, now: new Date(), email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD });
  }
  const demoAdmin = await db.user.findUnique({ where: { email: DEMO_USERS[0].email } });
  if (demoAdmin) login = `${DEMO_USERS[0].email} / ${DEMO_PASSWORD}  (also marketer@example.com and viewer@example.com, same password)`;
  else if (env.ADMIN_EMAIL) login = `${env.ADMIN_EMAIL} / (ADMIN_PASSWORD)`;
  await db.$disconnect();

  const port = process.env.PORT ?? "3000";
  console.log("");
  console.log("  WhatsApp Campaigns is starting on http://localhost:" + port);
  if (login) console.log("  Sign in: " + login);
  if (isSandbox(env)) console.log("  WhatsApp: sandbox (SANDBOX=1 or no WHATSAPP_ACCESS_TOKEN): sends are simulated, statuses arrive on their own.");
  console.log("");

  const next = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "dev", "-p", port], {
    stdio: "inherit",
    env: { ...process.env, WAC_DEV_AUTOPROCESS: process.env.WAC_DEV_AUTOPROCESS ?? "1" },
  });
  const stop = async (code: number) => {
    if (pg) await pg.stop().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => next.kill("SIGINT"));
  process.on("SIGTERM", () => next.kill("SIGTERM"));
  next.on("exit", (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => {
  // a configuration problem is one sentence; anything else keeps its stack
  if (error instanceof EnvError || error instanceof AppError || error instanceof EmbeddedPostgresError) console.error(`\n✗ ${error.message}\n`);
  else console.error(error);
  process.exit(1);
});

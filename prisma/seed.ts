/**
 * `npm run db:seed`: loads the demo workspace into DATABASE_URL (only when it is empty). Refused with
 * NODE_ENV=production or a real WHATSAPP_ACCESS_TOKEN unless `-- --force-demo` (or SEED_DEMO_FORCE=1).
 */
import { createDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { demoSeedRefusal, isDatabaseEmpty, seedDemo } from "@/lib/demo/seed-demo";

const refusal = demoSeedRefusal({ env: process.env, argv: process.argv });
if (refusal) {
  console.error(refusal);
  process.exit(2);
}
const env = getEnv();
if (!env.DATABASE_URL) {
  console.error("DATABASE_URL is not set.");
  process.exit(2);
}
const db = createDb(env.DATABASE_URL);
try {
  if (!(await isDatabaseEmpty(db)) && !process.argv.includes("--force")) {
    console.log("The database already has data: nothing seeded (pass --force to add the demo anyway).");
  } else {
    const t = Date.now();
    const result = await seedDemo({ db, now: new Date(), timezone: env.CAMPAIGN_TIMEZONE });
    console.log(`Demo data loaded in ${Date.now() - t} ms. Sign in as ${result.users.join(", ")} with password "${result.password}".`);
  }
} finally {
  await db.$disconnect();
}

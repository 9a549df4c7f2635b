/**
 * A fresh, migrated database for one test file, cloned from the template made by global-setup.
 *
 *   const t = await createTestDb();   // in beforeAll
 *   t.db  – a Prisma client;  t.url – its connection string (for child processes);  await t.drop()
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb } from "@/lib/db";
import type { Db } from "@/lib/marketing/db";

export type TestDb = { db: Db; url: string; name: string; drop: () => Promise<void> };

export async function createTestDb(options: { poolMax?: number } = {}): Promise<TestDb> {
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  const name = `wac_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // the template must have no other connections while it is copied: retry briefly if a sibling is cloning
    for (let i = 0; ; i++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        break;
      } catch (error) {
        if (i > 50) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = createDb(url, { max: options.poolMax ?? 10 });
  return {
    db,
    url,
    name,
    drop: async () => {
      await db.$disconnect();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await c.end();
    },
  };
}

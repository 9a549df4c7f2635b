/**
 * Counts committed row writes in a test database: an AFTER INSERT/UPDATE/DELETE row trigger on every
 * application table adds 1 to hardening_writes.n, inside the writing transaction — so a rolled-back
 * transaction counts nothing and any committed write (even one half of a use-case) is seen.
 */
import type { Db } from "@/lib/marketing/db";

export async function installWriteCounter(db: Db) {
  await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS hardening_writes (n bigint NOT NULL)`);
  await db.$executeRawUnsafe(`INSERT INTO hardening_writes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM hardening_writes)`);
  await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION hardening_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN UPDATE hardening_writes SET n = n + 1; RETURN NULL; END $$`);
  const tables = await db.$queryRawUnsafe<Array<{ t: string }>>(
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('hardening_writes', '_prisma_migrations')`,
  );
  for (const { t } of tables) {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS hardening_count_write ON "${t}"`);
    await db.$executeRawUnsafe(`CREATE TRIGGER hardening_count_write AFTER INSERT OR UPDATE OR DELETE ON "${t}" FOR EACH ROW EXECUTE FUNCTION hardening_count_write()`);
  }
  return tables.length;
}

export async function writeCount(db: Db): Promise<number> {
  const [row] = await db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT n FROM hardening_writes`);
  return Number(row.n);
}

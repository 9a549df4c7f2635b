/**
 * Heap-only (HOT) updates of campaign_recipients during a piece of work: pg_stat_user_tables' n_tup_upd and
 * n_tup_hot_upd before and after. A backend reports its counts when it goes idle, at most every 10 s
 * (PostgreSQL 15+), so `stop` waits for that before reading.
 */
import pg from "pg";

type Counts = { upd: number; hot: number };

async function read(url: string, table: string): Promise<Counts> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ upd: string; hot: string }>(
      "SELECT n_tup_upd::text AS upd, n_tup_hot_upd::text AS hot FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = $1", [table]);
    return { upd: Number(rows[0]?.upd ?? 0), hot: Number(rows[0]?.hot ?? 0) };
  } finally {
    await client.end();
  }
}

export async function watchHotUpdates(url: string, table = "campaign_recipients") {
  const before = await read(url, table);
  return {
    async stop(): Promise<{ updates: number; hot: number; share: number; text: string }> {
      await new Promise((r) => setTimeout(r, 11_000));
      const after = await read(url, table);
      const updates = after.upd - before.upd;
      const hot = after.hot - before.hot;
      const share = updates > 0 ? hot / updates : 0;
      return { updates, hot, share, text: `${table}: ${updates.toLocaleString("en-US")} row updates, ${hot.toLocaleString("en-US")} HOT (${(100 * share).toFixed(1)}%)` };
    },
  };
}

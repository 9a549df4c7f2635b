/**
 * Runs one SQL statement directly, outside the app, for the "within 2× of psql" ratio: /usr/bin/psql
 * (or `psql` on PATH) with \timing, inside BEGIN … ROLLBACK so the data is left as it was; the time is
 * psql's own figure for the statement (server execution + result transfer, no connection set-up).
 * Without a psql binary the pg client does the same.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

function psqlBinary(): string | null {
  if (fs.existsSync("/usr/bin/psql")) return "/usr/bin/psql";
  const r = spawnSync("sh", ["-c", "command -v psql"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

export async function timeStatementDirect(url: string, sql: string): Promise<{ ms: number; via: string }> {
  const bin = psqlBinary();
  if (bin) {
    const file = path.join(os.tmpdir(), `wac-bench-${process.pid}.sql`);
    fs.writeFileSync(file, `\\timing on\nBEGIN;\n${sql};\nROLLBACK;\n`);
    try {
      const r = spawnSync(bin, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr.slice(0, 2000)}`);
      const times = [...r.stdout.matchAll(/^Time: ([\d.]+) ms/gm)].map((m) => Number(m[1]));
      if (times.length < 2) throw new Error(`psql printed no timing: ${r.stdout.slice(0, 500)}`);
      return { ms: times[1], via: "psql" };
    } finally {
      fs.rmSync(file, { force: true });
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    const t0 = performance.now();
    await client.query(sql);
    const ms = performance.now() - t0;
    await client.query("ROLLBACK");
    return { ms, via: "pg client" };
  } finally {
    await client.end();
  }
}

/** VACUUM ANALYZE after a rolled-back million-row statement (its dead tuples would slow the next one). */
export async function vacuum(url: string, tables: string[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const t of tables) await client.query(`VACUUM (ANALYZE) ${t}`);
  } finally {
    await client.end();
  }
}

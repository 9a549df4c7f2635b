/**
 * The production server for scenarios 1, 5 and 6: `next build` output served by `next start`.
 * `next build` runs only when .next/BUILD_ID is missing or older than the newest source file (and waits
 * while another `next build` of this checkout is running).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../../scripts/embedded-postgres";

const SOURCES = ["app", "lib", "components", "proxy.ts", "instrumentation.ts", "next.config.js", "package-lock.json", "prisma/schema.prisma", "postcss.config.mjs"];
const SKIP = new Set(["node_modules", ".next", "generated"]);

function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) if (!SKIP.has(e)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

/** A `next build` of this checkout (its working directory), not one of another checkout on the machine. */
function otherBuildRunning(): boolean {
  const r = spawnSync("pgrep", ["-f", "next/dist/bin/next build|next build"], { encoding: "utf8" });
  const here = fs.realpathSync(process.cwd());
  return r.stdout.split("\n").some((pid) => {
    if (!pid.trim() || Number(pid) === process.pid) return false;
    try {
      return fs.realpathSync(`/proc/${pid.trim()}/cwd`) === here;
    } catch {
      return false;
    }
  });
}

/** Builds when needed. Returns what happened, for the report. */
export async function ensureBuild(log: (s: string) => void, force = false): Promise<"fresh" | "built"> {
  const stamp = ".next/BUILD_ID";
  for (let waited = 0; otherBuildRunning() && waited < 600; waited += 5) {
    if (waited === 0) log("another `next build` is running: waiting for it");
    await new Promise((r) => setTimeout(r, 5000));
  }
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  const newest = Math.max(...SOURCES.map(newestMtime));
  if (!force && built > newest) return "fresh";
  log(built ? "sources changed since the last build: running `next build`" : "no production build: running `next build`");
  const r = spawnSync(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "build"], {
    stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`next build failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
  return "built";
}

/** The V8 heap flags of package.json's `start` script, so the bench serves as `npm start` does. */
function startHeapFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.resolve("package.json"), "utf8")) as { scripts?: Record<string, string> };
  return (pkg.scripts?.start ?? "").match(/--max-old-space-size=\d+/g) ?? [];
}

export type Server = { url: string; pid: number; proc: ChildProcess; stop: () => Promise<void> };

export async function startServer(env: Record<string, string>, logFile: string, port?: number): Promise<Server> {
  port ??= await freePort();
  const out = fs.openSync(logFile, "a");
  // the heap bound `npm start` gives the server (package.json), plus BENCH_SERVER_NODE_FLAGS: node flags for the
  // server alone (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
  const nodeFlags = [...startHeapFlags(), ...(process.env.BENCH_SERVER_NODE_FLAGS ?? "").split(" ").filter(Boolean)];
  const proc = spawn(process.execPath, [...nodeFlags, path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    stdio: ["ignore", out, out],
    env: { ...process.env, ...env, NODE_ENV: "production" },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`next start exited (${proc.exitCode}); see ${logFile}`);
    try {
      const r = await fetch(`${url}/api/whatsapp/webhook`, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    url,
    pid: proc.pid!,
    proc,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
      fs.closeSync(out);
    },
  };
}

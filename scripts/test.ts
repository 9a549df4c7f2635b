/**
 * `npm test`: typecheck and lint (side by side), unit, integration (real PostgreSQL), production build, e2e
 * (Playwright + Debian Chromium). Stops at the first failing step and exits non-zero. `npm test -- unit e2e`
 * runs only the named steps.
 */
import { spawn } from "node:child_process";

type Step = { name: string; cmd: string; args: string[]; env?: Record<string, string> };
/** integration files that run after the others, on their own (see below) */
const ALONE = ["tests/integration/engine/shared-send-cap.test.ts"];
const only = process.argv.slice(2);
const runs = (name: string) => only.length === 0 || only.includes(name);
/** steps of one group run at the same time (each prints its output when it ends); the groups one after another */
const groups: Step[][] = [
  [
    // the routes' generated types (next typegen), then every file: what `next build` would check
    { name: "typecheck", cmd: "npm", args: ["run", "--silent", "typecheck"] },
    { name: "lint", cmd: "npx", args: ["eslint", ".", "--max-warnings=0"] },
    { name: "lint", cmd: "npx", args: ["knip"] },
  ],
  [{ name: "unit", cmd: "npx", args: ["vitest", "run", "--project", "unit"] }],
  [{ name: "integration", cmd: "npx", args: ["vitest", "run", "--project", "integration", ...ALONE.flatMap((f) => ["--exclude", f])] }],
  // then the files that measure time as it passes, on their own: another file's work on the same cores
  // delays their requests (a starved event loop sends requests due in one second in the next: 51-52 in a
  // second against a cap of 50, seen with other files beside it on 2 cores)
  [{ name: "integration", cmd: "npx", args: ["vitest", "run", "--project", "integration", ...ALONE] }],
  // the typecheck step passed already (a failing step stops the run): the build does not check the same files again
  [{ name: "build", cmd: "npx", args: ["next", "build"], env: runs("typecheck") ? { WAC_BUILD_TYPES_CHECKED: "1" } : {} }],
  [{ name: "e2e", cmd: "npx", args: ["playwright", "test"] }],
];

const env = { ...process.env, FORCE_COLOR: process.env.CI ? "0" : "1" };

/** Runs one step: its output goes straight through when it runs alone, and is printed in one piece when it ends otherwise. */
function run(step: Step, alone: boolean): Promise<{ ok: boolean; secs: string; output: string }> {
  const t = Date.now();
  const title = `\n━━ ${step.name} ━━ ${step.cmd} ${step.args.join(" ")}`;
  if (alone) console.log(title);
  return new Promise((resolve) => {
    const child = spawn(step.cmd, step.args, { stdio: alone ? "inherit" : ["ignore", "pipe", "pipe"], env: { ...env, ...step.env } });
    const chunks: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => chunks.push(b));
    child.stderr?.on("data", (b: Buffer) => chunks.push(b));
    const done = (ok: boolean, extra = "") => {
      const secs = ((Date.now() - t) / 1000).toFixed(1);
      resolve({ ok, secs, output: alone ? "" : `${title}\n${Buffer.concat(chunks).toString()}${extra}` });
    };
    child.on("error", (e) => done(false, `\n${e.message}`));
    child.on("close", (code) => done(code === 0));
  });
}

const started = Date.now();
for (const group of groups) {
  const steps = group.filter((s) => runs(s.name));
  if (steps.length === 0) continue;
  const results = await Promise.all(steps.map((s) => run(s, steps.length === 1)));
  let failed: string | null = null;
  steps.forEach((step, i) => {
    const r = results[i];
    if (r.output) process.stdout.write(r.output);
    if (r.ok) console.log(`✓ ${step.name} (${r.secs}s)`);
    else {
      console.error(`\n✗ ${step.name} failed after ${r.secs}s`);
      failed ??= step.name;
    }
  });
  if (failed) process.exit(1);
}
console.log(`\nAll steps passed in ${((Date.now() - started) / 1000).toFixed(0)}s.`);

/**
 * Child processes of the benchmark (the fake Graph API, processor workers): TypeScript entry points run
 * with tsx, talking JSON lines over stdin/stdout.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

export type Child = {
  proc: ChildProcess;
  pid: number;
  /** the next message matching `pick` (earlier unmatched messages are dropped) */
  next<T = Record<string, unknown>>(pick: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  send(message: unknown): void;
  stop(): Promise<void>;
};

export function spawnTsx(file: string, env: Record<string, string>, nodeFlags: string[] = []): Child {
  const proc = spawn(process.execPath, [...nodeFlags, "--import", "tsx", path.resolve(file)], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  const queue: Array<Record<string, unknown>> = [];
  let waiter: (() => void) | null = null;
  readline.createInterface({ input: proc.stdout! }).on("line", (line) => {
    try {
      queue.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      process.stderr.write(`[${path.basename(file)}] ${line}\n`);
      return;
    }
    waiter?.();
  });
  proc.on("exit", () => waiter?.());
  return {
    proc,
    pid: proc.pid!,
    async next<T>(pick: (m: Record<string, unknown>) => boolean, timeoutMs = 30 * 60_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (queue.length > 0) {
          const m = queue.shift()!;
          if (m.error) throw new Error(`${path.basename(file)}: ${String(m.error)}`);
          if (pick(m)) return m as T;
        }
        if (proc.exitCode !== null) throw new Error(`${path.basename(file)} exited (${proc.exitCode})`);
        if (Date.now() > deadline) throw new Error(`${path.basename(file)}: no answer within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, 1000).unref();
        });
        waiter = null;
      }
    },
    send(message) {
      proc.stdin!.write(JSON.stringify(message) + "\n");
    },
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}

/** In a child: messages from the parent, one JSON object per line. */
export function onParentMessage(handler: (m: Record<string, unknown>) => void) {
  readline.createInterface({ input: process.stdin }).on("line", (line) => handler(JSON.parse(line) as Record<string, unknown>));
}

export function toParent(message: unknown) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

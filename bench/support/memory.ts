/**
 * Peak memory of processes, from /proc (Linux): at the start of a scenario the kernel's high-water mark
 * is reset (`echo 5 > /proc/<pid>/clear_refs`), at the end VmHWM is read; a 100 ms VmRSS sampler backs it
 * up where the reset is not allowed. Child processes that exit during a scenario report their own VmHWM.
 */
import fs from "node:fs";

function readStatusKb(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** This process's peak RSS in MB since it started (or since the last reset). */
export function ownPeakRssMb(): number {
  return (readStatusKb(process.pid, "VmHWM") ?? 0) / 1024;
}

/** Resets a process's peak RSS (VmHWM) to its current RSS; false where that is not allowed. */
export function resetHwm(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export type MemoryWatch = {
  /** adds a process (e.g. a server started before the scenario) */
  watch(label: string, pid: number): void;
  /** a child that exited reports its own peak */
  report(label: string, peakMb: number): void;
  /** stops sampling; peak MB per label */
  stop(): Record<string, number>;
};

/** Processes measured in every scenario besides the ones it names (the production server, PostgreSQL). */
const everyScenario = new Map<string, () => number[]>();

/** From now on every watchMemory also measures `pids()` under `label` (for a group: its largest process). */
export function watchInEveryScenario(label: string, pids: () => number[]): void {
  everyScenario.set(label, pids);
}

function childPids(parent: number): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(e)) continue;
    try {
      // the ppid is the 2nd field after the parenthesised command name
      const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent) out.push(Number(e));
    } catch {
      // the process ended while listing
    }
  }
  return out;
}

/** The PostgreSQL server listening on `port`: its postmaster and every backend (re-listed at most once a second). */
export function postgresProcesses(port: number): () => number[] {
  let postmaster: number | null = null;
  let cache: number[] = [];
  let listedAt = 0;
  return () => {
    if (Date.now() - listedAt < 1000) return cache;
    listedAt = Date.now();
    if (postmaster === null || readStatusKb(postmaster, "VmRSS") === null) {
      postmaster = null;
      for (const e of fs.readdirSync("/proc")) {
        if (!/^[0-9]+$/.test(e)) continue;
        try {
          const argv = fs.readFileSync(`/proc/${e}/cmdline`, "utf8").split("\0");
          if (/(^|\/)postgres$/.test(argv[0] ?? "") && argv.includes("-D") && argv[argv.indexOf("-p") + 1] === String(port)) postmaster = Number(e);
        } catch {
          // the process ended while listing
        }
      }
    }
    cache = postmaster === null ? [] : [postmaster, ...childPids(postmaster)];
    return cache;
  };
}

/** Starts measuring the peak RSS of the bench process and of `pids` (label → pid), and of every-scenario processes. */
export function watchMemory(pids: Record<string, number | undefined> = {}): MemoryWatch {
  const watched = new Map<string, number>();
  const groups = new Map(everyScenario);
  const peaks = new Map<string, number>();
  const bump = (label: string, mb: number) => peaks.set(label, Math.max(peaks.get(label) ?? 0, mb));
  const add = (label: string, pid: number) => {
    watched.set(label, pid);
    groups.delete(label);
    resetHwm(pid);
  };
  add("bench", process.pid);
  for (const [label, pid] of Object.entries(pids)) if (pid) add(label, pid);
  for (const list of groups.values()) for (const pid of list()) resetHwm(pid);
  const sample = () => {
    for (const [label, pid] of watched) {
      const kb = readStatusKb(pid, "VmRSS");
      if (kb !== null) bump(label, kb / 1024);
    }
    for (const [label, list] of groups) {
      for (const pid of list()) {
        const kb = readStatusKb(pid, "VmRSS");
        if (kb !== null) bump(label, kb / 1024);
      }
    }
  };
  sample();
  const timer = setInterval(sample, 100);
  timer.unref();
  return {
    watch: add,
    report: bump,
    stop() {
      clearInterval(timer);
      sample();
      for (const [label, pid] of watched) {
        const kb = readStatusKb(pid, "VmHWM");
        if (kb !== null) bump(label, kb / 1024);
      }
      for (const [label, list] of groups) {
        for (const pid of list()) {
          const kb = readStatusKb(pid, "VmHWM");
          if (kb !== null) bump(label, kb / 1024);
        }
      }
      return Object.fromEntries([...peaks].map(([k, v]) => [k, Math.round(v)]));
    },
  };
}

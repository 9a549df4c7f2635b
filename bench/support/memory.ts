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

function resetHwm(pid: number): boolean {
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

/** Starts measuring the peak RSS of the bench process and of `pids` (label → pid). */
export function watchMemory(pids: Record<string, number | undefined> = {}): MemoryWatch {
  const watched = new Map<string, number>();
  const peaks = new Map<string, number>();
  const bump = (label: string, mb: number) => peaks.set(label, Math.max(peaks.get(label) ?? 0, mb));
  const add = (label: string, pid: number) => {
    watched.set(label, pid);
    resetHwm(pid);
  };
  add("bench", process.pid);
  for (const [label, pid] of Object.entries(pids)) if (pid) add(label, pid);
  const sample = () => {
    for (const [label, pid] of watched) {
      const kb = readStatusKb(pid, "VmRSS");
      if (kb !== null) bump(label, kb / 1024);
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
      return Object.fromEntries([...peaks].map(([k, v]) => [k, Math.round(v)]));
    },
  };
}

/**
 * Child process: the fake Graph API (tests/support/fake-graph-api.ts) on loopback, answering every send
 * after GRAPH_LATENCY_MS. It runs in its own process so its CPU and memory are not the processor's; the
 * requests it records are dropped every second (a benchmark sends hundreds of thousands).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { startFakeGraphApi } from "../../tests/support/fake-graph-api";
import { TEST_TEMPLATES } from "../../tests/support/test-templates";
import { onParentMessage, toParent } from "./children";
import { busiestSecond } from "../../tests/support/busiest-second";

const graph = await startFakeGraphApi({ latencyMs: Number(process.env.GRAPH_LATENCY_MS ?? "0"), templates: TEST_TEMPLATES });
// arrival times of sends (ms), kept to find the busiest second: the cap must hold across processes
const arrivals: number[] = [];
setInterval(() => {
  for (const r of graph.sends) arrivals.push(r.startedAt);
  graph.requests.length = 0;
  graph.wamids.length = 0;
}, 1000).unref();
toParent({ ready: true, url: graph.url });
onParentMessage((m) => {
  if (!m.report) return;
  for (const r of graph.sends) arrivals.push(r.startedAt);
  graph.requests.length = 0;
  const t = arrivals.sort((a, b) => a - b);
  toParent({ busiestSecond: busiestSecond(t) });
  // BENCH_TRACE_DIR: requests per 100 ms, to see where a run leaves the API idle
  if (process.env.BENCH_TRACE_DIR && t.length > 0) {
    const bins = new Map<number, number>();
    for (const at of t) bins.set(Math.floor((at - t[0]) / 100), (bins.get(Math.floor((at - t[0]) / 100)) ?? 0) + 1);
    const last = Math.floor((t[t.length - 1] - t[0]) / 100);
    const lines = Array.from({ length: last + 1 }, (_, k) => `${(k / 10).toFixed(1)}\t${bins.get(k) ?? 0}`);
    writeFileSync(path.join(process.env.BENCH_TRACE_DIR, `graph-${process.pid}.tsv`), lines.join("\n") + "\n");
  }
});
process.on("SIGTERM", () => {
  void graph.stop().finally(() => process.exit(0));
});

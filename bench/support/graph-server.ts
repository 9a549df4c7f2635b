/**
 * Child process: the fake Graph API (tests/support/fake-graph-api.ts) on loopback, answering every send
 * after GRAPH_LATENCY_MS. It runs in its own process so its CPU and memory are not the processor's; the
 * requests it records are dropped every second (a benchmark sends hundreds of thousands).
 */
import { startFakeGraphApi } from "../../tests/support/fake-graph-api";
import { TEST_TEMPLATES } from "../../tests/support/test-templates";
import { onParentMessage, toParent } from "./children";

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
  let busiest = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (j < t.length && t[j] < t[i] + 1000) j++;
    busiest = Math.max(busiest, j - i);
  }
  toParent({ busiestSecond: busiest });
});
process.on("SIGTERM", () => {
  void graph.stop().finally(() => process.exit(0));
});

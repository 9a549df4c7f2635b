/**
 * Child process: the fake Graph API (tests/support/fake-graph-api.ts) on loopback, answering every send
 * after GRAPH_LATENCY_MS. It runs in its own process so its CPU and memory are not the processor's; the
 * requests it records are dropped every second (a benchmark sends hundreds of thousands).
 */
import { startFakeGraphApi } from "../../tests/support/fake-graph-api";
import { TEST_TEMPLATES } from "../../tests/support/test-templates";
import { toParent } from "./children";

const graph = await startFakeGraphApi({ latencyMs: Number(process.env.GRAPH_LATENCY_MS ?? "0"), templates: TEST_TEMPLATES });
setInterval(() => {
  graph.requests.length = 0;
  graph.wamids.length = 0;
}, 1000).unref();
toParent({ ready: true, url: graph.url });
process.on("SIGTERM", () => {
  void graph.stop().finally(() => process.exit(0));
});

/**
 * Child process: the fake Graph API (fake-graph-api.ts) on loopback in a process of its own, so the arrival
 * times it records come from its own event loop, as Meta's would: in the test's process, a busy loop (other
 * test files share the 2 cores) stamped requests late and then several at once. GRAPH_LATENCY_MS delays
 * every answer. Messages: it sends { url } when it listens; on { report: true } it answers
 * { sends: [{ startedAt, to }] } (startedAt on this process's performance clock).
 */
import { startFakeGraphApi } from "./fake-graph-api";
import { TEST_TEMPLATES } from "./test-templates";

const graph = await startFakeGraphApi({ latencyMs: Number(process.env.GRAPH_LATENCY_MS ?? "0"), templates: TEST_TEMPLATES });
process.send?.({ url: graph.url });
process.on("message", (m: { report?: boolean }) => {
  if (m?.report) process.send?.({ sends: graph.sends.map((s) => ({ startedAt: s.startedAt, to: s.to })) });
});
process.on("disconnect", () => {
  void graph.stop().finally(() => process.exit(0));
});

/** A small concurrent HTTP load client (undici via fetch, keep-alive) with per-request latency. */

export type Sent = { status: number; ms: number; body: string };

export async function request(url: string, init: RequestInit): Promise<Sent> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, ms: performance.now() - t0, body };
}

/**
 * Runs `work(item)` for every item with `concurrency` workers; returns each request's latency and the
 * wall time. A non-2xx answer fails the run (a benchmark of errors measures nothing).
 */
export async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<Sent>): Promise<{ wallMs: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const r = await work(items[i]);
      if (r.status < 200 || r.status >= 300) throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 500)}`);
      latencies.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { wallMs: performance.now() - t0, latencies };
}

/** Sequential GETs after a warm-up: p50/p99 of `n` requests. */
export async function sampleGets(url: string, headers: Record<string, string>, n: number, warmup = 10) {
  const init: RequestInit = { headers, redirect: "manual" };
  let last: Sent | null = null;
  for (let i = 0; i < warmup; i++) last = await request(url, init);
  if (last && (last.status < 200 || last.status >= 300)) return { status: last.status, latencies: [] as number[], body: last.body };
  const latencies: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await request(url, init);
    if (r.status < 200 || r.status >= 300) throw new Error(`GET ${url}: HTTP ${r.status}`);
    latencies.push(r.ms);
  }
  return { status: 200, latencies, wallMs: performance.now() - t0, body: last?.body ?? "" };
}

/**
 * One JSON POST through undici's `request` (kept-alive connections, the server's Keep-Alive hints
 * honoured, as `fetch` does): what the Cloud API client sends messages with. The same contract as the part
 * of `fetch` the client uses (status, a header, the body as text; an error with the socket's `code` when
 * the connection fails or is reset; the signal aborts), for a fraction of its cost per request: at 1,000
 * messages a second, `fetch`'s WHATWG streams, abort signals and transferable objects took ~10% of the
 * processor's CPU (scenario 4's profile), and a busy event loop is what makes a request miss its instant
 * in the shared send schedule.
 */
import type { Agent, request as undiciRequest } from "undici";

export type PostResponse = { status: number; headers: { get(name: string): string | null }; text(): Promise<string> };
export type PostJson = (url: string, init: { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<PostResponse>;

// undici is loaded at the first request, not with the module: ~130 ms of module loading that a process (a
// route's cold start, a test file) which never sends a message does not pay. One pool per origin, connections
// kept alive (no limit on their number: the caller bounds the requests in flight).
let client: Promise<{ request: typeof undiciRequest; dispatcher: Agent }> | null = null;
const loadClient = () => (client ??= import("undici").then(({ Agent, request }) => ({ request, dispatcher: new Agent({ connections: null }) })));

export const httpPost: PostJson = async (url, init) => {
  const { request, dispatcher } = await loadClient();
  const res = await request(url, { method: init.method, headers: init.headers, body: init.body, signal: init.signal, dispatcher });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: {
      get(name) {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    },
    text: async () => text,
  };
};

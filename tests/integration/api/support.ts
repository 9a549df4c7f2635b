/**
 * Calls a route handler the way an integrator does: any method, headers, body; answers status, headers and JSON.
 * (Import "../engine/support" first: it sets the env the route modules read.)
 */
import { NextRequest } from "next/server";
import { TOKEN } from "../engine/support";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type Answer = { status: number; headers: Headers; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function request(handler: unknown, opts: {
  method?: string; path?: string; params?: Record<string, string>; body?: unknown; headers?: Record<string, string>; token?: string | null; query?: Record<string, string>;
} = {}): Promise<Answer> {
  const url = new URL(`http://localhost${opts.path ?? "/api/marketing/x"}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const req = new NextRequest(url, { method: opts.method ?? (body ? "POST" : "GET"), headers, body });
  const res = await (handler as Handler)(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

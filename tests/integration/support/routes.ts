/**
 * Route harness: every route handler file under app/api (found by glob, so a new route is covered
 * the day it is added), requests with or without credentials, and a real next-auth session.
 *
 * Route handlers read the session with next-auth's getServerSession(authOptions), which reads
 * next/headers — only available inside a Next request scope. Test files mock "next-auth" with
 * `sessionAwareNextAuth` so getServerSession reads the cookies and headers of the request being handled
 * (set by `callRoute`) and runs next-auth's real JWT check on them.
 */
import fs from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";

export const ROOT = path.resolve(import.meta.dirname, "../../..");
export const MISSING_ID = "00000000-0000-4000-8000-000000000000";
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

/**
 * SERVES of lib/http/api-route.ts, by its registered key: importing that module here would import next-auth
 * before the test files' vi.mock("next-auth") factory (which imports this file) has finished.
 */
const SERVES = Symbol.for("wac.route.serves");

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export type RouteFile = {
  /** app/api/... relative file */
  file: string;
  /** URL path with the dynamic segments as given */
  urlPath: string;
  /** names of the dynamic segments */
  params: string[];
  handlers: Partial<Record<Method, Handler>>;
  /** the methods the file answers 405 (otherMethods in lib/http/api-route.ts), with OPTIONS and HEAD */
  notServed: Partial<Record<Method | "HEAD" | "OPTIONS", Handler>>;
};

function listRouteFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listRouteFiles(p));
    else if (entry.name === "route.ts" || entry.name === "route.tsx") out.push(p);
  }
  return out.sort();
}

/** Every route handler file under app/api and its exported HTTP methods. */
export async function loadRoutes(): Promise<RouteFile[]> {
  const files = listRouteFiles(path.join(ROOT, "app/api"));
  const routes: RouteFile[] = [];
  for (const abs of files) {
    const file = path.relative(ROOT, abs);
    const segments = path.dirname(file).split(path.sep).slice(1); // drop "app"
    const params = segments.filter((s) => /^\[.+\]$/.test(s)).map((s) => s.replace(/^\[(\.\.\.)?|\]$/g, ""));
    const mod = (await import(/* @vite-ignore */ abs)) as Record<string, unknown>;
    const handlers: RouteFile["handlers"] = {};
    const notServed: RouteFile["notServed"] = {};
    for (const m of [...METHODS, "HEAD", "OPTIONS"] as const) {
      const h = mod[m];
      if (typeof h !== "function") continue;
      if (SERVES in h) notServed[m] = h as unknown as Handler;
      else if (m !== "HEAD" && m !== "OPTIONS") handlers[m] = h as Handler;
    }
    routes.push({ file, urlPath: "/" + segments.join("/"), params, handlers, notServed });
  }
  return routes;
}

const g = globalThis as unknown as { __hardeningRequest?: NextRequest };

/** The "next-auth" module with getServerSession reading the request being handled (see top). */
export async function sessionAwareNextAuth(importOriginal: () => Promise<unknown>) {
  const real = (await importOriginal()) as typeof import("next-auth");
  const getServerSession = async (options: unknown) => {
    const req = g.__hardeningRequest;
    if (!req) return null;
    const headers = Object.fromEntries(req.headers);
    const cookies = Object.fromEntries(req.cookies.getAll().map((c) => [c.name, c.value]));
    const res = { getHeader() {}, setCookie() {}, setHeader() {} };
    // the pages-router form of the same function: next-auth's own session check on these cookies
    return (real.getServerSession as unknown as (...a: unknown[]) => Promise<unknown>)({ headers, cookies }, res, options);
  };
  return { ...real, getServerSession };
}

export type CallOptions = {
  /** a method the file serves, or one it answers 405 (HEAD, OPTIONS too) */
  method: Method | "HEAD" | "OPTIONS";
  params?: Record<string, string>;
  query?: string | Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
};

export type CallResult = { status: number; text: string; json: unknown; headers: Headers };

/** Calls a route handler in-process with a real NextRequest; the session (if any) comes from its cookies. */
export async function callRoute(route: RouteFile, opts: CallOptions): Promise<CallResult> {
  const handler = (opts.method === "HEAD" || opts.method === "OPTIONS" ? undefined : route.handlers[opts.method]) ?? route.notServed[opts.method];
  if (!handler) throw new Error(`${route.file} has no ${opts.method}`);
  let urlPath = route.urlPath;
  const params: Record<string, string | string[]> = {};
  for (const name of route.params) {
    const value = opts.params?.[name] ?? MISSING_ID;
    params[name] = value;
    urlPath = urlPath.replace(new RegExp(`\\[(\\.\\.\\.)?${name}\\]`), () => percentEncode(value));
  }
  const url = new URL(`http://localhost${urlPath}`);
  if (typeof opts.query === "string") url.search = opts.query;
  else for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.append(k, v);
  const req = new NextRequest(url, {
    method: opts.method,
    headers: { host: "localhost", ...opts.headers },
    body: opts.method === "GET" || opts.method === "HEAD" ? undefined : (opts.body as BodyInit | undefined),
  });
  g.__hardeningRequest = req;
  try {
    const res = await handler(req, { params: Promise.resolve(params) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  } finally {
    g.__hardeningRequest = undefined;
  }
}

/**
 * Every UTF-8 byte percent-encoded (lone surrogates become U+FFFD, as a browser would send them). Through
 * hex and one regex, and long strings (the fuzzer's few constants of up to 200,000 characters) encoded
 * once: byte by byte and every time, they took 6.6 s of the fuzzer's 52 s of CPU.
 */
export function percentEncode(s: string): string {
  if (s.length < 1000) return encodeBytes(s);
  let e = longEncoded.get(s);
  if (e === undefined) longEncoded.set(s, (e = encodeBytes(s)));
  return e;
}
const longEncoded = new Map<string, string>();
const encodeBytes = (s: string) => Buffer.from(s, "utf8").toString("hex").replace(/../g, "%$&");

export const SESSION_COOKIE = "next-auth.session-token";

/** A session cookie for a user, signed with the app's secret exactly as next-auth would issue it. */
export async function sessionCookie(secret: string, user: { id: string; email: string; role: string }): Promise<string> {
  const token = await encode({ secret, token: { sub: user.id, uid: user.id, email: user.email, role: user.role } });
  return `${SESSION_COOKIE}=${token}`;
}

/** `{ error: { code, message } }` with a string code. */
export function isErrorBody(json: unknown): boolean {
  const e = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof e?.code === "string" && typeof e.message === "string";
}

/** Hardening figures, printed at the end of each suite and collected by the report. */
export function logFigures(suite: string, figures: Record<string, number>) {
  console.info(`[hardening] ${suite}: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  const file = process.env.HARDENING_FIGURES_FILE;
  if (file) fs.appendFileSync(file, JSON.stringify({ suite, ...figures }) + "\n");
}

/** HARDENING_SCALE=10 runs the fuzz and property suites ten times larger. */
export const SCALE = Math.max(1, Number(process.env.HARDENING_SCALE ?? "1") || 1);

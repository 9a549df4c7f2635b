/**
 * The one place that turns HTTP into use-case calls and errors into statuses:
 * authenticate (Bearer token or session), check the Origin of cookie-authenticated mutations,
 * read a size-limited JSON body, and map AppError / zod errors to `{ error: { code, message, details } }`.
 */
import { NextResponse, type NextRequest } from "next/server";
import { z } from "@/lib/zod";
import { configuredTokens, getCurrentUser, userPrincipal } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { isUnstorableTextError, type Db } from "@/lib/marketing/db";
import { consumeApiRequest, type ApiRateState } from "@/lib/marketing/auth/api-rate-limit";
import { canMutate, verifyBearerToken, type Principal } from "@/lib/marketing/auth/api-tokens";
import { describeErrorForLog } from "@/lib/redact-secrets";
import { AppError, ERROR_STATUS, issuesToDetails, type AppErrorCode } from "@/lib/marketing/errors";
import { findUnstorableText, isStorableText, UNSTORABLE_TEXT_MESSAGE, UNSTORED_TEXT_MESSAGE } from "@/lib/marketing/text";
import { claimIdempotencyKey, completeIdempotencyKey, IDEMPOTENCY_HEADER, parseIdempotencyKey, requestFingerprint } from "./idempotency";
import { REQUEST_ID_HEADER, requestIdFor } from "./request-id";

export const DEFAULT_MAX_BODY_BYTES = 1_000_000;
/** a list answered as a bare array (the spec's campaign list) gives its next_cursor in this header */
export const NEXT_CURSOR_HEADER = "X-Next-Cursor";

export type RouteContext<P> = {
  req: NextRequest;
  params: P;
  principal: Principal;
  db: Db;
  now: Date;
  query: URLSearchParams;
  /** this request's id (answered in X-Request-Id; put it in log lines) */
  requestId: string;
  /** the parsed JSON body (undefined when empty); INVALID_JSON / PAYLOAD_TOO_LARGE on bad input */
  json: () => Promise<unknown>;
};

type Options = {
  /** "cron": the CRON_SECRET is accepted too */
  auth?: "required" | "cron";
  /** a mutation: viewers are refused, and cookie sessions must come from our own Origin */
  mutation?: boolean;
  maxBodyBytes?: number;
};

type ErrorAnswer = { code: AppErrorCode; message: string; details?: unknown; headers: Record<string, string> };
/** top-level fields a route adds to each of its error bodies, beside `error` */
type ErrorFields = (req: NextRequest, error: { code: AppErrorCode; details?: unknown }) => Record<string, unknown>;

export function errorResponse(code: AppErrorCode, message: string, details?: unknown, headers?: HeadersInit, fields?: Record<string, unknown>) {
  return NextResponse.json(
    { ...fields, error: { code, message, ...(details === undefined ? {} : { details }) } },
    { status: ERROR_STATUS[code], headers },
  );
}

/** The one map from a thrown value to its answer: AppError by its code (429 with Retry-After), ZodError 422, else a logged 500. */
function errorAnswer(error: unknown, requestId?: string): ErrorAnswer {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    const retry = (error.details as { retry_after_seconds?: number } | undefined)?.retry_after_seconds;
    if (error.status === 429 && retry) headers["Retry-After"] = String(retry);
    return { code: error.code, message: error.message, details: error.details, headers };
  }
  if (error instanceof z.ZodError) {
    return { code: "VALIDATION_FAILED", message: "Some values are invalid.", details: issuesToDetails(error.issues), headers: {} };
  }
  // a path that does not check its text at the boundary: still a clear 422, never a 500 (nothing was written)
  if (isUnstorableTextError(error)) return { code: "VALIDATION_FAILED", message: UNSTORED_TEXT_MESSAGE, headers: {} };
  console.error(`[api] unexpected error${requestId ? ` request_id=${requestId}` : ""}:`, describeErrorForLog(error));
  return { code: "INTERNAL", message: "Something went wrong on our side. Try again.", headers: {} };
}

export function toErrorResponse(error: unknown, requestId?: string, fields?: (answer: ErrorAnswer) => Record<string, unknown>): NextResponse {
  const answer = errorAnswer(error, requestId);
  return errorResponse(answer.code, answer.message, answer.details, answer.headers, fields?.(answer));
}

/** The body's bytes, or null when it is larger than `max` (read incrementally: never more than max is buffered). */
export async function readBodyBytes(req: Request, max: number): Promise<Buffer | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) return null;
  const reader = req.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readLimitedBody(req: NextRequest, maxBytes: number): Promise<Buffer> {
  const bytes = await readBodyBytes(req, maxBytes);
  if (!bytes) throw new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${maxBytes} bytes.`);
  return bytes;
}

function parseJsonBody(bytes: Buffer): unknown {
  const text = bytes.toString("utf8");
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON", "The request body is not valid JSON.");
  }
  refuseUnstorableText(value);
  return value;
}

/**
 * JSON may carry what PostgreSQL cannot store: lone surrogates ("\ud800", which also are not valid Unicode:
 * 400 as before) and NUL characters ("\u0000": 422 naming the field). Refused at the boundary, before any write.
 */
function refuseUnstorableText(value: unknown) {
  const found = findUnstorableText(value);
  if (!found) return;
  if (!found.text.isWellFormed()) throw new AppError("INVALID_JSON", "The request body contains text that is not valid Unicode (a lone surrogate).");
  throw new AppError("VALIDATION_FAILED", "Some values are invalid.", [{ path: found.path, message: UNSTORABLE_TEXT_MESSAGE }]);
}

async function authenticate(req: NextRequest, db: Db, now: Date, allowCron: boolean): Promise<{ principal: Principal; viaSession: boolean } | null> {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return null;
    const principal = await verifyBearerToken({ db, token: match[1], now, allowCron, ...configuredTokens() });
    return principal ? { principal, viaSession: false } : null;
  }
  // no session cookie: unauthenticated, without asking next-auth (also keeps handlers callable outside Next)
  if (!req.cookies.getAll().some((c) => c.name.endsWith("next-auth.session-token"))) return null;
  const user = await getCurrentUser();
  return user ? { principal: userPrincipal(user), viaSession: true } : null;
}

function sameOrigin(req: NextRequest): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return false;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Where a rate limit applies (Settings tokens), every answer says where the caller stands (Reset: unix seconds). */
export function setRateLimitHeaders(headers: Headers, rate: { limit: number; remaining: number; resetAt: Date }) {
  headers.set("X-RateLimit-Limit", String(rate.limit));
  headers.set("X-RateLimit-Remaining", String(Math.max(0, rate.remaining)));
  headers.set("X-RateLimit-Reset", String(Math.ceil(rate.resetAt.getTime() / 1000)));
}

function rateStateOf(error: unknown): ApiRateState | null {
  if (!(error instanceof AppError) || error.code !== "RATE_LIMITED") return null;
  const d = error.details as { limit_per_minute?: number; reset_at?: string } | undefined;
  if (typeof d?.limit_per_minute !== "number" || typeof d.reset_at !== "string") return null;
  return { limit: d.limit_per_minute, count: d.limit_per_minute + 1, remaining: 0, resetAt: new Date(d.reset_at) };
}

export function apiRoute<P = Record<string, string>>(
  options: Options,
  handler: (ctx: RouteContext<P>) => Promise<Response | unknown>,
) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = requestIdFor(req);
    const limits: { rate: ApiRateState | null } = { rate: null };
    let res: Response;
    try {
      res = await runRoute(req, context, options, handler, requestId, limits);
    } catch (error) {
      limits.rate ??= rateStateOf(error);
      res = toErrorResponse(error, requestId);
    }
    res.headers.set(REQUEST_ID_HEADER, requestId);
    if (limits.rate) setRateLimitHeaders(res.headers, limits.rate);
    return res;
  };
}

/** an answer up to this size goes out uncompressed (see jsonAnswer) */
export const SMALL_ANSWER_CHARS = 4096;

/**
 * A handler's result as JSON. Never kept by a cache (it is the caller's own data, read with their token). An
 * answer of a few KB is sent uncompressed (`no-transform`, which `next start`'s gzip honours, as the webhook's
 * answer does): it takes one round trip either way, and setting up gzip for each answer took ~5% of the
 * server's CPU on GET …/stats. Larger answers (lists, pages of recipients) are still compressed.
 */
function jsonAnswer(result: unknown): Response {
  const body = JSON.stringify(result);
  if (body === undefined) return NextResponse.json(result);
  return new NextResponse(body, {
    headers: { "Content-Type": "application/json", "Cache-Control": body.length <= SMALL_ANSWER_CHARS ? "private, no-store, no-transform" : "private, no-store" },
  });
}

async function runRoute<P>(
  req: NextRequest,
  context: { params: Promise<P> },
  options: Options,
  handler: (ctx: RouteContext<P>) => Promise<Response | unknown>,
  requestId: string,
  limits: { rate: ApiRateState | null },
): Promise<Response> {
  const db = getDb();
  const now = new Date();
  const auth = await authenticate(req, db, now, options.auth === "cron");
  if (!auth) return errorResponse("UNAUTHENTICATED", "Sign in or send Authorization: Bearer <token>.");
  // tokens made in Settings share a per-minute budget (429 RATE_LIMITED with Retry-After)
  if (auth.principal.kind === "token" && auth.principal.id) {
    limits.rate = await consumeApiRequest({ db, key: auth.principal.actor, now, limitPerMinute: getEnv().API_RATE_LIMIT_PER_MINUTE });
  }
  if (options.mutation) {
    if (auth.viaSession && !sameOrigin(req)) return errorResponse("FORBIDDEN", "Cross-origin request refused.");
    if (!canMutate(auth.principal)) return errorResponse("FORBIDDEN", "Your role can view but not change anything.");
  }
  for (const [name, value] of req.nextUrl.searchParams) {
    if (!isStorableText(name) || !isStorableText(value)) return errorResponse("VALIDATION_FAILED", "Some values are invalid.", [{ path: name, message: UNSTORABLE_TEXT_MESSAGE }]);
  }
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let bytes: Promise<Buffer> | undefined;
  const body = () => (bytes ??= readLimitedBody(req, maxBytes));
  const ctx: RouteContext<P> = {
    req,
    params: (await context.params) ?? ({} as P),
    principal: auth.principal,
    db,
    now,
    query: req.nextUrl.searchParams,
    requestId,
    json: async () => parseJsonBody(await body()),
  };
  const run = async (): Promise<Response> => {
    try {
      const result = await handler(ctx);
      return result instanceof Response ? result : jsonAnswer(result);
    } catch (error) {
      return toErrorResponse(error, requestId);
    }
  };

  const key = req.method === "POST" ? parseIdempotencyKey(req.headers.get(IDEMPOTENCY_HEADER)) : null;
  if (key === null) return run();
  const fingerprint = requestFingerprint(req.method, req.nextUrl.pathname + req.nextUrl.search, await body());
  const claim = await claimIdempotencyKey({ db, principal: auth.principal.actor, key, fingerprint, now });
  if (claim.kind === "replay") {
    return new NextResponse(claim.body, { status: claim.status, headers: { "content-type": "application/json", "idempotent-replayed": "true" } });
  }
  const res = await run();
  const text = await res.clone().text();
  // the work is done: its answer goes out even if keeping it fails (the claim is then abandoned, see idempotency.ts)
  await completeIdempotencyKey({ db, claim, status: res.status, body: text, now: new Date() }).catch((error: unknown) =>
    console.error(`[api] could not keep the Idempotency-Key answer request_id=${requestId}:`, describeErrorForLog(error)));
  return res;
}

/** The methods a route file may export (Next answers HEAD from GET by itself). */
const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];
type ServedMethod = Exclude<RouteMethod, "HEAD" | "OPTIONS">;
/** On the handlers otherMethods() makes: the methods their route serves (tests read it). */
export const SERVES = Symbol.for("wac.route.serves");

/**
 * The methods a route does not serve, answered like every other API error instead of Next's empty 405:
 * 405 METHOD_NOT_ALLOWED in JSON with X-Request-Id and `Allow`, and OPTIONS a 204 with the same `Allow`
 * (Next's own OPTIONS would list these handlers as served). They authenticate first, like the catch-all's
 * 404, so that a signed-out caller learns nothing of which paths exist; `{ auth: false }` for a route whose
 * path is public anyway (the WhatsApp webhook). A route file ends with
 *
 *   export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
 */
export function otherMethods(served: ServedMethod[], options: { auth?: boolean } = {}) {
  const allow = [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const answer = (req: NextRequest): Response => {
    if (req.method === "OPTIONS") return new NextResponse(null, { status: 204, headers: { Allow: allow } });
    const path = new URL(req.url).pathname;
    return errorResponse("METHOD_NOT_ALLOWED", `${req.method} is not served at ${path}: it answers ${served.join(", ")}.`, { allow: served }, { Allow: allow });
  };
  const inner = options.auth === false ? plainRoute(async (req) => answer(req)) : apiRoute({}, async ({ req }) => answer(req));
  // a handler for any route's context (its params are not read)
  const handler = (req: NextRequest, _context?: unknown): Promise<Response> => inner(req, { params: Promise.resolve({}) });
  Object.defineProperty(handler, SERVES, { value: served });
  return Object.fromEntries(ROUTE_METHODS.map((m) => [m, handler])) as Record<RouteMethod, typeof handler>;
}

/**
 * For routes that authenticate themselves (the WhatsApp webhook checks Meta's signature; next-auth signs in):
 * the same conventions without our auth — X-Request-Id on every answer, and a thrown AppError / ZodError /
 * anything else answered as `{ error: { code, message, details } }` (unknown errors: a generic 500, logged).
 * Refusals decided in the handler are thrown as AppError too. `errorFields` adds top-level fields to each
 * error body (next-auth's signIn() reads `url` from every answer).
 * A handler without a context gives a route callable with the request alone.
 */
export function plainRoute(handler: (req: NextRequest, context: undefined, requestId: string) => Promise<Response>, options?: { errorFields?: ErrorFields }): (req: NextRequest) => Promise<Response>;
export function plainRoute<C>(handler: (req: NextRequest, context: C, requestId: string) => Promise<Response>, options?: { errorFields?: ErrorFields }): (req: NextRequest, context: C) => Promise<Response>;
export function plainRoute<C>(handler: (req: NextRequest, context: C, requestId: string) => Promise<Response>, options: { errorFields?: ErrorFields } = {}) {
  const { errorFields } = options;
  return async (req: NextRequest, context: C): Promise<Response> => {
    const requestId = requestIdFor(req);
    let res: Response;
    try {
      res = await handler(req, context, requestId);
    } catch (error) {
      res = toErrorResponse(error, requestId, errorFields && ((answer) => errorFields(req, answer)));
    }
    return withHeader(res, REQUEST_ID_HEADER, requestId);
  };
}

/** Sets a header, copying the response first when its headers are immutable (Response.redirect(), fetch answers). */
function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.set(name, value);
    return res;
  } catch {
    const copy = new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
    copy.headers.set(name, value);
    return copy;
  }
}

/** Parses with zod, throwing VALIDATION_FAILED (422) with field details. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  // no body at all (an empty POST): say so, rather than "expected object, received undefined" at path ""
  if (!parsed.success && value === undefined) throw new AppError("VALIDATION_FAILED", "The request needs a JSON body.", [{ path: "", message: "a JSON body is required" }]);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "Some values are invalid.", issuesToDetails(parsed.error.issues));
  return parsed.data;
}

/** Query string → object (repeated keys become arrays) for zod parsing. */
export function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

export function created(body: unknown) {
  return NextResponse.json(body, { status: 201 });
}

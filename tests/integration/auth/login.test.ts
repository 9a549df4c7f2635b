/**
 * Passwords hashed with Argon2id; sign-in attempts counted before the password is checked, per account
 * and client and per client, with growing waits, in Postgres (seen by every instance), answered 429 with
 * Retry-After; unknown and known accounts cost the same Argon2
 * verification; session cookies httpOnly, SameSite and secure in production.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createRequire } from "node:module";
import path from "node:path";
import { NextRequest } from "next/server";

vi.mock("server-only", () => ({}));
vi.mock("@/lib/marketing/auth/passwords", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/marketing/auth/passwords")>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

import "../support/secrets-env";
import { createTestDb, type TestDb } from "../../support/db";
import { createDb } from "@/lib/db";
import { clientAddress, parseTrustedProxy } from "@/lib/http/client-address";
import { authenticateUser, loginLockedFor, LOGIN_LOCK_BASE_MS, LOGIN_LOCK_MAX_MS, LOGIN_MAX_CLIENT_FAILURES, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, lockMs } from "@/lib/marketing/auth/login";
import { hashPassword, verifyPassword } from "@/lib/marketing/auth/passwords";
import { AppError } from "@/lib/marketing/errors";
import type { Db } from "@/lib/marketing/db";

let t: TestDb;
let db: Db;
const now = new Date("2025-03-01T10:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms);

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  process.env.DATABASE_URL = t.url;
  (globalThis as unknown as { __db?: Db }).__db = db;
  await db.user.create({ data: { email: "known@example.com", passwordHash: await hashPassword("right-password"), role: "admin" } });
});
afterAll(async () => t?.drop());
beforeEach(async () => {
  await db.loginAttempt.deleteMany({});
  vi.mocked(verifyPassword).mockClear();
});

async function attempt(email: string, password: string, clientKey = "203.0.113.7", when = now) {
  try {
    return { user: await authenticateUser({ db, email, password, clientKey, now: when }) };
  } catch (error) {
    if (error instanceof AppError && error.code === "RATE_LIMITED") return { limited: (error.details as { retry_after_seconds: number }).retry_after_seconds };
    throw error;
  }
}

describe("passwords", () => {
  it("are hashed with Argon2id (OWASP parameters), never stored in clear", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain("correct horse");
  });

  it("unknown and known accounts both run exactly one Argon2 verification and take comparable time", async () => {
    const ATTEMPTS = 9;
    const time = async (email: string, password: string) => {
      const t0 = performance.now();
      await attempt(email, password, `timing-${Math.random()}`);
      return performance.now() - t0;
    };
    await time("warmup@example.com", "x"); // the dummy hash is made once
    vi.mocked(verifyPassword).mockClear();
    const unknown: number[] = [];
    const known: number[] = [];
    // nine of each: with four, one slow sample on a busy machine moved a median (3.05× once, in a clean-clone CI)
    for (let i = 0; i < ATTEMPTS; i++) {
      unknown.push(await time(`nobody${i}@example.com`, "wrong"));
      known.push(await time("known@example.com", "wrong"));
      await db.loginAttempt.deleteMany({});
    }
    expect(vi.mocked(verifyPassword)).toHaveBeenCalledTimes(2 * ATTEMPTS);
    for (const call of vi.mocked(verifyPassword).mock.calls) expect(call[0]).toMatch(/^\$argon2id\$/);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // both paths pay for Argon2 (milliseconds, not microseconds), and neither is much faster
    expect(median(unknown)).toBeGreaterThan(5);
    expect(median(known)).toBeGreaterThan(5);
    expect(median(unknown) / median(known)).toBeGreaterThan(1 / 3);
    expect(median(unknown) / median(known)).toBeLessThan(3);
  });
});

describe("sign-in limits (Postgres state)", () => {
  const count = async (key: string) => (await db.loginAttempt.findUnique({ where: { key } }))?.failures ?? 0;

  it("10 parallel wrong passwords count as 10, and at most the allowed number are verified", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => attempt("known@example.com", "wrong", "203.0.113.9")));
    expect(await count("pair:known@example.com|203.0.113.9")).toBe(10);
    expect(await count("client:203.0.113.9")).toBe(10);
    expect(vi.mocked(verifyPassword)).toHaveBeenCalledTimes(LOGIN_MAX_FAILURES);
    expect(results.filter((r) => "limited" in r)).toHaveLength(10 - LOGIN_MAX_FAILURES);
    // and even the right password is refused now, from that client, without being checked
    vi.mocked(verifyPassword).mockClear();
    expect((await attempt("known@example.com", "right-password", "203.0.113.9")).limited).toBeGreaterThan(0);
    expect(vi.mocked(verifyPassword)).not.toHaveBeenCalled();
  });

  it("a stranger's failures lock only their own client: the admin still signs in from theirs", async () => {
    for (let i = 0; i < 3 * LOGIN_MAX_FAILURES; i++) await attempt("known@example.com", "wrong", "198.51.100.66");
    expect((await attempt("known@example.com", "right-password", "198.51.100.66")).limited).toBeGreaterThan(0);
    expect((await attempt("known@example.com", "right-password", "192.0.2.10")).user?.email).toBe("known@example.com");
    // another instance (its own connection pool) sees the same lock
    const other = createDb(t.url, { max: 2 });
    try {
      await expect(authenticateUser({ db: other, email: "KNOWN@example.com ", password: "right-password", clientKey: "198.51.100.66", now: at(1000) }))
        .rejects.toMatchObject({ code: "RATE_LIMITED" });
    } finally {
      await other.$disconnect();
    }
  });

  it("waits grow with each failure after the limit, and a lock ends on its own", async () => {
    const client = "198.51.100.77";
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) expect(await attempt("known@example.com", "wrong", client)).toEqual({ user: null });
    expect(lockMs(LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES)).toBe(LOGIN_LOCK_BASE_MS);
    expect((await attempt("known@example.com", "wrong", client)).limited).toBe(LOGIN_LOCK_BASE_MS / 1000);
    // the lock ran out: one more wrong guess is verified and locks for longer (the refused try counted too)
    let when = at(LOGIN_LOCK_BASE_MS * 4 + 1000);
    expect(await attempt("known@example.com", "wrong", client, when)).toEqual({ user: null });
    const wait = (await attempt("known@example.com", "right-password", client, when)).limited!;
    expect(wait).toBe(lockMs(LOGIN_MAX_FAILURES + 2, LOGIN_MAX_FAILURES) / 1000);
    expect(wait).toBeGreaterThan(LOGIN_LOCK_BASE_MS / 1000);
    expect(lockMs(1000, LOGIN_MAX_FAILURES)).toBe(LOGIN_LOCK_MAX_MS);
    when = new Date(when.getTime() + LOGIN_LOCK_MAX_MS * 2);
    expect((await attempt("known@example.com", "right-password", client, when)).user?.email).toBe("known@example.com");
    expect(await count(`pair:known@example.com|${client}`)).toBe(0);
  });

  it("locks a client address that tries many accounts", async () => {
    for (let i = 0; i < LOGIN_MAX_CLIENT_FAILURES; i++) await attempt(`user${i}@example.com`, "guess", "203.0.113.50");
    expect((await attempt("known@example.com", "right-password", "203.0.113.50")).limited).toBeGreaterThan(0);
    expect((await attempt("known@example.com", "right-password", "203.0.113.51")).user?.email).toBe("known@example.com");
  });

  it("old counts are pruned as attempts come", async () => {
    await db.loginAttempt.createMany({ data: [
      { key: "pair:old@example.com|192.0.2.1", failures: 3, windowStart: at(-LOGIN_WINDOW_MS - 60_000) },
      { key: "pair:locked@example.com|192.0.2.1", failures: 9, windowStart: at(-LOGIN_WINDOW_MS - 60_000), lockedUntil: at(60_000) },
      { key: "pair:recent@example.com|192.0.2.1", failures: 2, windowStart: at(-60_000) },
    ] });
    await attempt("someone@example.com", "wrong", "192.0.2.2");
    const keys = (await db.loginAttempt.findMany()).map((r) => r.key).sort();
    expect(keys).toEqual(["client:192.0.2.2", "pair:locked@example.com|192.0.2.1", "pair:recent@example.com|192.0.2.1", "pair:someone@example.com|192.0.2.2"]);
  });

  it("the client address comes from the trusted proxy only, never from what the client wrote", () => {
    const xff = { "x-forwarded-for": "6.6.6.6, 203.0.113.5" };
    expect(clientAddress(xff, 1)).toBe("203.0.113.5");
    expect(clientAddress(xff, 2)).toBe("6.6.6.6");
    expect(clientAddress(xff, 3)).toBeNull();
    expect(clientAddress(xff, 0)).toBeNull();
    expect(clientAddress({ "x-forwarded-for": "not an address" }, 1)).toBeNull();
    expect(clientAddress({ "x-vercel-forwarded-for": "198.51.100.4", "x-forwarded-for": "6.6.6.6" }, "vercel")).toBe("198.51.100.4");
    expect(clientAddress(new Headers({ "x-real-ip": "2001:db8::1" }), "vercel")).toBe("2001:db8::1");
    expect(parseTrustedProxy(undefined)).toBe(0);
    expect(parseTrustedProxy("2")).toBe(2);
    expect(parseTrustedProxy("vercel")).toBe("vercel");
  });

  it("the sign-in route answers 429 with Retry-After (and next-auth's { url } with error=RATE_LIMITED) while locked", async () => {
    const route = await import("@/app/api/auth/[...nextauth]/route");
    // the test environment trusts one proxy (TRUSTED_PROXY_HOPS=1): the last X-Forwarded-For entry is the client
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await attempt("known@example.com", "wrong", "198.51.100.200", new Date());
    const body = new URLSearchParams({ email: "known@example.com", password: "right-password", csrfToken: "x", json: "true" }).toString();
    const post = (headers: Record<string, string>, b = body) => route.POST(
      new NextRequest("http://localhost/api/auth/callback/credentials", { method: "POST", body: b, headers: { "content-type": "application/x-www-form-urlencoded", ...headers } }),
      { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) });
    for (const headers of [{ "x-forwarded-for": "198.51.100.200" }, { "x-forwarded-for": "192.0.2.1, 198.51.100.200" }]) {
      const res = await post(headers);
      expect(res.status).toBe(429);
      const retry = Number(res.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(LOGIN_LOCK_BASE_MS / 1000);
      const json = (await res.json()) as { url: string; error: { code: string } };
      expect(new URL(json.url).searchParams.get("error")).toBe("RATE_LIMITED");
      expect(json.error.code).toBe("RATE_LIMITED");
      expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    }
    // the caller's own request id is answered back
    expect((await post({ "x-forwarded-for": "198.51.100.200", "x-request-id": "signin-trace-0001" })).headers.get("x-request-id")).toBe("signin-trace-0001");
    // the same account from another client is not locked
    expect(await loginLockedFor({ db, email: "known@example.com", clientKey: "192.0.2.1", now: new Date() })).toBeNull();
  });
});

describe("the sign-in route's errors", () => {
  it("an error raised while answering is the shared { error: { code, message } } with X-Request-Id, never an unshaped 500", async () => {
    const route = await import("@/app/api/auth/[...nextauth]/route");
    // outside Next's request scope next-auth cannot read the cookies (next/headers throws): an unexpected error
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await route.GET(new NextRequest("http://localhost/api/auth/session", { headers: { "x-request-id": "signin-trace-0002" } }),
        { params: Promise.resolve({ nextauth: ["session"] }) });
      expect(res.status).toBe(500);
      expect(res.headers.get("x-request-id")).toBe("signin-trace-0002");
      expect(await res.json()).toEqual({ error: { code: "INTERNAL", message: "Something went wrong on our side. Try again." } });
      expect(errors.mock.calls.some((c) => String(c[0]).includes("request_id=signin-trace-0002"))).toBe(true);
    } finally {
      errors.mockRestore();
    }
  });
});

describe("session cookies", () => {
  it("are httpOnly and SameSite=lax always, and __Secure- + secure in production", async () => {
    // next-auth's own cookie defaults (not exported: loaded by path)
    const { defaultCookies } = createRequire(import.meta.url)(path.resolve("node_modules/next-auth/core/lib/cookie.js")) as { defaultCookies: (secure: boolean) => Record<string, { name: string; options: Record<string, unknown> }> };
    vi.resetModules();
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("INSECURE_COOKIES", "");
    // a configuration production accepts (lib/env.ts refuses short secrets and a missing WhatsApp setup)
    vi.stubEnv("SANDBOX", "1");
    for (const name of ["CRON_SECRET", "MARKETING_API_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN"]) vi.stubEnv(name, `${name}-0123456789abcdef0123456789`);
    try {
      const { authOptions } = await import("@/lib/auth");
      expect(authOptions.useSecureCookies).toBe(true);
      const cookies = defaultCookies(authOptions.useSecureCookies!);
      expect(cookies.sessionToken.name).toBe("__Secure-next-auth.session-token");
      expect(cookies.sessionToken.options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: true });
      expect(cookies.csrfToken.options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: true });
      expect(authOptions.session?.strategy).toBe("jwt");
      expect(authOptions.session?.maxAge).toBeLessThanOrEqual(24 * 60 * 60);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});

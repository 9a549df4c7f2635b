/**
 * Issue 7: passwords hashed with Argon2id; sign-in attempts rate-limited with state in Postgres (seen by
 * every instance) and answered 429 with Retry-After; unknown and known accounts cost the same Argon2
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

import "./env";
import { createTestDb, type TestDb } from "../../support/db";
import { createDb } from "@/lib/db";
import { authenticateUser, LOGIN_LOCK_MS, LOGIN_MAX_FAILURES } from "@/lib/marketing/auth/login";
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
    if (error instanceof AppError && error.code === "RATE_LIMITED") return { limited: (error.details as { retryAfterSeconds: number }).retryAfterSeconds };
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
    const time = async (email: string, password: string) => {
      const t0 = performance.now();
      await attempt(email, password, `timing-${Math.random()}`);
      return performance.now() - t0;
    };
    await time("warmup@example.com", "x"); // the dummy hash is made once
    vi.mocked(verifyPassword).mockClear();
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 4; i++) {
      unknown.push(await time(`nobody${i}@example.com`, "wrong"));
      known.push(await time("known@example.com", "wrong"));
      await db.loginAttempt.deleteMany({});
    }
    expect(vi.mocked(verifyPassword)).toHaveBeenCalledTimes(8);
    for (const call of vi.mocked(verifyPassword).mock.calls) expect(call[0]).toMatch(/^\$argon2id\$/);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // both paths pay for Argon2 (milliseconds, not microseconds), and neither is much faster
    expect(median(unknown)).toBeGreaterThan(5);
    expect(median(known)).toBeGreaterThan(5);
    expect(median(unknown) / median(known)).toBeGreaterThan(1 / 3);
    expect(median(unknown) / median(known)).toBeLessThan(3);
  });
});

describe("sign-in rate limit (Postgres state)", () => {
  it(`locks an email after ${LOGIN_MAX_FAILURES} failures, even from many addresses and for the right password; unlocks after the lock time`, async () => {
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) expect(await attempt("known@example.com", "wrong", `198.51.100.${i}`)).toEqual({ user: null });
    const limited = await attempt("known@example.com", "right-password", "192.0.2.99");
    expect(limited.limited).toBe(LOGIN_LOCK_MS / 1000);
    // another instance (its own connection pool) sees the same lock
    const other = createDb(t.url, { max: 2 });
    try {
      await expect(authenticateUser({ db: other, email: "KNOWN@example.com ", password: "right-password", clientKey: "192.0.2.100", now: at(60_000) }))
        .rejects.toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSeconds: LOGIN_LOCK_MS / 1000 - 60 } });
    } finally {
      await other.$disconnect();
    }
    const later = await attempt("known@example.com", "right-password", "192.0.2.99", at(LOGIN_LOCK_MS + 1000));
    expect(later.user?.email).toBe("known@example.com");
  });

  it("locks a client address that tries many accounts", async () => {
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await attempt(`user${i}@example.com`, "guess", "203.0.113.50");
    expect((await attempt("known@example.com", "right-password", "203.0.113.50")).limited).toBeGreaterThan(0);
    expect((await attempt("known@example.com", "right-password", "203.0.113.51")).user?.email).toBe("known@example.com");
  });

  it("the sign-in route answers 429 with Retry-After (and next-auth's { url } with error=RATE_LIMITED) while locked", async () => {
    const route = await import("@/app/api/auth/[...nextauth]/route");
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await attempt("known@example.com", "wrong", "198.51.100.200", new Date());
    const body = new URLSearchParams({ email: "known@example.com", password: "right-password", csrfToken: "x", json: "true" }).toString();
    for (const headers of [{ "x-forwarded-for": "192.0.2.1" }, { "x-forwarded-for": "198.51.100.200" }]) {
      const req = new NextRequest("http://localhost/api/auth/callback/credentials", {
        method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      });
      const res = await route.POST(req, { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) });
      expect(res.status).toBe(429);
      const retry = Number(res.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(800);
      expect(retry).toBeLessThanOrEqual(900);
      const json = (await res.json()) as { url: string; error: { code: string } };
      expect(new URL(json.url).searchParams.get("error")).toBe("RATE_LIMITED");
      expect(json.error.code).toBe("RATE_LIMITED");
    }
    // a locked client address is refused whatever email it sends
    const req = new NextRequest("http://localhost/api/auth/callback/credentials", {
      method: "POST", body: new URLSearchParams({ email: "someone-else@example.com", password: "x" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "198.51.100.200" },
    });
    expect((await route.POST(req, { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) })).status).toBe(429);
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

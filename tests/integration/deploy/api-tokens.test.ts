/**
 * API tokens made in Settings: an expiry (refused with 401 TOKEN_EXPIRED once passed), last use shown, and
 * a per-token rate limit counted in PostgreSQL (429 RATE_LIMITED with Retry-After).
 */
import "./rate-limit-env";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import * as campaignsRoute from "@/app/api/marketing/campaigns/route";
import { consumeApiRequest } from "@/lib/marketing/auth/api-rate-limit";
import { AppError } from "@/lib/marketing/errors";
import { issueApiToken, listApiTokens, revokeApiToken } from "@/lib/marketing/settings/api-tokens";
import { setupEngineTest, TOKEN, type EngineTest } from "../engine/support";

let e: EngineTest;
const admin = { kind: "env-token" as const, id: null, role: "admin" as const, actor: "env-token" };

beforeAll(async () => {
  e = await setupEngineTest();
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await e.stop();
});

function at(iso: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(iso));
}

async function get(token: string) {
  const req = new NextRequest("http://localhost/api/marketing/campaigns", { headers: { authorization: `Bearer ${token}` } });
  const res = await campaignsRoute.GET(req, { params: Promise.resolve({}) });
  const text = await res.text();
  const rate = { limit: res.headers.get("x-ratelimit-limit"), remaining: res.headers.get("x-ratelimit-remaining"), reset: res.headers.get("x-ratelimit-reset") };
  return { status: res.status, retryAfter: res.headers.get("retry-after"), rate, body: text ? JSON.parse(text) : undefined };
}

async function newToken(name: string, expiresInDays?: number, now = new Date()) {
  return issueApiToken({ db: e.db, now, actor: admin, input: { name, role: "viewer", expires_in_days: expiresInDays } });
}

describe("token expiry and last use", () => {
  it("works until it expires, then answers 401 TOKEN_EXPIRED with a clear message", async () => {
    at("2026-03-02T10:00:30Z");
    const created = await newToken("CRM sync", 30);
    expect(created.expiresAt?.toISOString()).toBe("2026-04-01T10:00:30.000Z");
    expect((await get(created.token)).status).toBe(200);

    at("2026-04-01T10:00:29Z");
    expect((await get(created.token)).status).toBe(200);
    at("2026-04-01T10:00:30Z");
    const expired = await get(created.token);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("TOKEN_EXPIRED");
    expect(expired.body.error.message).toContain("expired on 2026-04-01T10:00:30.000Z");

    const listed = (await listApiTokens({ db: e.db, now: new Date() })).find((t) => t.id === created.id)!;
    expect(listed).toMatchObject({ expired: true, expiresAt: new Date("2026-04-01T10:00:30Z") });
    expect(listed.lastUsedAt?.toISOString()).toBe("2026-04-01T10:00:29.000Z");
  });

  it("a token without expiry keeps working; a revoked one is simply unauthenticated", async () => {
    at("2026-03-02T10:00:30Z");
    const forever = await newToken("forever");
    expect(forever.expiresAt).toBeNull();
    at("2036-03-02T10:00:30Z");
    expect((await get(forever.token)).status).toBe(200);
    await revokeApiToken({ db: e.db, now: new Date(), actor: admin, tokenId: forever.id });
    const revoked = await get(forever.token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("an expiry of 0 days or more than 10 years is refused", async () => {
    const { ZCreateApiToken } = await import("@/lib/marketing/settings/api-tokens");
    expect(ZCreateApiToken.safeParse({ name: "x", role: "viewer", expires_in_days: 0 }).success).toBe(false);
    expect(ZCreateApiToken.safeParse({ name: "x", role: "viewer", expires_in_days: 3651 }).success).toBe(false);
    expect(ZCreateApiToken.safeParse({ name: "x", role: "viewer", expires_in_days: "90" }).success).toBe(true);
  });
});

describe("per-token rate limit (API_RATE_LIMIT_PER_MINUTE=5 here)", () => {
  it("the 6th request in a minute is 429 RATE_LIMITED with Retry-After; other tokens are unaffected; the next minute opens again", async () => {
    at("2026-05-01T12:00:45Z");
    const a = await newToken("a");
    const b = await newToken("b");
    const windowEnd = String(Date.parse("2026-05-01T12:01:00Z") / 1000);
    for (let i = 0; i < 5; i++) {
      const ok = await get(a.token);
      expect(ok.status).toBe(200);
      expect(ok.rate).toEqual({ limit: "5", remaining: String(4 - i), reset: windowEnd });
    }
    const limited = await get(a.token);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(limited.retryAfter).toBe("15");
    expect(limited.rate).toEqual({ limit: "5", remaining: "0", reset: windowEnd });
    expect(limited.body.error.details).toMatchObject({ retry_after_seconds: 15, limit_per_minute: 5 });
    const other = await get(b.token);
    expect(other.status).toBe(200);
    expect(other.rate).toEqual({ limit: "5", remaining: "4", reset: windowEnd });
    // the deployment's own MARKETING_API_TOKEN is not a Settings token: not limited, and told nothing about limits
    for (let i = 0; i < 7; i++) {
      const env = await get(TOKEN);
      expect(env.status).toBe(200);
      expect(env.rate).toEqual({ limit: null, remaining: null, reset: null });
    }

    at("2026-05-01T12:01:00Z");
    expect((await get(a.token)).status).toBe(200);
  });

  it("parallel requests are counted atomically: exactly the limit gets through", async () => {
    const now = new Date("2026-05-01T13:00:10Z");
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, () =>
        consumeApiRequest({ db: e.db, key: "token:parallel", now, limitPerMinute: 10 }).then(
          () => "ok",
          (error: unknown) => (error instanceof AppError ? error.code : "other"),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(10);
    expect(outcomes.filter((o) => o === "RATE_LIMITED")).toHaveLength(15);
  });

  it("old windows are pruned when a new one opens", async () => {
    await consumeApiRequest({ db: e.db, key: "token:prune", now: new Date("2026-05-01T14:00:00Z"), limitPerMinute: 10 });
    await consumeApiRequest({ db: e.db, key: "token:other", now: new Date("2026-05-01T14:30:00Z"), limitPerMinute: 10 });
    const left = await e.db.apiRateLimit.findMany({ where: { windowStart: { lt: new Date("2026-05-01T14:20:00Z") } } });
    expect(left).toEqual([]);
  });
});

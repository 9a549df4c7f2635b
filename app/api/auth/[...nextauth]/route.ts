/**
 * next-auth's routes, with one addition: a credentials sign-in from a locked email or client address is
 * answered 429 with Retry-After before next-auth runs (the lock lives in Postgres: lib/marketing/auth/login.ts).
 * The body keeps next-auth's shape ({ url } carrying error=RATE_LIMITED), so signIn() in the login form
 * reports the error like any other and the form shows how long to wait.
 * Every answer carries X-Request-Id; an error our code raises here is answered `{ error: { code, message, details } }`
 * (plainRoute) — next-auth's own answers to failed credentials stay its redirects.
 */
import NextAuth from "next-auth";
import { NextResponse, type NextRequest } from "next/server";
import { authOptions, clientKeyFromHeaders } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { plainRoute } from "@/lib/http/api-route";
import { loginLockedFor } from "@/lib/marketing/auth/login";

type Context = { params: Promise<{ nextauth: string[] }> };

const handler = NextAuth(authOptions) as (req: NextRequest, ctx: Context) => Promise<Response>;

async function credentialsEmail(req: NextRequest): Promise<string | null> {
  try {
    const type = req.headers.get("content-type") ?? "";
    const text = await req.clone().text();
    if (text.length > 10_000) return null;
    if (type.includes("application/json")) {
      const email = (JSON.parse(text) as { email?: unknown }).email;
      return typeof email === "string" ? email : null;
    }
    return new URLSearchParams(text).get("email");
  } catch {
    return null;
  }
}

export const POST = plainRoute(async (req: NextRequest, ctx: Context): Promise<Response> => {
  const segments = (await ctx.params).nextauth ?? [];
  if (segments[0] === "callback" && segments[1] === "credentials") {
    const email = await credentialsEmail(req);
    const wait = await loginLockedFor({ db: getDb(), email: email ?? "", clientKey: clientKeyFromHeaders(req.headers), now: new Date() }).catch(() => null);
    if (wait !== null) {
      const url = new URL("/login", req.nextUrl.origin);
      url.searchParams.set("error", "RATE_LIMITED");
      url.searchParams.set("retry_after", String(wait));
      return NextResponse.json(
        { url: url.toString(), error: { code: "RATE_LIMITED", message: "Too many sign-in attempts. Try again later.", details: { retryAfterSeconds: wait } } },
        { status: 429, headers: { "Retry-After": String(wait) } },
      );
    }
  }
  return handler(req, ctx);
});

export const GET = plainRoute((req: NextRequest, ctx: Context) => handler(req, ctx));

/**
 * next-auth's routes, with one addition: a credentials sign-in from a locked email or client address is
 * refused with RATE_LIMITED (429 with Retry-After) before next-auth runs (the lock lives in Postgres:
 * lib/marketing/auth/login.ts). Errors are answered by lib/http (plainRoute) as `{ error: { code, message, details } }`
 * with X-Request-Id; each error body also keeps next-auth's shape ({ url } carrying error=<code>), so signIn()
 * in the login form reports it like any other and the form shows how long to wait.
 * next-auth's own answers to failed credentials stay its redirects.
 */
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions, clientKeyFromHeaders } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { plainRoute, otherMethods } from "@/lib/http/api-route";
import { AppError } from "@/lib/marketing/errors";
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

/** next-auth's signIn() reads the error from `url`: the login page with error=<code> (and retry_after when known) */
function signInErrorUrl(req: NextRequest, error: { code: string; details?: unknown }) {
  const url = new URL("/login", req.nextUrl.origin);
  url.searchParams.set("error", error.code);
  const wait = (error.details as { retry_after_seconds?: number } | undefined)?.retry_after_seconds;
  if (wait) url.searchParams.set("retry_after", String(wait));
  return { url: url.toString() };
}

export const POST = plainRoute(async (req: NextRequest, ctx: Context): Promise<Response> => {
  const segments = (await ctx.params).nextauth ?? [];
  if (segments[0] === "callback" && segments[1] === "credentials") {
    const email = await credentialsEmail(req);
    const wait = await loginLockedFor({ db: getDb(), email: email ?? "", clientKey: clientKeyFromHeaders(req.headers), now: new Date() }).catch(() => null);
    if (wait !== null) throw new AppError("RATE_LIMITED", "Too many sign-in attempts. Try again later.", { retry_after_seconds: wait });
  }
  return handler(req, ctx);
}, { errorFields: signInErrorUrl });

export const GET = plainRoute((req: NextRequest, ctx: Context) => handler(req, ctx));

// the methods this path does not serve: 405 METHOD_NOT_ALLOWED with Allow (see otherMethods)
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"], { auth: false });

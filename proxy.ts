/**
 * Signed-out visitors of dashboard pages go to /login (with a callbackUrl back). The check is the
 * next-auth JWT cookie; pages, server actions and route handlers still check the session themselves
 * (a disabled account or a changed role applies at once), this only spares them a render.
 * API routes answer 401 JSON on their own and are not matched here.
 */
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { authSecret } from "@/lib/env";

export async function proxy(req: NextRequest) {
  const token = await getToken({
    req,
    secret: authSecret(),
    secureCookie: process.env.NODE_ENV === "production" && !process.env.INSECURE_COOKIES,
  });
  if (token?.uid) return NextResponse.next();
  const login = new URL("/login", req.url);
  const back = req.nextUrl.pathname + req.nextUrl.search;
  if (back !== "/") login.searchParams.set("callbackUrl", back);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/", "/overview/:path*", "/campaigns/:path*", "/customers/:path*", "/templates/:path*", "/settings/:path*", "/audit/:path*", "/api-reference/:path*"],
};

/**
 * next-auth (credentials, JWT sessions) and getCurrentUser() for pages, actions and route handlers.
 */
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import { encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "@/lib/zod";
import { getDb } from "@/lib/db";
import { authSecret, getEnv } from "@/lib/env";
import { clientAddress, parseTrustedProxy } from "@/lib/http/client-address";
import { authenticateUser, UNKNOWN_CLIENT } from "@/lib/marketing/auth/login";
import type { Principal, Role } from "@/lib/marketing/auth/api-tokens";
import { AppError } from "@/lib/marketing/errors";
import { safeCallbackPath } from "@/lib/safe-redirect";

const ZCredentials = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });

/**
 * The sign-in client's address as the trusted proxy reports it (TRUSTED_PROXY_HOPS; on Vercel, Vercel's
 * own headers unless set otherwise), or "unknown" (see lib/http/client-address.ts).
 */
export function clientKeyFromHeaders(headers: Headers | Record<string, string | string[] | undefined> | undefined): string {
  const configured = getEnv().TRUSTED_PROXY_HOPS ?? (process.env.VERCEL ? "vercel" : undefined);
  return clientAddress(headers, parseTrustedProxy(configured)) ?? UNKNOWN_CLIENT;
}

export const authOptions: NextAuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login" },
  useSecureCookies: process.env.NODE_ENV === "production" && !process.env.INSECURE_COOKIES,
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const parsed = ZCredentials.safeParse(credentials);
        if (!parsed.success) return null;
        try {
          const user = await authenticateUser({
            db: getDb(),
            email: parsed.data.email,
            password: parsed.data.password,
            clientKey: clientKeyFromHeaders(req?.headers),
            now: new Date(),
          });
          return user ? { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion } : null;
        } catch (error) {
          if (error instanceof AppError && error.code === "RATE_LIMITED") throw new Error("RATE_LIMITED");
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    // only this site's paths after sign-in or sign-out
    redirect({ url, baseUrl }) {
      return baseUrl + safeCallbackPath(url, baseUrl);
    },
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = (user as { role?: Role }).role ?? "viewer";
        // the user's session version at sign-in: a later password or role change ends this session
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    async session({ session, token }) {
      if (session.user) {
        (session.user as { id?: string }).id = token.uid as string;
        (session.user as { role?: Role }).role = token.role as Role;
        (session.user as { sv?: number }).sv = typeof token.sv === "number" ? token.sv : 0;
      }
      return session;
    },
  },
};

export type SessionUser = { id: string; email: string | null; name: string | null; role: Role };

/**
 * The signed-in user (re-read from the database so a disabled account or changed role applies at once).
 * A session signed before the user's password or role last changed (an older session version) is over.
 */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const sessionUser = session?.user as { id?: string; sv?: number } | undefined;
  const uid = sessionUser?.id;
  if (!uid) return null;
  const user = await getDb().user.findUnique({ where: { id: uid } });
  if (!user || user.disabled) return null;
  if (user.sessionVersion !== (sessionUser?.sv ?? 0)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role };
}

/**
 * After the signed-in user changed their own password or role: a new session cookie for the current
 * browser at the new session version (their other sessions stay ended). For server actions only.
 */
export async function renewOwnSession(user: { id: string; email: string; name: string | null; role: Role; sessionVersion: number }) {
  const secure = authOptions.useSecureCookies === true;
  const maxAge = authOptions.session?.maxAge ?? 12 * 60 * 60;
  const token = await encode({
    secret: authSecret(), maxAge,
    token: { sub: user.id, email: user.email, name: user.name, uid: user.id, role: user.role, sv: user.sessionVersion },
  });
  (await cookies()).set(`${secure ? "__Secure-" : ""}next-auth.session-token`, token, { httpOnly: true, sameSite: "lax", path: "/", secure, maxAge });
}

export function userPrincipal(user: SessionUser): Principal {
  return { kind: "user", id: user.id, role: user.role, actor: `user:${user.id}`, email: user.email };
}

export function configuredTokens() {
  const e = getEnv();
  return { marketingApiToken: e.MARKETING_API_TOKEN, cronSecret: e.CRON_SECRET };
}

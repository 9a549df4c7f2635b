/**
 * next-auth (credentials, JWT sessions) and getCurrentUser() for pages, actions and route handlers.
 */
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { authSecret, getEnv } from "@/lib/env";
import { authenticateUser } from "@/lib/marketing/auth/login";
import type { Principal, Role } from "@/lib/marketing/auth/api-tokens";
import { AppError } from "@/lib/marketing/errors";
import { safeCallbackPath } from "@/lib/safe-redirect";

const ZCredentials = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });

export function clientKeyFromHeaders(headers: Headers | Record<string, string | string[] | undefined> | undefined): string {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return (get("x-forwarded-for")?.split(",")[0]?.trim() || get("x-real-ip") || "local").slice(0, 100);
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
          return user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
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
      }
      return token;
    },
    async session({ session, token }) {
      if (session.user) {
        (session.user as { id?: string }).id = token.uid as string;
        (session.user as { role?: Role }).role = token.role as Role;
      }
      return session;
    },
  },
};

export type SessionUser = { id: string; email: string | null; name: string | null; role: Role };

/** The signed-in user (re-read from the database so a disabled account or changed role applies at once). */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const uid = (session?.user as { id?: string } | undefined)?.id;
  if (!uid) return null;
  const user = await getDb().user.findUnique({ where: { id: uid } });
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role };
}

export function userPrincipal(user: SessionUser): Principal {
  return { kind: "user", id: user.id, role: user.role, actor: `user:${user.id}`, email: user.email };
}

export function configuredTokens() {
  const e = getEnv();
  return { marketingApiToken: e.MARKETING_API_TOKEN, cronSecret: e.CRON_SECRET };
}

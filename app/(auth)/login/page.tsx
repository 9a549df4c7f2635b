import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth";
import { isSandbox } from "@/lib/env";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { createFirstAdmin } from "@/lib/server/startup";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  // the first admin, when the server's start could not create it yet (e.g. migrations ran afterwards)
  await createFirstAdmin().catch(() => {});
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          <Logo />
          <h1 className="mt-4 text-2xl font-semibold tracking-tight text-slate-900">Sign in to WhatsApp Campaigns</h1>
          <p className="mt-1 text-sm text-slate-500">Plan, send and measure your WhatsApp marketing.</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <LoginForm callbackUrl={callbackUrl} />
        </div>
        {isSandbox() ? (
          <p className="mt-4 text-center text-xs text-slate-500">
            Sandbox mode: WhatsApp is simulated, no message leaves this server.
          </p>
        ) : null}
      </div>
    </main>
  );
}

function Logo() {
  return (
    <span className="flex size-12 items-center justify-center rounded-2xl bg-brand-600 text-white shadow-sm" aria-hidden="true">
      <svg viewBox="0 0 24 24" className="size-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M21 11.5a8.38 8.38 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.38 8.38 0 0 1-3.8-.9L3 21l1.9-5.7a8.38 8.38 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.38 8.38 0 0 1 3.8-.9h.5a8.48 8.48 0 0 1 8 8v.5z" />
      </svg>
    </span>
  );
}

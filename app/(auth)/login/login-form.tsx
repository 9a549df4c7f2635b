"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { focusFirstProblem } from "@/components/forms/keep-values";
import { safeCallbackPath } from "@/lib/safe-redirect";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** the fields left empty at the last submit (refused here: the server is not asked), and how many times */
  const [empty, setEmpty] = useState<{ email?: string; password?: string }>({});
  const [refused, setRefused] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (refused > 0 && formRef.current) focusFirstProblem(formRef.current);
  }, [refused]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const missing = {
      email: String(form.get("email") ?? "").trim() === "" ? "Enter your email address." : undefined,
      password: String(form.get("password") ?? "") === "" ? "Enter your password." : undefined,
    };
    setEmpty(missing);
    if (missing.email || missing.password) {
      setError(null);
      setRefused((n) => n + 1);
      return;
    }
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (!result || result.error) {
        setError(
          result?.error === "RATE_LIMITED"
            ? "Too many sign-in attempts. Wait 15 minutes and try again."
            : "That email and password don't match an account.",
        );
        setPending(false);
        return;
      }
      router.replace(safeCallbackPath(callbackUrl, window.location.origin));
      router.refresh();
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} method="post" className="space-y-4" noValidate>
      {error ? <Notice tone="error">{error}</Notice> : null}
      <Field label="Email" htmlFor="email" errors={empty.email}>
        <Input id="email" name="email" type="email" autoComplete="username" required autoFocus onChange={() => empty.email && setEmpty((m) => ({ ...m, email: undefined }))} />
      </Field>
      <Field label="Password" htmlFor="password" errors={empty.password}>
        <Input id="password" name="password" type="password" autoComplete="current-password" required onChange={() => empty.password && setEmpty((m) => ({ ...m, password: undefined }))} />
      </Field>
      <Button type="submit" className="w-full" pending={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}

"use client";

import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/ui/button";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center py-16 text-center" role="alert">
      <p className="text-sm font-semibold text-red-600">Something went wrong</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-slate-500">
        The problem has been logged{error.digest ? ` (reference ${error.digest})` : ""}. Try again; if it keeps happening, check that the database is reachable.
      </p>
      <div className="mt-6 flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <ButtonLink href="/overview" variant="secondary">
          Go to the overview
        </ButtonLink>
      </div>
    </div>
  );
}

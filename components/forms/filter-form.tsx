"use client";

import { useRouter, usePathname } from "next/navigation";
import { useTransition, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/**
 * A GET filter form: selects apply at once, text applies on Enter (or the Search button); the URL keeps
 * the filters, so links and the back button work. Works without JavaScript as a plain GET form.
 */
export function FilterForm({ children, className }: { children: ReactNode; className?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  function apply(form: HTMLFormElement) {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === "string" && v.trim() !== "") params.set(k, v.trim());
    startTransition(() => router.replace(`${pathname}${params.size ? `?${params}` : ""}`, { scroll: false }));
  }
  return (
    <form
      method="get"
      role="search"
      aria-busy={pending || undefined}
      className={cn("grid grid-cols-2 items-end gap-3 transition-opacity sm:flex sm:flex-wrap", pending && "opacity-70", className)}
      onSubmit={(e) => {
        e.preventDefault();
        apply(e.currentTarget);
      }}
      onChange={(e) => {
        if ((e.target as HTMLElement).tagName === "SELECT") apply(e.currentTarget);
      }}
    >
      {children}
    </form>
  );
}

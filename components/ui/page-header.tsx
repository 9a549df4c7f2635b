import Link from "next/link";
import type { ReactNode } from "react";

/** A page's title block; `back` is the link to the page one level up ("← Campaigns"). */
export function PageHeader({ title, description, actions, back }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; back?: { href: string; label: ReactNode } }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        {back ? (
          <div className="mb-1 text-sm text-slate-500">
            <Link href={back.href} className="hover:text-slate-900 hover:underline">
              ← {back.label}
            </Link>
          </div>
        ) : null}
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description ? <div className="mt-1 text-sm text-slate-500">{description}</div> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

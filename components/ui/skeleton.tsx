import type { ReactNode } from "react";
import { cn } from "./cn";

export function Skeleton({ className }: { className?: string }) {
  return <div className={cn("animate-pulse rounded-md bg-slate-200/70", className)} aria-hidden="true" />;
}

/** A loading page: its placeholders stacked as the loaded page's sections are, announced as busy. */
export function LoadingPage({ children }: { children: ReactNode }) {
  return (
    <div className="space-y-6" role="status" aria-busy="true" aria-label="Loading">
      {children}
    </div>
  );
}

/** The outline of a PageHeader: the back link when the page has one, the title (its size), the description. */
export function HeaderSkeleton({ title = "h-7 w-40", back = false }: { title?: string; back?: boolean }) {
  return (
    <div className="space-y-2">
      {back ? <Skeleton className="h-4 w-24" /> : null}
      <Skeleton className={title} />
      <Skeleton className="h-4 w-96 max-w-full" />
    </div>
  );
}

/** The row of stat cards (`grid`: the columns per width). */
export function StatCardsSkeleton({ count, grid = "grid-cols-2 lg:grid-cols-4" }: { count: number; grid?: string }) {
  return (
    <div className={cn("grid gap-4", grid)}>
      {Array.from({ length: count }, (_, i) => (
        <Skeleton key={i} className="h-[104px] rounded-xl" />
      ))}
    </div>
  );
}

/** A wide chart beside a narrow one, as on the overview and the campaign page. */
export function ChartsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-3">
      <Skeleton className="h-[390px] rounded-xl xl:col-span-2" />
      <Skeleton className="h-[390px] rounded-xl" />
    </div>
  );
}

/** A page-sized placeholder with the same outline as the loaded page (no layout shift). */
export function PageSkeleton({ cards = 4, rows = 8 }: { cards?: number; rows?: number }) {
  return (
    <LoadingPage>
      <HeaderSkeleton title="h-7 w-56" />
      {cards > 0 ? <StatCardsSkeleton count={cards} /> : null}
      <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <div className="space-y-3">
          {Array.from({ length: rows }, (_, i) => (
            <Skeleton key={i} className="h-9" />
          ))}
        </div>
      </div>
    </LoadingPage>
  );
}

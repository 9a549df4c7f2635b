import Link from "next/link";
import { buttonClass } from "./button";
import { cn } from "./cn";
import { formatInt } from "./format";

/** Previous / next links that keep the other query parameters. */
export function Pagination({
  page,
  pageSize,
  total,
  hrefFor,
  className,
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefFor: (page: number) => string;
  className?: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label="Pagination" className={cn("flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-600", className)}>
      <p className="tabular-nums">
        {formatInt(from)}–{formatInt(to)} of {formatInt(total)}
      </p>
      <div className="flex items-center gap-2">
        {page > 1 ? (
          <Link className={buttonClass("secondary", "sm")} href={hrefFor(page - 1)} rel="prev">
            Previous
          </Link>
        ) : (
          <span className={buttonClass("secondary", "sm", "pointer-events-none opacity-50")} aria-disabled="true">
            Previous
          </span>
        )}
        <span className="tabular-nums text-slate-500">
          Page {formatInt(page)} of {formatInt(pages)}
        </span>
        {page < pages ? (
          <Link className={buttonClass("secondary", "sm")} href={hrefFor(page + 1)} rel="next">
            Next
          </Link>
        ) : (
          <span className={buttonClass("secondary", "sm", "pointer-events-none opacity-50")} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}

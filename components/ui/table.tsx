import type { ComponentProps } from "react";
import { cn } from "./cn";

/**
 * A horizontally scrollable table (phones scroll it sideways instead of squeezing columns). The scroll
 * container is a focusable region so keyboard users can scroll it too, named by `label`: what the table
 * shows, unique on its page (a screen reader lists regions by name; two called "Table" cannot be told apart).
 */
export function Table({ className, label, ...props }: ComponentProps<"table"> & { label: string }) {
  return (
    <div className="relative overflow-x-auto focus-visible:-outline-offset-2" tabIndex={0} role="region" aria-label={label}>
      <table className={cn("w-full border-collapse text-left text-sm", className)} {...props} />
    </div>
  );
}

export function THead({ className, ...props }: ComponentProps<"thead">) {
  return <thead className={cn("border-b border-slate-200 bg-slate-50/80 text-xs font-medium uppercase tracking-wide text-slate-500", className)} {...props} />;
}

export function TH({ className, numeric, ...props }: ComponentProps<"th"> & { numeric?: boolean }) {
  return <th scope="col" className={cn("whitespace-nowrap px-4 py-2.5 font-medium", numeric && "text-right", className)} {...props} />;
}

export function TBody({ className, ...props }: ComponentProps<"tbody">) {
  return <tbody className={cn("divide-y divide-slate-100", className)} {...props} />;
}

export function TR({ className, ...props }: ComponentProps<"tr">) {
  return <tr className={cn("hover:bg-slate-50/60", className)} {...props} />;
}

export function TD({ className, numeric, ...props }: ComponentProps<"td"> & { numeric?: boolean }) {
  return <td className={cn("px-4 py-3 align-middle text-slate-700", numeric && "text-right tabular-nums", className)} {...props} />;
}

/** A header column: its label, or the label with a class (e.g. hidden on phones) or right-aligned numbers. */
export type Column = string | { label: string; className?: string; numeric?: boolean; srOnly?: boolean };

/** The table's header row, one TH per column; `srOnly` names a column (e.g. Actions) for screen readers only. */
export function TableHeader({ columns }: { columns: Column[] }) {
  return (
    <THead>
      <tr>
        {columns.map((column) => {
          const { label, className, numeric, srOnly } = typeof column === "string" ? { label: column } : column;
          return (
            <TH key={label} className={className} numeric={numeric}>
              {srOnly ? <span className="sr-only">{label}</span> : label}
            </TH>
          );
        })}
      </tr>
    </THead>
  );
}

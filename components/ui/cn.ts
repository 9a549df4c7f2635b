import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Joins class names (falsy values dropped), a later class replacing an earlier one of the same utility: a
 * caller's `px-3` or `text-red-600` overrides a component's `px-4` or `text-slate-700`. Joined alone, both
 * stayed and the stylesheet's order chose, which ignored 21 overrides on the dashboard's pages (red failure
 * counts shown in grey, fixed-width selects at full width, flush card bodies padded).
 */
export function cn(...values: ClassValue[]): string {
  return twMerge(clsx(values));
}

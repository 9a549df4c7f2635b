import { clsx, type ClassValue } from "clsx";

/** Joins class names (falsy values dropped). */
export function cn(...values: ClassValue[]): string {
  return clsx(values);
}

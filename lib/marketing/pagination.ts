/**
 * Cursor pagination (keyset): a page answers `next_cursor`, an opaque string that names the last row's sort
 * key; the next request passes it as `?cursor=` and gets the rows after it, stable while rows are added.
 * A list with a cursor ignores `offset`.
 */
import { z } from "@/lib/zod";
import { AppError } from "./errors";
import { parseUuid } from "./uuid";

export type CursorKey = Array<string | null>;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** The key inside a cursor of `size` parts (VALIDATION_FAILED when it is not one of ours). */
export function decodeCursor(cursor: string, size: number): CursorKey {
  try {
    const key = z.array(z.string().max(200).nullable()).length(size).parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return key;
  } catch {
    throw new AppError("VALIDATION_FAILED", "Invalid cursor: pass back next_cursor from the previous page.", [{ path: "cursor", message: "invalid" }]);
  }
}

export const ZCursor = z.string().min(1).max(600);

/** A date from a cursor part, or VALIDATION_FAILED. */
export function cursorDate(value: string | null): Date {
  const d = value === null ? new Date(Number.NaN) : new Date(value);
  if (Number.isNaN(d.getTime())) throw new AppError("VALIDATION_FAILED", "Invalid cursor.", [{ path: "cursor", message: "invalid" }]);
  return d;
}

export function cursorUuid(value: string | null): string {
  const id = parseUuid(value);
  if (id === null) throw new AppError("VALIDATION_FAILED", "Invalid cursor.", [{ path: "cursor", message: "invalid" }]);
  return id;
}

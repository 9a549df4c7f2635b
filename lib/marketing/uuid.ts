/**
 * What an id is: a UUID (every table's key). Ids from URLs, cursors and Meta's callbacks are checked here
 * once, so a value that is not a UUID never reaches PostgreSQL (which would answer with an error, a 500).
 */
import { z } from "@/lib/zod";

export const ZUuid = z.uuid();

/** `value` as a lower-case UUID, or null when it is not one. */
export function parseUuid(value: unknown): string | null {
  const parsed = ZUuid.safeParse(value);
  return parsed.success ? parsed.data.toLowerCase() : null;
}

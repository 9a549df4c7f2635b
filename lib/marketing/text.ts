/**
 * Text PostgreSQL cannot store: the NUL character (U+0000, refused in text and jsonb alike) and lone UTF-16
 * surrogates (which JSON may escape, "\ud800"). Input from people and integrators is checked at the
 * boundary, so a bad value is refused with its field named instead of failing in the database; events Meta
 * sends are repaired instead (an event is kept, never refused).
 */

/** Whether PostgreSQL can store this string. */
export function isStorableText(s: string): boolean {
  return !s.includes("\u0000") && s.isWellFormed();
}

/**
 * The first string or key in `value` that cannot be stored, with its path ("customers.0.name"; "" for the
 * value itself), or null. Walks at most `maxDepth` levels (deeper values are left to the schema that parses them).
 */
export function findUnstorableText(value: unknown, maxDepth = 64): { path: string; text: string } | null {
  let text = "";
  // the path is built on the way back from a find only: a clean value (nearly always) allocates nothing
  const walk = (v: unknown, depth: number): string[] | null => {
    if (typeof v === "string") {
      if (isStorableText(v)) return null;
      text = v;
      return [];
    }
    if (depth >= maxDepth || v === null || typeof v !== "object") return null;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const found = walk(v[i], depth + 1);
        if (found) return [String(i), ...found];
      }
      return null;
    }
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (!isStorableText(k)) {
        text = k;
        return [k];
      }
      const found = walk((v as Record<string, unknown>)[k], depth + 1);
      if (found) return [k, ...found];
    }
    return null;
  };
  const found = walk(value, 0);
  return found ? { path: found.join("."), text } : null;
}

/** What a person sees beside a field whose text is refused for it. */
export const UNSTORABLE_TEXT_MESSAGE = "Contains a character that cannot be stored: the NUL character (\\u0000) or half of a UTF-16 pair.";

/** The same, when the database refused the text and the field is not known (nothing was written). */
export const UNSTORED_TEXT_MESSAGE = "Some text contains a character that cannot be stored (the NUL character, \\u0000): nothing was saved.";

/** `value` with every NUL character and lone surrogate replaced by U+FFFD (the same object when nothing needs it). */
export function storableTextOf<T>(value: T): T {
  return findUnstorableText(value, Infinity) === null ? value : (repair(value) as T);
}

function repair(v: unknown): unknown {
  if (typeof v === "string") return v.replaceAll("\u0000", "\uFFFD").toWellFormed();
  if (Array.isArray(v)) return v.map(repair);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [repair(k) as string, repair(x)]));
  return v;
}

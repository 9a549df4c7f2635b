/** A user's text as a literal inside a LIKE / ILIKE pattern: `\`, `%` and `_` are escaped (PostgreSQL's default escape character). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => "\\" + c);
}

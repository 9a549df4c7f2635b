/** Page searchParams → a flat object for zod, and links that change one parameter. */
export type SearchParams = Record<string, string | string[] | undefined>;

export function flatParams(params: SearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && value !== "") out[k] = value;
  }
  return out;
}

export function hrefWith(path: string, params: Record<string, string | number | undefined | null>, changes: Record<string, string | number | undefined | null>): string {
  const merged = { ...params, ...changes };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

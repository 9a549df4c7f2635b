/**
 * Where to go after signing in: only a path of this site. The value is parsed as a URL against our
 * origin the way a browser would (tabs and newlines dropped, backslashes read as slashes), so
 * `/\t/evil.com` or `/\evil.com` — which a browser turns into `//evil.com` — resolve to another host and are
 * refused. The result is always a path starting with exactly one slash.
 */
export const DEFAULT_AFTER_SIGN_IN = "/overview";

const PLACEHOLDER_ORIGIN = "http://app.invalid";

export function safeCallbackPath(value: string | string[] | null | undefined, origin: string = PLACEHOLDER_ORIGIN, fallback: string = DEFAULT_AFTER_SIGN_IN): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin || (url.protocol !== "http:" && url.protocol !== "https:")) return fallback;
  // "//host" would be read as another host when followed: keep it a path of this site
  const path = url.pathname.replace(/^\/+/, "/") + url.search + url.hash;
  return path.startsWith("/") ? path : fallback;
}

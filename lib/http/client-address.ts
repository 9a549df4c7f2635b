/**
 * The address of the client behind our own proxies, for sign-in limits. Only headers set by a proxy we
 * trust count: any client can send X-Forwarded-For, so its entries are read from the right, skipping
 * exactly the proxies we run (TRUSTED_PROXY_HOPS).
 *
 *   "vercel": Vercel's edge sets x-vercel-forwarded-for and x-real-ip (a client cannot forge them there);
 *   N ≥ 1:    N proxies each append the address they saw: the client is the N-th entry from the right;
 *   0/unset:  no trusted proxy, the address is unknown (null): limits then apply per account only.
 */
export type TrustedProxy = "vercel" | number;

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

const ADDRESS_RE = /^[0-9a-fA-F:.[\]%]{2,60}$/;

export function parseTrustedProxy(value: string | undefined): TrustedProxy {
  if (value === "vercel") return "vercel";
  const n = Number(value ?? "0");
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function clientAddress(headers: HeaderSource, trusted: TrustedProxy): string | null {
  let address: string | undefined;
  if (trusted === "vercel") {
    address = header(headers, "x-vercel-forwarded-for")?.split(",")[0] ?? header(headers, "x-real-ip");
  } else if (trusted > 0) {
    const hops = (header(headers, "x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    address = hops.length >= trusted ? hops[hops.length - trusted] : undefined;
  }
  address = address?.trim();
  return address && ADDRESS_RE.test(address) ? address.toLowerCase() : null;
}

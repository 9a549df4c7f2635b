/**
 * GET /r/{token}: a tracked button's tap. Public (no sign-in): counts the click (not for link previews)
 * and redirects to the campaign's link; an unknown token is a plain 404 page.
 */
import type { NextRequest } from "next/server";
import { plainRoute } from "@/lib/http/api-route";
import { getDb } from "@/lib/db";
import { isLinkPreview } from "@/lib/marketing/engagement/link-preview";
import { recordClick } from "@/lib/marketing/engagement/record-click";

const NOT_FOUND_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Link not found</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #1f2937">
<h1 style="font-size: 1.25rem">This link is not valid</h1><p>The link may be incomplete or no longer in use.</p></body></html>`;

// the token must not travel on to the destination (Referer) nor be cached on the way
const HEADERS = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" };

async function handle(req: NextRequest, context: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await context.params;
  const count = !isLinkPreview({ method: req.method, userAgent: req.headers.get("user-agent") });
  const result = await recordClick({ db: getDb(), now: new Date(), token, count });
  if (result.kind === "not_found") {
    return new Response(req.method === "HEAD" ? null : NOT_FOUND_PAGE, { status: 404, headers: { ...HEADERS, "Content-Type": "text/html; charset=utf-8" } });
  }
  return new Response(null, { status: 302, headers: { ...HEADERS, Location: result.url } });
}

export const GET = plainRoute(handle);
export const HEAD = plainRoute(handle);

/**
 * Link-preview fetchers are not people clicking: WhatsApp itself fetches a link to draw its preview
 * ("WhatsApp/2.23.20.0 A"), and so do other apps' unfurlers and crawlers when a link is shared on. They
 * are redirected like anyone, but their visits are not counted as clicks. So are HEAD requests (a
 * checker, never a person's tap).
 */
const PREVIEW_AGENTS = /whatsapp\/|facebookexternalhit|facebot|meta-externalagent|slackbot|slack-imgproxy|twitterbot|discordbot|telegrambot|linkedinbot|skypeuripreview|embedly|pinterest|redditbot|applebot|googlebot|bingbot|yandex|duckduckbot|baiduspider|ia_archiver|\bbot\b|crawler|spider|preview|curl\/|wget\/|python-requests|go-http-client|headless/i;

export function isLinkPreview({ method, userAgent }: { method: string; userAgent: string | null | undefined }): boolean {
  if (method.toUpperCase() === "HEAD") return true;
  if (!userAgent || userAgent.trim() === "") return true;
  return PREVIEW_AGENTS.test(userAgent);
}

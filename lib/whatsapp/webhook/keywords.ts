/**
 * Opt-out and opt-in keywords: a small, well-defined list, matched on the whole message after
 * normalisation (case, surrounding whitespace and punctuation, inner runs of spaces, '_' and '-').
 * "stop" and " Stop! " unsubscribe; "please stop sending" does not (a person should read it).
 */
export const UNSUBSCRIBE_KEYWORDS = [
  "STOP", "STOP ALL", "STOPALL", "STOP PROMOTIONS", "STOP PROMOTION", "STOP MARKETING", "UNSUBSCRIBE", "UNSUB",
  "OPT OUT", "OPTOUT",
] as const;
export const SUBSCRIBE_KEYWORDS = ["START", "SUBSCRIBE", "UNSTOP", "RESUME", "RESUME PROMOTIONS", "START PROMOTIONS", "OPT IN", "OPTIN"] as const;

export type SubscriptionCommand = "unsubscribe" | "subscribe";

const UNSUB = new Set<string>(UNSUBSCRIBE_KEYWORDS);
const SUB = new Set<string>(SUBSCRIBE_KEYWORDS);

export function normalizeKeyword(text: string): string {
  return text
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[_\-\s]+/g, " ")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")
    .trim();
}

export function subscriptionCommand(text: string | null | undefined): SubscriptionCommand | null {
  if (!text || text.length > 100) return null;
  const k = normalizeKeyword(text);
  if (UNSUB.has(k)) return "unsubscribe";
  if (SUB.has(k)) return "subscribe";
  return null;
}

/**
 * Removes secrets from text bound for logs: the configured secret values themselves, passwords in
 * connection strings, bearer tokens and our API tokens. Used wherever an unexpected error's message is
 * logged (a driver or HTTP error can quote a URL, a header or a query's values).
 */
const SECRET_ENV = [
  "AUTH_SECRET", "NEXTAUTH_SECRET", "CRON_SECRET", "MARKETING_API_TOKEN", "WHATSAPP_ACCESS_TOKEN",
  "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "DATABASE_URL", "ALERT_WEBHOOK_URL",
] as const;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function redactSecrets(text: string, env: Record<string, string | undefined> = process.env): string {
  let out = text;
  for (const name of SECRET_ENV) {
    const value = env[name];
    // short values (e.g. "1") would redact everything and protect nothing
    if (value && value.length >= 6) out = out.replace(new RegExp(escape(value), "g"), "[redacted]");
  }
  return out
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, "$1[redacted]@")
    .replace(/\b(Bearer\s+)[^\s"',;]+/gi, "$1[redacted]")
    .replace(/\bwac_[A-Za-z0-9_-]{16,}/g, "wac_[redacted]");
}

/** `Name: message` of an unexpected error, secrets removed — what we log, never what we answer. */
export function describeErrorForLog(error: unknown): string {
  return error instanceof Error ? redactSecrets(`${error.name}: ${error.message}`) : "unknown";
}

/**
 * Text that people typed (campaign names, hold reasons) or that an outside service sent (error titles),
 * quoted inside an alert. Alerts are posted to Slack / Teams incoming webhooks, which read `<!channel>`,
 * `<@U123>`, `<url|label>`, `@here` / `@channel` / `@everyone` and markdown links `[label](url)`; quoted
 * text must not be able to ping a channel or plant a link. It stays readable on the overview too: angle
 * brackets become ‹ ›, a zero-width space follows every @ and separates `](`, and line breaks become spaces
 * (a name cannot forge another line of the alert).
 */
const ZWSP = "\u200B";

export function alertLiteral(value: string | null | undefined, maxLength = 200): string {
  if (!value) return "";
  const flat = value.replace(/[\r\n\t\u2028\u2029]+/g, " ").trim();
  const clipped = flat.length > maxLength ? flat.slice(0, maxLength - 1) + "…" : flat;
  return clipped
    .replaceAll("<", "‹")
    .replaceAll(">", "›")
    .replaceAll("@", "@" + ZWSP)
    .replaceAll("](", "]" + ZWSP + "(")
    .replaceAll("&", "&" + ZWSP);
}

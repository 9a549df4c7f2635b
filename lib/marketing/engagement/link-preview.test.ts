import { describe, expect, it } from "vitest";
import { isLinkPreview } from "./link-preview";

describe("isLinkPreview", () => {
  it("recognises preview fetchers and crawlers", () => {
    for (const ua of [
      "WhatsApp/2.23.20.0 A", "WhatsApp/2.2409.2 i", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
      "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Twitterbot/1.0", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
      "TelegramBot (like TwitterBot)", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.4.0", "",
    ]) expect(isLinkPreview({ method: "GET", userAgent: ua }), ua).toBe(true);
    expect(isLinkPreview({ method: "GET", userAgent: null })).toBe(true);
  });
  it("counts people's browsers, never HEAD requests", () => {
    const phone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
    const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    expect(isLinkPreview({ method: "GET", userAgent: phone })).toBe(false);
    expect(isLinkPreview({ method: "GET", userAgent: iphone })).toBe(false);
    expect(isLinkPreview({ method: "HEAD", userAgent: phone })).toBe(true);
  });
});

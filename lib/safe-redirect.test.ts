import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_SIGN_IN, safeCallbackPath } from "./safe-redirect";

describe("safeCallbackPath", () => {
  it("keeps a path of this site, with its query and hash", () => {
    expect(safeCallbackPath("/campaigns?status=active#top")).toBe("/campaigns?status=active#top");
    expect(safeCallbackPath("/campaigns/abc")).toBe("/campaigns/abc");
  });

  it.each([
    ["tab between the slashes", "/\t/evil.com"],
    ["newline between the slashes", "/\n/evil.com"],
    ["protocol-relative", "//evil.com"],
    ["backslash", "/\\evil.com"],
    ["backslashes", "\\\\evil.com"],
    ["absolute URL elsewhere", "https://evil.com/overview"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["leading spaces", "  //evil.com"],
  ])("refuses a %s (%j)", (_label, value) => {
    expect(safeCallbackPath(value)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it("a same-origin absolute URL becomes its path; one whose path starts with // cannot escape", () => {
    expect(safeCallbackPath("https://app.example.com/audit?x=1", "https://app.example.com")).toBe("/audit?x=1");
    expect(safeCallbackPath("https://app.example.com//evil.com", "https://app.example.com")).toBe("/evil.com");
    expect(safeCallbackPath("http://app.example.com/audit", "https://app.example.com")).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it("a relative path without a leading slash stays on this site", () => {
    expect(safeCallbackPath("campaigns")).toBe("/campaigns");
  });

  it("missing or empty → the default; first of several values", () => {
    expect(safeCallbackPath(undefined)).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeCallbackPath("")).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeCallbackPath(["/customers", "//evil.com"])).toBe("/customers");
  });

  it("the result, followed by a browser from any origin, stays on that origin", () => {
    for (const v of ["/\t/evil.com", "//evil.com", "/\\evil.com", "https://app.invalid//evil.com", "/ok", "/%2F%2Fevil.com"]) {
      const followed = new URL(safeCallbackPath(v), "https://mine.example");
      expect(followed.origin).toBe("https://mine.example");
    }
  });
});

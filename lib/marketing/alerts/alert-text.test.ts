import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertLiteral } from "./alert-text";

/** What Slack and Teams would turn into a mention or a link. */
const ACTIVE = [/<!(channel|here|everyone)[^>]*>/, /<@[A-Z0-9]+>/, /<#[A-Z0-9]+[^>]*>/, /<[a-z]+:[^>]*>/i, /(^|[^\w\u200B])@(here|channel|everyone)\b/, /\[[^\]]*\]\(/, /&lt;|&gt;/];

describe("alertLiteral", () => {
  it.each([
    ["<!channel> sale", "‹!channel› sale"],
    ["hi <!here|here>", "hi ‹!here|here›"],
    ["<@U024BE7LH> look", "‹@\u200BU024BE7LH› look"],
    ["@here spring sale", "@\u200Bhere spring sale"],
    ["[click me](https://evil.example)", "[click me]\u200B(https://evil.example)"],
    ["<https://evil.example|Open>", "‹https://evil.example|Open›"],
    ["&lt;!channel&gt;", "&\u200Blt;!channel&\u200Bgt;"],
  ])("neutralises %j", (input, expected) => {
    const out = alertLiteral(input);
    expect(out).toBe(expected);
    for (const pattern of ACTIVE) expect(out).not.toMatch(pattern);
  });

  it("keeps ordinary names as they are, and flattens line breaks", () => {
    expect(alertLiteral("Spring sale 2026 — 20% off!")).toBe("Spring sale 2026 — 20% off!");
    expect(alertLiteral("Sale\n\nCampaign 'x' completed")).toBe("Sale Campaign 'x' completed");
    expect(alertLiteral(null)).toBe("");
  });

  it("clips long text", () => {
    expect(alertLiteral("x".repeat(500))).toHaveLength(200);
  });

  it("no input produces a mention, a Slack link or a markdown link", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("<", ">", "!", "@", "[", "]", "(", ")", "|", "&", "h", "e", "r", "c", "a", "n", "U", "1", " ", ":", "\n") }), (s) => {
        const out = alertLiteral(s, 10_000);
        for (const pattern of ACTIVE) expect(out).not.toMatch(pattern);
        expect(out).not.toMatch(/[\r\n]/);
      }),
    );
  });
});

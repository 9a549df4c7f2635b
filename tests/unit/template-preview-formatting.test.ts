/** The template preview shows WhatsApp's formatting: every kind in one text, and kinds inside each other. */
import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Rich } from "@/components/templates/template-preview";

const html = (text: string) => renderToStaticMarkup(createElement(Rich, { text })).replace(/<\/?span>/g, "");

describe("template preview formatting", () => {
  it("renders *bold*, _italic_ and ~strike~ in one body (QA: only bold was rendered, _ and ~ showed raw)", () => {
    expect(html("*Big* sale, _today_ only, ~$99~ $49")).toBe("<strong>Big</strong> sale, <em>today</em> only, <s>$99</s> $49");
  });
  it("nests kinds and keeps placeholders highlighted", () => {
    expect(html("*_Hurry_*, {{1}}")).toBe('<strong><em>Hurry</em></strong>, <mark class="rounded bg-amber-100 px-0.5 text-amber-900">{{1}}</mark>');
  });
});

/**
 * A template written in the dashboard, checked the way Meta's review checks its form before it reaches
 * Meta, and turned into Meta's creation request (POST /{waba_id}/message_templates):
 *  - name: lowercase letters, digits and underscores; language: a code such as en_US;
 *    category MARKETING or UTILITY;
 *  - header: none, TEXT (≤ 60 characters, at most one variable {{1}} with its sample) or IMAGE / VIDEO /
 *    DOCUMENT with a sample media handle (from Meta's resumable upload);
 *  - body: ≤ 1024 characters with positional variables {{1}}…{{n}} numbered in sequence, each with the
 *    sample value Meta requires for review, none at the very start or end of the body;
 *  - footer: ≤ 60 characters, no variables;
 *  - buttons: up to 10 — quick replies (≤ 25 characters), up to 2 URL buttons (a variable only at the end
 *    of the URL, with a sample URL), 1 phone number, 1 copy-code button (sample code ≤ 15 characters).
 * Pure: shared by the builder form (live checks and preview) and the use-cases.
 */
import { z } from "@/lib/zod";
import type { TMetaTemplateComponent } from "@/lib/whatsapp/templates/meta-template";
import type { TemplateCreateRequest } from "@/lib/whatsapp/templates/template-submission-api";
import { textVariables } from "./requirements";

const BUTTON_TEXT = z.string().trim().min(1, "give the button's text").max(25, "at most 25 characters");

const ZButton = z.discriminatedUnion("type", [
  z.object({ type: z.literal("QUICK_REPLY"), text: BUTTON_TEXT }),
  z.object({
    type: z.literal("URL"),
    text: BUTTON_TEXT,
    url: z.string().trim().max(2000).regex(/^https:\/\/\S+$/, "an https URL"),
    example: z.string().trim().max(2000).optional(),
  }),
  z.object({ type: z.literal("PHONE_NUMBER"), text: BUTTON_TEXT, phone_number: z.string().trim().regex(/^\+[1-9]\d{6,14}$/, "a phone number in international format (+15550100200)") }),
  z.object({ type: z.literal("COPY_CODE"), example: z.string().trim().min(1, "give a sample code").max(15, "at most 15 characters") }),
]);

const ZHeader = z.discriminatedUnion("format", [
  z.object({ format: z.literal("NONE") }),
  z.object({ format: z.literal("TEXT"), text: z.string().trim().min(1, "give the header text").max(60, "at most 60 characters"), example: z.string().trim().max(60).optional() }),
  z.object({ format: z.enum(["IMAGE", "VIDEO", "DOCUMENT"]), example: z.string().trim().min(1, "give a sample media handle from Meta's upload").max(2000) }),
]);

export const ZTemplateDraft = z
  .object({
    // an empty name is told that alone, not also which characters a name takes (`*`: "" is min's to refuse)
    name: z.string().trim().min(1, "give the template a name").max(512).regex(/^[a-z0-9_]*$/, "lowercase letters, digits and _ only"),
    language: z.string().trim().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "a language code such as en_US"),
    category: z.enum(["MARKETING", "UTILITY"]),
    header: ZHeader.default({ format: "NONE" }),
    body: z.object({
      text: z.string().trim().min(1, "give the body text").max(1024, "at most 1024 characters"),
      examples: z.array(z.string().trim().max(1024)).max(100).default([]),
    }),
    footer: z.string().trim().max(60, "at most 60 characters").optional(),
    buttons: z.array(ZButton).max(10, "at most 10 buttons").default([]),
  })
  .superRefine((d, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: "custom", path, message });
    if (d.header.format === "TEXT") {
      const vars = textVariables(d.header.text);
      if (vars.length > 1 || (vars.length === 1 && vars[0] !== "1")) issue(["header", "text"], "the header takes at most one variable, {{1}}");
      else if (vars.length === 1 && !d.header.example) issue(["header", "example"], "give a sample value for the header's {{1}}");
    }
    const vars = textVariables(d.body.text);
    if (vars.some((v) => !/^[1-9]\d*$/.test(v))) issue(["body", "text"], "use numbered variables {{1}}, {{2}}, …");
    else {
      const gap = [...vars].sort((a, b) => Number(a) - Number(b)).findIndex((v, i) => v !== String(i + 1));
      if (gap >= 0) issue(["body", "text"], `number the variables {{1}} to {{${vars.length}}} without gaps: {{${gap + 1}}} is missing`);
    }
    // one of Meta's common reasons to reject a template: a variable at the very start or end of the body
    const body = d.body.text.trim();
    if (/^\{\{[^}]*\}\}/.test(body) || /\{\{[^}]*\}\}$/.test(body)) issue(["body", "text"], "a variable cannot start or end the body: Meta rejects such templates (write text before and after it)");
    vars.forEach((v, i) => {
      if (!d.body.examples[i]) issue(["body", "examples", i], `give a sample value for {{${i + 1}}}`);
    });
    d.body.examples.slice(vars.length).forEach((_, k) => issue(["body", "examples", vars.length + k], `extra sample value #${vars.length + k + 1}: the body has ${vars.length} variable${vars.length === 1 ? "" : "s"}`));
    if (d.footer && textVariables(d.footer).length > 0) issue(["footer"], "the footer cannot have variables");
    const count = (type: string) => d.buttons.filter((b) => b.type === type).length;
    if (count("URL") > 2) issue(["buttons"], "at most 2 URL buttons");
    if (count("PHONE_NUMBER") > 1) issue(["buttons"], "at most 1 phone number button");
    if (count("COPY_CODE") > 1) issue(["buttons"], "at most 1 copy-code button");
    d.buttons.forEach((b, i) => {
      if (b.type !== "URL") return;
      const urlVars = textVariables(b.url);
      if (urlVars.length > 1 || (urlVars.length === 1 && !/\{\{1\}\}$/.test(b.url))) issue(["buttons", i, "url"], "a URL takes one variable, {{1}}, at its end");
      else if (urlVars.length === 1 && !b.example) issue(["buttons", i, "example"], "give a sample URL with the variable filled in");
    });
  });
export type TTemplateDraft = z.infer<typeof ZTemplateDraft>;
export type TTemplateDraftInput = z.input<typeof ZTemplateDraft>;

/** The draft's components as Meta takes (and later returns) them. */
export function draftComponents(d: TTemplateDraft): TMetaTemplateComponent[] {
  const out: TMetaTemplateComponent[] = [];
  if (d.header.format === "TEXT") {
    out.push({ type: "HEADER", format: "TEXT", text: d.header.text, ...(textVariables(d.header.text).length && d.header.example ? { example: { header_text: [d.header.example] } } : {}) });
  } else if (d.header.format !== "NONE") {
    out.push({ type: "HEADER", format: d.header.format, example: { header_handle: [d.header.example] } });
  }
  const vars = textVariables(d.body.text);
  out.push({ type: "BODY", text: d.body.text, ...(vars.length ? { example: { body_text: [d.body.examples.slice(0, vars.length)] } } : {}) });
  if (d.footer) out.push({ type: "FOOTER", text: d.footer });
  if (d.buttons.length > 0) {
    out.push({
      type: "BUTTONS",
      buttons: d.buttons.map((b) => {
        if (b.type === "URL") return { type: "URL", text: b.text, url: b.url, ...(textVariables(b.url).length && b.example ? { example: [b.example] } : {}) };
        if (b.type === "PHONE_NUMBER") return { type: "PHONE_NUMBER", text: b.text, phone_number: b.phone_number };
        if (b.type === "COPY_CODE") return { type: "COPY_CODE", example: b.example };
        return { type: "QUICK_REPLY", text: b.text };
      }),
    });
  }
  return out;
}

export function createRequestOf(d: TTemplateDraft): TemplateCreateRequest {
  return { name: d.name, language: d.language, category: d.category, components: draftComponents(d) };
}

/** A stored template's components as a draft (to edit it); what the builder cannot edit is reported. */
export function draftOf(t: { name: string; language: string; category: string; components: TMetaTemplateComponent[] }): { draft: TTemplateDraftInput; unsupported: string[] } {
  const unsupported: string[] = [];
  const draft: TTemplateDraftInput = { name: t.name, language: t.language, category: t.category === "UTILITY" ? "UTILITY" : "MARKETING", body: { text: "", examples: [] }, buttons: [] };
  for (const c of t.components) {
    if (c.type === "HEADER") {
      const f = c.format ?? "TEXT";
      if (f === "TEXT") draft.header = { format: "TEXT", text: c.text ?? "", example: c.example?.header_text?.[0] };
      else if (f === "IMAGE" || f === "VIDEO" || f === "DOCUMENT") draft.header = { format: f, example: c.example?.header_handle?.[0] ?? "" };
      else unsupported.push(`header ${f}`);
    } else if (c.type === "BODY") draft.body = { text: c.text ?? "", examples: c.example?.body_text?.[0] ?? [] };
    else if (c.type === "FOOTER") draft.footer = c.text ?? "";
    else if (c.type === "BUTTONS") {
      for (const b of c.buttons ?? []) {
        const example = Array.isArray(b.example) ? b.example[0] : b.example;
        if (b.type === "QUICK_REPLY") draft.buttons!.push({ type: "QUICK_REPLY", text: b.text ?? "" });
        else if (b.type === "URL") draft.buttons!.push({ type: "URL", text: b.text ?? "", url: b.url ?? "", example });
        else if (b.type === "PHONE_NUMBER") draft.buttons!.push({ type: "PHONE_NUMBER", text: b.text ?? "", phone_number: b.phone_number ?? "" });
        else if (b.type === "COPY_CODE") draft.buttons!.push({ type: "COPY_CODE", example: example ?? "" });
        else unsupported.push(`${b.type} button`);
      }
    } else unsupported.push(`${c.type.toLowerCase()} component`);
  }
  return { draft, unsupported };
}

/**
 * WhatsApp's marketing best practice: tell people how to stop. A MARKETING template without a
 * STOP-like quick-reply button, or STOP wording in its body or footer, gets a warning (not an error).
 */
import type { TemplateRequirements } from "./requirements";

const OPT_OUT_WORDS = [
  /\bstop\b/i,
  /\bunsubscribe\b/i,
  /\bopt[\s-]?out\b/i,
  /\bdarse de baja\b/i,
  /\bbaja\b/i,
  /\bd[ée]sabonner\b/i,
  /\bd[ée]sinscri/i,
  /\babmelden\b/i,
  /\bdescadastr/i,
  /\bcancelar (la )?suscripci[oó]n\b/i,
];

export function mentionsOptOut(text: string | null | undefined): boolean {
  return !!text && OPT_OUT_WORDS.some((w) => w.test(text));
}

/** True when the template offers a way to opt out. */
export function hasOptOut(req: TemplateRequirements): boolean {
  if (req.buttons.some((b) => b.type === "QUICK_REPLY" && mentionsOptOut(b.text))) return true;
  return mentionsOptOut(req.body.text) || mentionsOptOut(req.footer);
}

export const OPT_OUT_WARNING =
  "This MARKETING template has no opt-out: add a quick-reply button such as \"Stop promotions\" or a footer such as \"Reply STOP to unsubscribe\".";

/** Warnings about a template itself (not about a campaign's values). */
export function templateWarnings(template: { category: string; status: string; reason?: string | null }, req: TemplateRequirements): string[] {
  const warnings: string[] = [];
  if (template.category.toUpperCase() === "MARKETING" && !hasOptOut(req)) warnings.push(OPT_OUT_WARNING);
  if (template.status !== "APPROVED") {
    warnings.push(`The template is ${template.status}${template.reason && template.reason !== "NONE" ? ` (${template.reason})` : ""}: the campaign cannot be activated until Meta approves it.`);
  }
  if (req.unsupported.length > 0) warnings.push(`This template has parts this app cannot fill: ${req.unsupported.join(", ")}.`);
  return warnings;
}

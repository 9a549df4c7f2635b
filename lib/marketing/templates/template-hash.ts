/** A fingerprint of what a campaign sends (template + language + components), for test-send tracking. */
import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function campaignTemplateHash(c: { templateName: string; languageCode: string; templateComponents: unknown }): string {
  const text = JSON.stringify(canonical({ t: c.templateName, l: c.languageCode, c: c.templateComponents ?? [] }));
  return createHash("sha256").update(text).digest("hex");
}

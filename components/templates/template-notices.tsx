import { Notice } from "@/components/ui/notice";

/** "Could not be verified" and template warnings (opt-out, not approved), for forms and detail pages. */
export function TemplateNotices({ verified, warnings }: { verified: boolean | null | undefined; warnings: unknown }) {
  const list = Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === "string") : [];
  if (verified !== false && list.length === 0) return null;
  return (
    <div className="space-y-2" data-testid="template-notices">
      {verified === false && !list.some((w) => w.startsWith("The template could not be verified")) ? (
        <Notice tone="warning" title="Template not verified">The template could not be verified against the WhatsApp template library.</Notice>
      ) : null}
      {list.map((w) => (
        <Notice key={w} tone="warning">{w}</Notice>
      ))}
    </div>
  );
}

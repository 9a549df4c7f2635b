import { Notice } from "@/components/ui/notice";
import type { TemplateOption } from "./types";

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

type CategoryChange = Pick<TemplateOption, "name" | "category" | "previous_category" | "category_changed_at" | "upcoming_category" | "upcoming_category_at">;

/** A short label for a category change Meta made or announced, or null (the picker's badge). */
export function categoryChangeLabel(t: CategoryChange): string | null {
  if (t.upcoming_category) return `becomes ${t.upcoming_category.toLowerCase()}`;
  if (t.previous_category && t.previous_category !== t.category) return `was ${t.previous_category.toLowerCase()}`;
  return null;
}

/** Meta changed (or will change) the template's category: the price of each message follows it. */
export function TemplateCategoryNotice({ template: t }: { template: CategoryChange }) {
  const day = (iso: string | null | undefined) => (iso ? ` on ${iso.slice(0, 10)}` : "");
  if (t.upcoming_category) {
    return (
      <Notice tone="info" title="Category change announced">
        WhatsApp will change the category of {t.name} from {t.category} to {t.upcoming_category}
        {day(t.upcoming_category_at)}. Messages are then priced as {t.upcoming_category.toLowerCase()}.
      </Notice>
    );
  }
  if (t.previous_category && t.previous_category !== t.category) {
    return (
      <Notice tone="info" title="Category changed by WhatsApp">
        WhatsApp changed the category of {t.name} from {t.previous_category} to {t.category}
        {day(t.category_changed_at)}. Messages are priced as {t.category.toLowerCase()}.
      </Notice>
    );
  }
  return null;
}

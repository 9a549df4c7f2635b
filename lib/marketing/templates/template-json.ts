/** The API shape of a library template: Meta's fields plus the parameters it needs. */
import type { WhatsappTemplate } from "@/lib/generated/prisma/client";
import { ZMetaTemplateComponent, type TMetaTemplateComponent } from "@/lib/whatsapp/templates/meta-template";
import { z } from "@/lib/zod";
import { hasOptOut } from "./opt-out";
import { deriveTemplateRequirements, type TemplateRequirements } from "./requirements";

const ZStoredComponents = z.array(z.unknown()).catch([]);

/** The stored components, parsed leniently (an unreadable component is dropped, never fatal). */
export function storedComponents(json: unknown): TMetaTemplateComponent[] {
  return ZStoredComponents.parse(json).flatMap((c) => {
    const r = ZMetaTemplateComponent.safeParse(c);
    return r.success ? [r.data] : [];
  });
}

export function templateRequirements(t: Pick<WhatsappTemplate, "components" | "parameterFormat">): TemplateRequirements {
  return deriveTemplateRequirements(storedComponents(t.components), t.parameterFormat);
}

export function templateJson(t: WhatsappTemplate) {
  const parameters = templateRequirements(t);
  return {
    id: t.id,
    meta_id: t.metaId,
    name: t.name,
    language: t.language,
    category: t.category,
    /** Meta changed the category: the one before and when (null when it never changed) */
    previous_category: t.previousCategory,
    category_changed_at: t.categoryChangedAt?.toISOString() ?? null,
    /** Meta announced a category change: the category it will set and from when */
    upcoming_category: t.upcomingCategory,
    upcoming_category_at: t.upcomingCategoryAt?.toISOString() ?? null,
    status: t.status,
    quality_score: t.qualityScore,
    parameter_format: t.parameterFormat,
    reason: t.reason,
    deleted: t.deleted,
    components: t.components,
    has_opt_out: hasOptOut(parameters),
    parameters,
    synced_at: t.syncedAt?.toISOString() ?? null,
    updated_at: t.updatedAt.toISOString(),
  };
}

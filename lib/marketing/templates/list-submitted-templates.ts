/**
 * The templates submitted from the dashboard, as Meta's list returns them: the sandbox's library serves
 * them next to its demo templates, so a sync keeps them (Meta's own list holds them anyway).
 */
import type { TMetaTemplate } from "@/lib/whatsapp/templates/meta-template";
import type { Db } from "../db";
import { storedComponents } from "./template-json";

export async function listSubmittedTemplates(db: Db): Promise<TMetaTemplate[]> {
  const rows = await db.whatsappTemplate.findMany({ where: { deleted: false, metaId: { not: null }, submissions: { some: {} } }, orderBy: { createdAt: "asc" } });
  return rows.map((t) => ({
    id: t.metaId!, name: t.name, language: t.language, status: t.status, category: t.category,
    components: storedComponents(t.components), parameter_format: t.parameterFormat === "NAMED" ? "NAMED" : "POSITIONAL",
    quality_score: t.qualityScore, rejected_reason: t.reason,
  }));
}

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TemplateBuilder } from "@/components/templates/template-builder/template-builder";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db";
import { EDITABLE_STATUSES } from "@/lib/marketing/templates/edit-template";
import { draftOf } from "@/lib/marketing/templates/template-draft";
import { storedComponents } from "@/lib/marketing/templates/template-json";
import { requireChangerPage } from "../../../_lib/session";
import { parseUuid } from "@/lib/marketing/uuid";

export const metadata: Metadata = { title: "Edit template" };

export default async function EditTemplatePage({ params }: { params: Promise<{ templateId: string }> }) {
  await requireChangerPage("/templates");
  const { templateId } = await params;
  if (parseUuid(templateId) === null) notFound();
  const t = await getDb().whatsappTemplate.findFirst({ where: { id: templateId, deleted: false } });
  if (!t) notFound();
  const { draft, unsupported } = draftOf({ name: t.name, language: t.language, category: t.category, components: storedComponents(t.components) });
  const editable = (EDITABLE_STATUSES as readonly string[]).includes(t.status);
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        back={{ href: "/templates", label: "Templates" }}
        title={`Edit ${t.name}`}
        description="An edit goes back to Meta's review. An approved template keeps its category and can be edited once a day, ten times in 30 days."
      />
      {!editable ? (
        <Notice tone="warning" title={`${t.name} is ${t.status}`}>Meta only allows editing approved, rejected or paused templates.</Notice>
      ) : unsupported.length > 0 ? (
        <Notice tone="warning" title="Not editable here">This template has parts the editor does not handle ({unsupported.join(", ")}): edit it in WhatsApp Manager.</Notice>
      ) : (
        <TemplateBuilder initial={draft} templateId={t.id} />
      )}
    </div>
  );
}

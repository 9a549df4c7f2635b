import type { Metadata } from "next";
import { TemplateBuilder } from "@/components/templates/template-builder/template-builder";
import { PageHeader } from "@/components/ui/page-header";
import { requireChangerPage } from "../../_lib/session";

export const metadata: Metadata = { title: "New template" };

export default async function NewTemplatePage() {
  await requireChangerPage("/templates");
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        back={{ href: "/templates", label: "Templates" }}
        title="New template"
        description="Write the message, give a sample for each variable, and submit it to Meta for review."
      />
      <TemplateBuilder initial={{ name: "", language: "en_US", category: "MARKETING", header: { format: "NONE" }, body: { text: "", examples: [] }, footer: "", buttons: [] }} />
    </div>
  );
}

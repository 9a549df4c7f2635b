import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { TemplateBuilder } from "@/components/templates/template-builder/template-builder";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/marketing/users/permissions";
import { requirePageUser } from "../../_lib/session";

export const metadata: Metadata = { title: "New template" };

export default async function NewTemplatePage() {
  const user = await requirePageUser();
  if (!can(user.role, "change")) redirect("/templates");
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

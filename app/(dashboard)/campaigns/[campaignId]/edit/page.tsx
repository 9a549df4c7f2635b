import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { CampaignForm } from "@/components/campaigns/campaign-form";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db";
import { readTargetAudience } from "@/lib/marketing/campaigns/target-audience";
import { customerFilterOptions } from "@/lib/marketing/customers/search-customers";
import { can } from "@/lib/marketing/users/permissions";
import { getTemplateEditorData } from "@/lib/marketing/templates/template-editor-data";
import { getTemplatesApi } from "@/lib/server/templates";
import { getEnv } from "@/lib/env";
import { readSendWindow } from "@/lib/marketing/sending/send-window";
import { readAbTest, readVariants } from "@/lib/marketing/ab/variants";
import { requirePageUser } from "../../../_lib/session";
import { parseUuid } from "@/lib/marketing/uuid";

export const metadata: Metadata = { title: "Edit campaign" };

export default async function EditCampaignPage({ params }: { params: Promise<{ campaignId: string }> }) {
  const user = await requirePageUser();
  const { campaignId } = await params;
  if (parseUuid(campaignId) === null) notFound();
  const db = getDb();
  const c = await db.marketingCampaign.findUnique({ where: { id: campaignId } });
  if (!c) notFound();
  if (c.status !== "draft" || !can(user.role, "change")) redirect(`/campaigns/${c.id}`);
  const options = await customerFilterOptions({ db });
  const library = await getTemplateEditorData({ db, api: getTemplatesApi(), campaignId: c.id, targetAudience: c.targetAudience });
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        back={{ href: `/campaigns/${c.id}`, label: c.name }}
        title="Edit draft"
        description="Everything can change until the campaign is activated."
      />
      <CampaignForm
        initial={{
          id: c.id,
          name: c.name,
          description: c.description ?? "",
          template_name: c.templateName,
          language_code: c.languageCode,
          daily_send_limit: c.dailySendLimit,
          priority: c.priority,
          target_audience: readTargetAudience(c.targetAudience),
          template_components: Array.isArray(c.templateComponents) ? (c.templateComponents as unknown[]) : [],
          send_window: readSendWindow(c.sendWindow),
          budget: c.budget === null ? null : Number(c.budget),
          variants: readVariants(c.variants),
          ab_test: readAbTest(c.abTest),
        }}
        timezone={getEnv().CAMPAIGN_TIMEZONE}
        options={{ tiers: options.tiers.map((o) => o.value), cities: options.cities.map((o) => o.value), tags: options.tags.map((o) => o.value) }}
        templateLibrary={library}
      />
    </div>
  );
}

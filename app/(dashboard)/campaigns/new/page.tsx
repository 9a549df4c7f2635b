import type { Metadata } from "next";
import { CampaignForm } from "@/components/campaigns/campaign-form";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db";
import { customerFilterOptions } from "@/lib/marketing/customers/search-customers";
import { getTemplateEditorData } from "@/lib/marketing/templates/template-editor-data";
import { getTemplatesApi } from "@/lib/server/templates";
import { getEnv } from "@/lib/env";
import { getSendingSettings } from "@/lib/marketing/sending/sending-settings";
import { requireChangerPage } from "../../_lib/session";

export const metadata: Metadata = { title: "New campaign" };

export default async function NewCampaignPage() {
  await requireChangerPage("/campaigns");
  const options = await customerFilterOptions({ db: getDb() });
  const library = await getTemplateEditorData({ db: getDb(), api: getTemplatesApi(), targetAudience: {} });
  const { defaultSendWindow } = await getSendingSettings(getDb());
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        back={{ href: "/campaigns", label: "Campaigns" }}
        title="New campaign"
        description="Campaigns start as drafts: add recipients and activate when you are ready."
      />
      <CampaignForm
        initial={{ name: "", description: "", template_name: "", language_code: "en_US", daily_send_limit: 250, priority: 5, target_audience: {}, template_components: [], send_window: defaultSendWindow }}
        timezone={getEnv().CAMPAIGN_TIMEZONE}
        options={{ tiers: options.tiers.map((o) => o.value), cities: options.cities.map((o) => o.value), tags: options.tags.map((o) => o.value) }}
        templateLibrary={library}
      />
    </div>
  );
}

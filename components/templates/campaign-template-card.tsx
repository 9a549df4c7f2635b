/**
 * The campaign page's template section: whether the template was verified and its warnings, the
 * message preview for a sample recipient, and test sends. The page loads `data` (getTemplateEditorData).
 */
import type { MarketingCampaign } from "@/lib/generated/prisma/client";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import type { NamedCountry } from "@/components/ui/format";
import type { getTemplateEditorData } from "@/lib/marketing/templates/template-editor-data";
import { TemplateCategoryNotice, TemplateNotices } from "./template-notices";
import { TemplateStatusBadge } from "./template-picker";
import { TemplatePreview } from "./template-preview";
import { TestSendPanel } from "./test-send-panel";

export function CampaignTemplateCard({ campaign: c, canChange, data, defaultCountry = null }: {
  campaign: MarketingCampaign; canChange: boolean; data: Awaited<ReturnType<typeof getTemplateEditorData>>;
  /** how typed test numbers without + or 00 are read (the workspace's default country) */
  defaultCountry?: NamedCountry | null;
}) {
  const template = data.templates.find((t) => t.name === c.templateName && t.language === c.languageCode) ?? null;
  const open = c.status === "draft" || c.status === "active" || c.status === "paused";
  return (
    <Card className="mt-6" data-testid="campaign-template">
      <CardHeader
        title="Message preview"
        description={data.sampleCustomer?.name ? `As ${data.sampleCustomer.name} will see it` : "With the fallback values"}
        actions={template ? <TemplateStatusBadge status={template.status} /> : null}
      />
      <CardBody className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <div className="space-y-3">
          <TemplateNotices verified={c.templateVerified} warnings={c.templateWarnings} />
          {template && template.status !== "APPROVED" && open ? (
            <Notice tone="error" title={`Template ${template.status.toLowerCase()}`}>
              {c.templateName} is {template.status}
              {template.reason ? ` (${template.reason})` : ""}: this campaign cannot be activated or resumed until Meta approves the template.
            </Notice>
          ) : null}
          {template ? <TemplateCategoryNotice template={template} /> : null}
          {template ? (
            <TemplatePreview requirements={template.parameters} components={c.templateComponents} customer={data.sampleCustomer} />
          ) : (
            <Notice tone="info">{data.library.available ? `${c.templateName} (${c.languageCode}) is not in the template library.` : "No template library: the preview needs WHATSAPP_BUSINESS_ACCOUNT_ID."}</Notice>
          )}
        </div>
        {canChange && open ? (
          <div>
            <h3 className="mb-2 text-sm font-semibold text-slate-900">Send a test</h3>
            <TestSendPanel
              campaignId={c.id}
              rememberedNumbers={data.testPhoneNumbers}
              lastTestSendAt={c.lastTestSendAt?.toISOString() ?? null}
              requireTestSend={data.requireTestSend}
              defaultCountry={defaultCountry}
            />
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

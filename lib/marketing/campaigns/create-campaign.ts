import { z } from "@/lib/zod";
import { ZCampaignComponents } from "@/lib/whatsapp/components";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import { assertTrackable } from "../engagement/tracked-link";
import { checkCampaignTemplate } from "../templates/check-campaign-template";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { Prisma, type Db, type Tx } from "../db";
import { normalizeSendWindow, ZSendWindow, type TSendWindow } from "../sending/send-window";
import { getSendingSettings, ZFailureGuardOverride } from "../sending/sending-settings";
import { campaignJson } from "./campaign-json";
import { ZTargetAudience } from "./target-audience";
import { ZBudget } from "../cost/budget";
import { ZLanguageCode, ZTemplateName } from "./template-fields";
import { checkVariants, withVariantDefaults } from "../ab/check-variants";
import { ZAbTest, ZVariants } from "../ab/variants";

/** The fields of a campaign, without defaults (ZUpdateCampaign is its partial). */
export const ZCampaignFields = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).nullish(),
    template_name: ZTemplateName,
    language_code: ZLanguageCode,
    daily_send_limit: z.number().int().min(1).max(100_000),
    priority: z.number().int().min(1).max(10),
    target_audience: ZTargetAudience,
    template_components: ZCampaignComponents,
    /** {start, end, days} in CAMPAIGN_TIMEZONE; null = any time. Omitted on create: the workspace default. */
    send_window: ZSendWindow.nullable(),
    /** per-campaign failure-guard override (null = the workspace's) */
    failure_guard: ZFailureGuardOverride.nullable(),
    /** the most the campaign may spend, in the rate card's currency (null = no cap) */
    budget: ZBudget.nullable(),
    /** A/B test: 2–4 variants (each its own template and values) with shares summing to 100; null = none */
    variants: ZVariants.nullable(),
    /** "test, then send the winner" (needs variants); null = every recipient is sent their variant */
    ab_test: ZAbTest.nullable(),
  })
  .strict();

export const ZCreateCampaign = ZCampaignFields.extend({
  /** may be omitted when variants are given: the first variant's template is the campaign's */
  template_name: ZTemplateName.optional(),
  language_code: ZCampaignFields.shape.language_code.optional(),
  daily_send_limit: ZCampaignFields.shape.daily_send_limit.default(250),
  priority: ZCampaignFields.shape.priority.default(5),
  target_audience: ZTargetAudience.default({}),
  template_components: ZCampaignComponents.optional(),
  send_window: ZCampaignFields.shape.send_window.optional(),
  failure_guard: ZCampaignFields.shape.failure_guard.optional(),
  budget: ZCampaignFields.shape.budget.optional(),
  variants: ZCampaignFields.shape.variants.optional(),
  ab_test: ZCampaignFields.shape.ab_test.optional(),
}).strict().superRefine((c, ctx) => {
  if (c.template_name === undefined && !c.variants) ctx.addIssue({ code: "custom", path: ["template_name"], message: "Required: the template to send (or give variants)" });
});
export type TCreateCampaign = z.input<typeof ZCreateCampaign>;

export async function createCampaign({ db, now, input, principal, templates = null, appUrl = null, followUpOf = null }: {
  db: Db; now: Date; input: TCreateCampaign; principal?: Principal | null;
  /** the app's public URL (APP_URL): tracked links need a template button pointing at {appUrl}/r/{{1}} */
  appUrl?: string | null;
  /** a follow-up: the parent campaign and the outcome its recipients were selected by (set in the same transaction) */
  followUpOf?: { parentCampaignId: string; outcome: string; within?: (tx: Tx, campaignId: string) => Promise<void> } | null;
  /** the template library (lib/server/templates.ts); null = not available: accepted unverified */
  templates?: TemplatesApi | null;
}) {
  const data = withVariantDefaults(ZCreateCampaign.parse(input));
  // 422 TEMPLATE_NOT_FOUND / TEMPLATE_PARAMETERS_MISMATCH; warnings (opt-out, not verified) are stored
  const check = await checkCampaignTemplate({ db, now, api: templates, templateName: data.template_name, languageCode: data.language_code, components: data.template_components });
  assertTrackable({ components: check.components, template: check.template, appUrl });
  const ab = await checkVariants({ db, now, api: templates, variants: data.variants ?? null, abTest: data.ab_test ?? null });
  const sendWindow = data.send_window === undefined ? (await getSendingSettings(db)).defaultSendWindow : data.send_window;
  const campaign = await db.$transaction(async (tx) => {
    const c = await tx.marketingCampaign.create({
      data: {
        name: data.name,
        description: data.description ?? null,
        templateName: data.template_name,
        languageCode: data.language_code,
        dailySendLimit: data.daily_send_limit,
        priority: data.priority,
        targetAudience: data.target_audience,
        templateComponents: check.components as object[],
        templateVerified: check.verified,
        templateWarnings: [...check.warnings, ...ab.warnings],
        variants: jsonOrDbNull(ab.variants),
        abTest: jsonOrDbNull(data.ab_test ?? null),
        sendWindow: jsonOrDbNull(sendWindow ? normalizeSendWindow(sendWindow) : null),
        failureGuard: jsonOrDbNull(data.failure_guard ?? null),
        budget: data.budget ?? null,
        status: "draft",
        createdById: principal?.kind === "user" ? principal.id : null,
        parentCampaignId: followUpOf?.parentCampaignId ?? null,
        followUpOutcome: followUpOf?.outcome ?? null,
        createdAt: now,
        updatedAt: now,
      },
    });
    await audit(tx, { actor: principal?.actor ?? "system", action: "campaign.create", entityType: "campaign", entityId: c.id, details: { name: c.name }, now });
    if (followUpOf) await followUpOf.within?.(tx, c.id);
    return c;
  });
  return { ...campaignJson(campaign), message: `Campaign '${campaign.name}' created successfully` };
}

/** A nullable jsonb value for Prisma (null → SQL NULL). */
export function jsonOrDbNull(value: TSendWindow | object | null): object | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : value;
}

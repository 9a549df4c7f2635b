/**
 * The template checks the campaign use-cases call:
 *
 *  checkCampaignTemplate  – create / update: the template must exist (a lookup with name= asks Meta when
 *                           the library does not know it) and the components must supply exactly what it
 *                           needs; returns { verified, warnings, components } to store in
 *                           template_verified / template_warnings / template_components.
 *  assertTemplateApproved – activate / resume: 422 TEMPLATE_NOT_APPROVED with the status and reason.
 *  assertTestSendDone     – activate: 409 TEST_SEND_REQUIRED when settings.require_test_send is on and
 *                           the template or components changed since the last successful test send.
 *
 * `api` is the library's source (lib/whatsapp/templates/create-templates-api.ts); null = the library is
 * not available (no WHATSAPP_BUSINESS_ACCOUNT_ID): campaigns are accepted unverified, with a notice. Meta
 * being unreachable during a lookup is treated the same way.
 */
import type { WhatsappTemplate } from "@/lib/generated/prisma/client";
import { ZCampaignComponents, type TCampaignComponents } from "@/lib/whatsapp/components";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import { TemplatesApiError } from "@/lib/whatsapp/templates/templates-api";
import type { Db, DbOrTx } from "../db";
import { AppError, issuesToDetails } from "../errors";
import { templateWarnings } from "./opt-out";
import { upsertTemplates } from "./sync-templates";
import { campaignTemplateHash } from "./template-hash";
import { templateRequirements } from "./template-json";
import { validateTemplateComponents } from "./validate-components";

export const NOT_CONFIGURED_NOTICE =
  "The template could not be verified: the template library is not configured (set WHATSAPP_BUSINESS_ACCOUNT_ID). Check the template name, language and values yourself.";
export const UNREACHABLE_NOTICE = "The template could not be verified: Meta's template API could not be reached. It will be checked again before sending.";

export type TemplateCheck = {
  verified: boolean;
  warnings: string[];
  /** the components, parsed */
  components: TCampaignComponents;
  template: WhatsappTemplate | null;
};

type Found = { template: WhatsappTemplate } | { template: null; unreachable: boolean };

/** The library's row for name + language, asking Meta (name=) when the library does not know it. */
export async function findTemplateWithLookup({ db, now, api, templateName, languageCode }: {
  db: Db; now: Date; api: TemplatesApi; templateName: string; languageCode: string;
}): Promise<Found> {
  const local = await db.whatsappTemplate.findUnique({ where: { name_language: { name: templateName, language: languageCode } } });
  if (local && !local.deleted) return { template: local };
  try {
    const found = await api.lookup(templateName);
    if (found.length > 0) await upsertTemplates(db, found, now);
  } catch (error) {
    if (error instanceof TemplatesApiError) return { template: null, unreachable: true };
    throw error;
  }
  const after = await db.whatsappTemplate.findUnique({ where: { name_language: { name: templateName, language: languageCode } } });
  return after && !after.deleted ? { template: after } : { template: null, unreachable: false };
}

async function notFound(db: Db, templateName: string, languageCode: string): Promise<never> {
  const others = await db.whatsappTemplate.findMany({ where: { name: templateName, deleted: false }, select: { language: true } });
  throw new AppError(
    "TEMPLATE_NOT_FOUND",
    `No template '${templateName}' in ${languageCode} exists in the WhatsApp Business account${others.length ? ` (it exists in ${others.map((o) => o.language).join(", ")})` : ""}.`,
    { template_name: templateName, language_code: languageCode, available_languages: others.map((o) => o.language) },
  );
}

function parseUnverified(components: unknown): TCampaignComponents {
  const parsed = ZCampaignComponents.safeParse(components ?? []);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "Some values are invalid.", issuesToDetails(parsed.error.issues.map((i) => ({ ...i, path: ["template_components", ...i.path] }))));
  return parsed.data;
}

export async function checkCampaignTemplate({ db, now, api, templateName, languageCode, components }: {
  db: Db; now: Date; api: TemplatesApi | null; templateName: string; languageCode: string; components: unknown;
}): Promise<TemplateCheck> {
  if (!api) return { verified: false, warnings: [NOT_CONFIGURED_NOTICE], components: parseUnverified(components), template: null };
  const found = await findTemplateWithLookup({ db, now, api, templateName, languageCode });
  if (!found.template) {
    if (found.unreachable) return { verified: false, warnings: [UNREACHABLE_NOTICE], components: parseUnverified(components), template: null };
    return notFound(db, templateName, languageCode);
  }
  const template = found.template;
  const req = templateRequirements(template);
  const result = validateTemplateComponents(req, components);
  if (!result.ok) {
    throw new AppError(
      "TEMPLATE_PARAMETERS_MISMATCH",
      `The values do not fit template '${templateName}' (${languageCode}): ${result.problems.map((p) => p.message).join("; ")}.`,
      result.problems,
    );
  }
  return { verified: true, warnings: templateWarnings(template, req), components: result.components, template };
}

/** Activation / resume: the template must be APPROVED (when the library can tell). */
export async function assertTemplateApproved({ db, now, api, templateName, languageCode }: {
  db: Db; now: Date; api: TemplatesApi | null; templateName: string; languageCode: string;
}): Promise<{ verified: boolean }> {
  if (!api) return { verified: false };
  const found = await findTemplateWithLookup({ db, now, api, templateName, languageCode });
  if (!found.template) {
    if (found.unreachable) return { verified: false };
    return notFound(db, templateName, languageCode);
  }
  const t = found.template;
  if (t.status !== "APPROVED") {
    const reason = t.reason && t.reason !== "NONE" ? t.reason : null;
    throw new AppError(
      "TEMPLATE_NOT_APPROVED",
      `Template '${t.name}' (${t.language}) is ${t.status}${reason ? `: ${reason}` : ""}. Only templates Meta has approved can be sent.`,
      { template_name: t.name, language_code: t.language, status: t.status, reason },
    );
  }
  return { verified: true };
}

/** Activation: with settings.require_test_send, the exact message must have had a successful test send. */
export async function assertTestSendDone({ db, campaign }: {
  db: DbOrTx;
  campaign: { templateName: string; languageCode: string; templateComponents: unknown; lastTestSendHash: string | null; lastTestSendAt?: Date | null };
}): Promise<void> {
  const settings = await db.setting.findUnique({ where: { id: 1 }, select: { requireTestSend: true } });
  if (!settings?.requireTestSend) return;
  if (campaign.lastTestSendHash === campaignTemplateHash(campaign)) return;
  throw new AppError(
    "TEST_SEND_REQUIRED",
    campaign.lastTestSendHash
      ? "The template or its values changed since the last successful test send: send a test before activating."
      : "Send a test message before activating (required by the workspace settings).",
    { last_test_send_at: campaign.lastTestSendAt?.toISOString() ?? null },
  );
}

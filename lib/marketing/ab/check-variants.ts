/**
 * A campaign's A/B settings on create and update: every variant's template is checked exactly like the
 * campaign's own (it must exist, and its values must supply exactly what it needs); "test, then send the
 * winner" needs variants. A campaign with variants takes its own template from the first variant when none
 * is given, so the campaign's template fields always name a message it sends.
 */
import type { TCampaignComponents } from "@/lib/whatsapp/components";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import { AppError } from "../errors";
import type { Db, Tx } from "../db";
import { Prisma } from "../db";
import { checkCampaignTemplate } from "../templates/check-campaign-template";
import { variantSql, type AbCampaign, type TAbTest, type TVariants } from "./variants";

/** create: a campaign given variants but no template takes the first variant's template, language and values. */
export function withVariantDefaults<T extends { template_name?: string; language_code?: string; template_components?: TCampaignComponents; variants?: TVariants | null }>(
  data: T,
): T & { template_name: string; language_code: string; template_components: TCampaignComponents } {
  const first = data.template_name === undefined ? data.variants?.[0] : undefined;
  return {
    ...data,
    // ZCreateCampaign requires template_name unless variants are given
    template_name: data.template_name ?? first?.template_name ?? "",
    language_code: data.language_code ?? first?.language_code ?? "en_US",
    template_components: data.template_components ?? first?.template_components ?? [],
  };
}

/** Checks each variant's template (422 with the variant named) and returns them with parsed values, plus warnings. */
export async function checkVariants({ db, now, api, variants, abTest }: {
  db: Db; now: Date; api: TemplatesApi | null; variants: TVariants | null; abTest: TAbTest | null;
}): Promise<{ variants: TVariants | null; warnings: string[] }> {
  if (abTest && !variants) {
    throw new AppError("VALIDATION_FAILED", "ab_test needs variants: give 2 to 4 variants to test.", [{ path: "ab_test", message: "needs variants" }]);
  }
  if (!variants) return { variants: null, warnings: [] };
  const checked: TVariants = [];
  const warnings = new Set<string>();
  for (const [i, v] of variants.entries()) {
    try {
      const check = await checkCampaignTemplate({ db, now, api, templateName: v.template_name, languageCode: v.language_code, components: v.template_components });
      checked.push({ ...v, template_components: check.components });
      for (const w of check.warnings) warnings.add(`Variant '${v.name}': ${w}`);
    } catch (error) {
      if (error instanceof AppError) {
        throw new AppError(error.code, `Variant '${v.name}': ${error.message}`, { variant: i, variant_name: v.name, problems: error.details ?? null });
      }
      throw error;
    }
  }
  return { variants: checked, warnings: [...warnings] };
}

/** Gives every recipient of the campaign the variant its hash says now (a draft whose variants changed). */
export async function reassignVariants(tx: Tx, campaign: AbCampaign): Promise<number> {
  return tx.$executeRaw(Prisma.sql`
    UPDATE campaign_recipients r SET variant = v.variant
    FROM (SELECT id, ${variantSql(campaign, Prisma.sql`phone_number`)} AS variant FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid) v
    WHERE r.id = v.id AND r.variant IS DISTINCT FROM v.variant`);
}

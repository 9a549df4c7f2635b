/**
 * A/B tests. A campaign may have 2 to 4 variants, each with its own template, language and values and a
 * share of the recipients (whole percents summing to 100). Every recipient gets a variant when added, from
 * a stable hash of (campaign id, phone number) mapped to a bucket 0..99 and then to a variant by the
 * cumulative shares: re-adding a number, or adding it again later, gives the same variant.
 *
 * "Test, then send the winner" (ab_test): only recipients whose second, independent bucket is below
 * test_share get a variant; the others are held back (variant null, not sendable) until the winner is
 * decided (decide-ab-winner.ts), then all get the winner. Recipients added after the decision get the
 * winner directly.
 */
import { z } from "@/lib/zod";
import { ZCampaignComponents, type TCampaignComponents } from "@/lib/whatsapp/components";
import { Prisma } from "../db";
import { ZLanguageCode, ZTemplateName } from "../campaigns/template-fields";

export const MAX_VARIANTS = 4;

export const ZVariant = z
  .object({
    name: z.string().trim().min(1).max(60),
    template_name: ZTemplateName,
    language_code: ZLanguageCode.default("en_US"),
    template_components: ZCampaignComponents.default([]),
    share: z.number().int().min(1).max(99),
  })
  .strict();

export const ZVariants = z
  .array(ZVariant)
  .min(2, "an A/B test has 2 to 4 variants")
  .max(MAX_VARIANTS, "an A/B test has 2 to 4 variants")
  .superRefine((vs, ctx) => {
    const total = vs.reduce((s, v) => s + v.share, 0);
    if (total !== 100) ctx.addIssue({ code: "custom", message: `the shares must sum to 100 (they sum to ${total})` });
    const seen = new Set<string>();
    vs.forEach((v, i) => {
      const key = v.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `two variants are named '${v.name}'` });
      seen.add(key);
    });
  });
export type TVariants = z.infer<typeof ZVariants>;

export const AB_METRICS = ["read_rate", "click_rate", "reply_rate"] as const;
export type TAbMetric = (typeof AB_METRICS)[number];

/** One variant's figures (variant-stats.ts): the counts a metric is computed from. */
export type VariantCounts = {
  recipients: number; sent: number; delivered: number; read: number; failed: number; clicked: number; replied: number;
  /** delivered, or clicked or replied before the delivered status came: a tap or a reply proves the message arrived */
  reached: number;
};

/**
 * How each winner metric is measured: `count` out of `of`, both per-variant counts. A metric is offered only
 * while the recipients' rows record what it counts.
 */
export const AB_METRIC_DEFINITIONS: Partial<Record<TAbMetric, { count: keyof VariantCounts; of: keyof VariantCounts; label: string }>> = {
  read_rate: { count: "read", of: "sent", label: "read rate (read / sent)" },
  click_rate: { count: "clicked", of: "reached", label: "click rate (clicked / delivered)" },
  reply_rate: { count: "replied", of: "reached", label: "reply rate (replied / delivered)" },
};

export const ZAbTest = z
  .object({
    /** the percentage of recipients sent first, split by variant */
    test_share: z.number().int().min(1).max(99),
    /** hours after the first test message before the winner is chosen */
    decide_after_hours: z.number().int().min(1).max(720),
    metric: z.enum(AB_METRICS).default("read_rate").refine((m) => AB_METRIC_DEFINITIONS[m] !== undefined, {
      message: `this metric is not measured yet; available: ${AB_METRICS.filter((m) => AB_METRIC_DEFINITIONS[m]).join(", ")}`,
    }),
  })
  .strict();
export type TAbTest = z.infer<typeof ZAbTest>;

export type AbDecision = {
  winner: number;
  winner_name: string;
  metric: TAbMetric;
  decided_at: string;
  variants: Array<{ variant: number; name: string; count: number; of: number; rate: number }>;
  /** two-proportion z statistic of the winner against the runner-up */
  z: number;
  /** |z| < 1.96: the difference could be chance at these sample sizes */
  within_noise: boolean;
  note: string;
  /** recipients not yet sent that were given the winner */
  assigned: number;
};

/** What a campaign row holds for A/B testing. */
export type AbCampaign = { id: string; variants: unknown; abTest: unknown; abDecision: unknown };

export function readVariants(json: unknown): TVariants | null {
  if (json === null || json === undefined) return null;
  const parsed = ZVariants.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function readAbTest(json: unknown): TAbTest | null {
  if (json === null || json === undefined) return null;
  const parsed = ZAbTest.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function readAbDecision(json: unknown): AbDecision | null {
  if (json === null || json === undefined || typeof json !== "object" || Array.isArray(json)) return null;
  const d = json as Partial<AbDecision>;
  return typeof d.winner === "number" ? (json as AbDecision) : null;
}

/** a stable bucket 0..99 of (campaign, phone); `part` picks independent hex digits of the same md5 */
function bucketSql(campaignId: string, phone: Prisma.Sql, part: 1 | 9): Prisma.Sql {
  return Prisma.sql`(('x' || substr(md5(${campaignId}::text || ':' || ${phone}), ${part}::int, 8))::bit(32)::bigint % 100)`;
}

/**
 * SQL: the variant a recipient with phone number `phone` gets in this campaign (a smallint or NULL), by
 * the rules at the top of this file.
 */
export function variantSql(campaign: AbCampaign, phone: Prisma.Sql): Prisma.Sql {
  const variants = readVariants(campaign.variants);
  if (!variants) return Prisma.sql`NULL::smallint`;
  const decision = readAbDecision(campaign.abDecision);
  if (decision) return Prisma.sql`${decision.winner}::smallint`;
  let cumulative = 0;
  const whens = variants.slice(0, -1).map((v, i) => {
    cumulative += v.share;
    return Prisma.sql`WHEN ${bucketSql(campaign.id, phone, 1)} < ${cumulative}::int THEN ${i}::smallint`;
  });
  const byShare = Prisma.sql`(CASE ${Prisma.join(whens, " ")} ELSE ${variants.length - 1}::smallint END)`;
  const test = readAbTest(campaign.abTest);
  if (!test) return byShare;
  return Prisma.sql`(CASE WHEN ${bucketSql(campaign.id, phone, 9)} < ${test.test_share}::int THEN ${byShare} END)`;
}

/** SQL over marketing_campaigns: is the campaign holding recipients back until its winner is decided? */
export const holdingForWinnerSql = Prisma.sql`(variants IS NOT NULL AND ab_test IS NOT NULL AND ab_decision IS NULL)`;

/** Is the campaign holding recipients back until its winner is decided? */
export function isHoldingForWinner(campaign: AbCampaign): boolean {
  return readVariants(campaign.variants) !== null && readAbTest(campaign.abTest) !== null && readAbDecision(campaign.abDecision) === null;
}

export type VariantMessage = { templateName: string; languageCode: string; components: TCampaignComponents };

/**
 * The message a recipient of this campaign is sent: their variant's, or the campaign's own when the
 * campaign has no variants (or the recipient has none).
 */
export function variantMessages(campaign: AbCampaign & { templateName: string; languageCode: string; templateComponents: unknown }): (variant: number | null) => VariantMessage {
  const parsed = ZCampaignComponents.safeParse(campaign.templateComponents);
  const own: VariantMessage = { templateName: campaign.templateName, languageCode: campaign.languageCode, components: parsed.success ? parsed.data : [] };
  const variants = readVariants(campaign.variants);
  const messages = (variants ?? []).map((v) => ({ templateName: v.template_name, languageCode: v.language_code, components: v.template_components }));
  return (variant) => (variant !== null && messages[variant]) || own;
}

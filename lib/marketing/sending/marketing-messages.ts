/**
 * The Marketing Messages API route. With the workspace setting on, MARKETING templates are sent through
 * POST /{phone-number-id}/marketing_messages (with the configured product_policy and
 * message_activity_sharing); every other category through /messages. The category is read when each
 * batch is claimed, so a template_category_update that moves a template to or from MARKETING changes its
 * route from the next batch (turning the setting on takes effect from the next processor run).
 *
 * 131055 (the business has not accepted the Marketing Messages API's terms) raises an account alert;
 * the client then falls back to /messages unless the policy is STRICT (then the send fails account-class).
 */
import { z } from "@/lib/zod";
import type { MarketingMessagesOptions } from "@/lib/whatsapp/types";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { createAlert } from "../alerts/create-alert";
import { alertLiteral } from "../alerts/alert-text";
import { Prisma, type Db, type DbOrTx } from "../db";
import { AppError } from "../errors";

export const PRODUCT_POLICIES = ["CLOUD_API_FALLBACK", "STRICT"] as const;

export const ZUpdateMarketingMessagesSettings = z.object({
  enabled: z.boolean(),
  product_policy: z.enum(PRODUCT_POLICIES),
  /** null: not sent (Meta's default) */
  message_activity_sharing: z.boolean().nullable(),
}).strict();
export type TUpdateMarketingMessagesSettings = z.infer<typeof ZUpdateMarketingMessagesSettings>;

export async function getMarketingMessagesSettings(db: DbOrTx): Promise<TUpdateMarketingMessagesSettings> {
  const row = await db.setting.findUnique({
    where: { id: 1 }, select: { marketingMessagesEnabled: true, marketingMessagesPolicy: true, marketingMessagesActivitySharing: true },
  });
  return {
    enabled: row?.marketingMessagesEnabled ?? false,
    product_policy: row?.marketingMessagesPolicy === "STRICT" ? "STRICT" : "CLOUD_API_FALLBACK",
    message_activity_sharing: row?.marketingMessagesActivitySharing ?? null,
  };
}

/** Admins: turns the Marketing Messages API route on or off and sets its options (audited). */
export async function updateMarketingMessagesSettings({ db, now, input, principal }: { db: Db; now: Date; input: unknown; principal?: Principal | null }) {
  if (principal && principal.role !== "admin") throw new AppError("FORBIDDEN", "Only an admin can change the Marketing Messages API settings.");
  const parsed = ZUpdateMarketingMessagesSettings.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "Some values are invalid.", parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
  const d = parsed.data;
  const fields = { marketingMessagesEnabled: d.enabled, marketingMessagesPolicy: d.product_policy, marketingMessagesActivitySharing: d.message_activity_sharing, updatedAt: now };
  await db.$transaction(async (tx) => {
    await tx.setting.upsert({ where: { id: 1 }, create: { id: 1, ...fields }, update: fields });
    await audit(tx, { actor: principal?.actor ?? "system", action: "settings.marketing_messages", entityType: "settings", entityId: "1", details: { ...d }, now });
  });
  return getMarketingMessagesSettings(db);
}

/** Whether the workspace sends MARKETING templates through the Marketing Messages API. */
export async function marketingMessagesEnabled(db: DbOrTx): Promise<boolean> {
  const row = await db.setting.findUnique({ where: { id: 1 }, select: { marketingMessagesEnabled: true } });
  return row?.marketingMessagesEnabled ?? false;
}

/** The options a campaign's next batch is sent with, or undefined for /messages. */
export async function marketingMessagesRoute(db: DbOrTx, { templateName, languageCode }: { templateName: string; languageCode: string }): Promise<MarketingMessagesOptions | undefined> {
  const [row] = await db.$queryRaw<Array<{ policy: string; sharing: boolean | null }>>(Prisma.sql`
    SELECT s.marketing_messages_policy AS policy, s.marketing_messages_activity_sharing AS sharing
    FROM settings s JOIN whatsapp_templates t ON t.name = ${templateName} AND t.language = ${languageCode} AND NOT t.deleted
    WHERE s.id = 1 AND s.marketing_messages_enabled AND upper(t.category) = 'MARKETING'`);
  if (!row) return undefined;
  return {
    productPolicy: row.policy === "STRICT" ? "STRICT" : "CLOUD_API_FALLBACK",
    ...(row.sharing === null ? {} : { messageActivitySharing: row.sharing }),
  };
}

/** 131055 answered by /marketing_messages: one alert per day, whether the message fell back or not. */
export async function alertMarketingMessagesTerms(db: DbOrTx, { now, title, fellBack }: { now: Date; title: string; fellBack: boolean }) {
  return createAlert(db, {
    severity: "critical",
    kind: "account_error",
    dedupeKey: `marketing_messages_terms:${now.toISOString().slice(0, 10)}`,
    details: { code: 131055, title, fell_back: fellBack },
    text: fellBack
      ? `WhatsApp refused the Marketing Messages API (${alertLiteral(title)}): marketing templates are sent through the Cloud API (/messages) instead. Accept the Marketing Messages API terms in WhatsApp Manager, or turn the setting off.`
      : `WhatsApp refused the Marketing Messages API (${alertLiteral(title)}) and the product policy is STRICT: marketing sends stopped. Accept the terms in WhatsApp Manager, or choose CLOUD_API_FALLBACK.`,
  }, now);
}

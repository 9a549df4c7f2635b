/**
 * The Marketing Messages API route. With the workspace setting on, MARKETING templates are sent through
 * POST /{phone-number-id}/marketing_messages (with the configured product_policy and
 * message_activity_sharing); every other category through /messages. The category is read when each
 * batch is sent, so a template_category_update that moves a template to or from MARKETING changes its
 * route from the next batch.
 *
 * 131055 (the business has not accepted the Marketing Messages API's terms) raises an account alert;
 * the client then falls back to /messages unless the policy is STRICT (then the send fails account-class).
 */
import type { MarketingMessagesOptions } from "@/lib/whatsapp/types";
import { createAlert } from "../alerts/create-alert";
import { alertLiteral } from "../alerts/alert-text";
import { Prisma, type DbOrTx } from "../db";

export const PRODUCT_POLICIES = ["CLOUD_API_FALLBACK", "STRICT"] as const;

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

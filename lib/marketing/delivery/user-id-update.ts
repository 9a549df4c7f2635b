/**
 * The webhook field user_id_update: WhatsApp replaced a customer's business-scoped user id (for example
 * after they changed number). The customer with the previous id gets the current one (replaceUserId in
 * apply-inbound.ts, the same rule as the system messages that report a new id); by number when the entry
 * carries wa_id and the customer has no id yet. Entries apply oldest first. A change for nobody we know
 * changes nothing.
 */
import { ZUserIdUpdateValue, type TUserIdUpdateValue } from "@/lib/whatsapp/webhook/schema";
import { isPhoneDigits } from "../phone";
import { replaceUserId } from "./apply-inbound";
import type { WebhookChangeHandler } from "./webhook-handler";

export const userIdUpdateWebhookHandler: WebhookChangeHandler<TUserIdUpdateValue> = {
  field: "user_id_update",
  schema: ZUserIdUpdateValue,
  apply: async ({ tx, now, touched }, values) => {
    const updates = values.flatMap((v) => v.user_id_update)
      .sort((a, b) => (a.timestamp?.getTime() ?? 0) - (b.timestamp?.getTime() ?? 0));
    let updated = 0;
    for (const u of updates) {
      const phone = u.wa_id && isPhoneDigits(u.wa_id) ? u.wa_id : null;
      updated += await replaceUserId(tx, { previous: u.user_id.previous ?? null, phone, next: u.user_id.current, now, touched });
    }
    return { user_id_updates: updates.length, user_ids_updated: updated };
  },
};

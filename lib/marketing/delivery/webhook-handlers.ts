/** The handlers of the webhook fields other than messages and user_preferences (applied by apply-inbox.ts). */
import { phoneQualityWebhookHandler } from "../sending/account-health";
import { accountUpdateWebhookHandler } from "../sending/account-update";
import { templateCategoryWebhookHandler, templateQualityWebhookHandler, templateStatusWebhookHandler } from "../templates/handle-template-webhook";
import { userIdUpdateWebhookHandler } from "./user-id-update";
import { defineWebhookHandler, type WebhookChangeHandler } from "./webhook-handler";

export const WEBHOOK_HANDLERS: ReadonlyArray<WebhookChangeHandler<unknown>> = [
  // message_template_status_update, message_template_quality_update (lib/marketing/templates)
  defineWebhookHandler(templateStatusWebhookHandler),
  defineWebhookHandler(templateQualityWebhookHandler),
  defineWebhookHandler(templateCategoryWebhookHandler),
  // phone_number_quality_update: quality, messaging-limit tier, send hold (lib/marketing/sending)
  defineWebhookHandler(phoneQualityWebhookHandler),
  // account_update: bans and restrictions hold sending (lib/marketing/sending)
  defineWebhookHandler(accountUpdateWebhookHandler),
  // user_id_update: a customer's business-scoped user id was replaced (lib/marketing/delivery)
  defineWebhookHandler(userIdUpdateWebhookHandler),
];

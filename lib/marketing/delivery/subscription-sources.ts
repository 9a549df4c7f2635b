/** Where a customer's subscription change came from: one vocabulary for webhooks and send responses. */
export const SUBSCRIPTION_SOURCES = {
  keyword: "whatsapp_keyword",
  button: "whatsapp_button",
  userPreferences: "user_preferences",
  /** WhatsApp answered a send, or a status reported, 131050 (the customer stopped marketing messages) */
  error131050: "whatsapp_error_131050",
} as const;
export type SubscriptionSource = (typeof SUBSCRIPTION_SOURCES)[keyof typeof SUBSCRIPTION_SOURCES];

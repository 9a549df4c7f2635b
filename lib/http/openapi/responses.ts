/**
 * The shapes of the API's answers, as zod schemas: the OpenAPI document is generated from them and the
 * contract tests check every route's answers against that document. Objects are open (a new field is
 * not a breaking change); the fields listed are always present.
 */
import { z } from "@/lib/zod";
import { CAMPAIGN_STATUSES } from "@/lib/marketing/campaigns/campaign-status";
import { RECIPIENT_STATUSES } from "@/lib/marketing/recipients/recipient-status";
import { ZUuid } from "@/lib/marketing/uuid";
import { DEFAULT_COUNTRY_HELP } from "@/lib/marketing/sending/sending-settings";
import { SEND_ERROR_CLASSES } from "@/lib/whatsapp/types";

const ZId = ZUuid;
const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).meta({ description: "a calendar day, YYYY-MM-DD (in CAMPAIGN_TIMEZONE)" });
const ZTimestamp = z.iso.datetime().meta({ description: "an ISO 8601 timestamp in UTC, ending in Z" });
const ZCampaignStatus = z.enum(CAMPAIGN_STATUSES);
const ZRecipientStatus = z.enum(RECIPIENT_STATUSES);
const ZJson = z.unknown();

export const ZErrorResponse = z
  .object({
    error: z.looseObject({
      code: z.string().meta({ description: "a stable, machine-readable code, e.g. VALIDATION_FAILED, CAMPAIGN_NOT_FOUND" }),
      message: z.string().meta({ description: "a sentence for humans" }),
      details: ZJson.optional().meta({
        description: "what the code needs to be acted on, its shape set by the code: VALIDATION_FAILED [{ path, message }] (one per field); " +
          "INVALID_TRANSITION { status } (the current status; fields when a change names frozen fields); " +
          "RATE_LIMITED { retry_after_seconds, limit_per_minute?, reset_at? }; TEST_SEND_LIMIT_REACHED { limit, remaining, retry_after_seconds }; " +
          "TEMPLATE_PARAMETERS_MISMATCH [{ path, message }] (like VALIDATION_FAILED); TEMPLATE_NOT_FOUND { template_name, language_code, available_languages }; " +
          "TEMPLATE_NOT_APPROVED { template_name, language_code, status, reason }; START_DATE_IN_PAST { start_date, today, timezone }; CONFLICT { job_id, kind } (the job already running); " +
          "GUARD_CONFIRMATION_REQUIRED { paused_by, pause_reason }; BUDGET_CONFIRMATION_REQUIRED { paused_by, budget, committed, currency }; TEMPLATE_NOT_TRACKABLE { buttons }; NO_RECIPIENTS { outcome } (follow-ups); " +
          "IDEMPOTENCY_KEY_IN_PROGRESS / IDEMPOTENCY_KEY_REUSED { idempotency_key }. Other codes carry none.",
      }),
    }),
  })
  .meta({ id: "Error" });

const campaignCounters = {
  total_target: z.int(),
  messages_sent: z.int(),
  messages_delivered: z.int(),
  messages_read: z.int(),
  messages_failed: z.int(),
  messages_pending: z.int(),
  messages_skipped: z.int(),
  messages_unknown: z.int(),
  progress: z.number().meta({ description: "percentage of recipients no longer pending" }),
};

export const ZCampaign = z
  .looseObject({
    id: ZId,
    name: z.string(),
    description: z.string().nullable(),
    status: ZCampaignStatus,
    template_name: z.string(),
    language_code: z.string(),
    daily_send_limit: z.int(),
    priority: z.int(),
    target_audience: ZJson,
    template_components: ZJson,
    send_window: ZJson,
    pause_reason: z.string().nullable(),
    paused_by: z.string().nullable().meta({ description: "user | failure_guard | template | account | budget" }),
    template_verified: z.boolean(),
    template_warnings: ZJson,
    last_test_send_at: ZTimestamp.nullable(),
    parent_campaign_id: ZId.nullable().meta({ description: "a follow-up: the campaign whose recipients it re-targets" }),
    follow_up_outcome: z.enum(["not_read", "not_delivered", "clicked", "not_clicked", "replied"]).nullable(),
    variants: ZJson.meta({ description: "A/B test: [{name, template_name, language_code, template_components, share}], or null" }),
    ab_test: ZJson.meta({ description: "\"test, then send the winner\": {test_share, decide_after_hours, metric}, or null" }),
    ab_decision: ZJson.meta({ description: "the recorded winner decision (see CampaignStats.ab_test.decision), or null" }),
    total_target_customers: z.int(),
    ...campaignCounters,
    start_date: ZDay.nullable(),
    started_at: ZTimestamp.nullable(),
    paused_at: ZTimestamp.nullable(),
    completed_at: ZTimestamp.nullable(),
    cancelled_at: ZTimestamp.nullable(),
    budget: z.number().nullable().meta({ description: "the most the campaign may spend, in the rate card's currency; null = no cap" }),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: "Campaign" });

export const ZCreatedCampaign = ZCampaign.extend({ message: z.string() }).meta({ id: "CreatedCampaign" });

export const ZCampaignListItem = z
  .looseObject({
    id: ZId,
    name: z.string(),
    status: ZCampaignStatus,
    template_name: z.string(),
    language_code: z.string(),
    priority: z.int(),
    daily_send_limit: z.int(),
    ...campaignCounters,
    pause_reason: z.string().nullable(),
    start_date: ZDay.nullable(),
    created_at: ZTimestamp,
  })
  .meta({ id: "CampaignListItem" });

export const ZCampaignList = z.array(ZCampaignListItem).meta({ id: "CampaignList" });

export const ZCampaignTransition = z
  .looseObject({ campaign_id: ZId, status: ZCampaignStatus, message: z.string() })
  .meta({ id: "CampaignTransition" });

export const ZActivation = z
  .looseObject({
    campaign_id: ZId,
    status: z.literal("active"),
    recipients_scheduled: z.int(),
    daily_limit: z.int(),
    start_date: ZDay,
    estimated_days: z.int(),
    estimated_completion_date: ZDay.nullable(),
    estimated_cost: z.number().meta({ description: "the audience priced by market at the template category's rate on the rate card in force on start_date (recipients the card does not cover are not in it)" }),
    cost_currency: z.string().meta({ description: "the rate card's currency, e.g. USD" }),
    cost_uncovered_recipients: z.int().meta({ description: "recipients the rate card has no rate for" }),
    message: z.string(),
  })
  .meta({ id: "Activation" });

export const ZResumption = ZCampaignTransition.extend({ status: z.literal("active"), estimated_completion_date: ZDay.nullable() }).meta({ id: "Resumption" });

export const ZRetryUnknown = z.looseObject({ campaign_id: ZId, recipients_retried: z.int(), message: z.string() }).meta({ id: "RetryUnknown" });

export const ZRecipientsAdded = z
  .looseObject({
    campaign_id: ZId,
    recipients_added: z.int(),
    duplicates_skipped: z.int(),
    invalid_count: z.int(),
    invalid: z.array(ZJson),
    total_recipients: z.int(),
    message: z.string(),
  })
  .meta({ id: "RecipientsAdded" });

export const ZRecipient = z
  .looseObject({
    id: ZId,
    phone_number: z.string().nullable(),
    status: ZRecipientStatus,
    scheduled_send_date: ZDay.nullable(),
    sent_on: ZDay.nullable(),
    whatsapp_message_id: z.string().nullable(),
    sent_at: ZTimestamp.nullable(),
    delivered_at: ZTimestamp.nullable(),
    read_at: ZTimestamp.nullable(),
    failed_at: ZTimestamp.nullable(),
    failure_reason: z.string().nullable(),
    error_code: z.int().nullable(),
    retry_count: z.int(),
    next_attempt_at: ZTimestamp.nullable(),
    deferred_reason: z.string().nullable(),
  })
  .meta({ id: "Recipient" });

const page = {
  total: z.int(),
  limit: z.int(),
  offset: z.int().nullable().meta({ description: "null when the page was asked for by cursor" }),
  next_cursor: z.string().nullable().meta({ description: "pass as ?cursor= for the next page; null on the last page" }),
};

export const ZRecipientPage = z
  .looseObject({ campaign_id: ZId, ...page, recipients: z.array(ZRecipient) })
  .meta({ id: "RecipientPage" });

export const ZCampaignCost = z
  .looseObject({
    currency: z.string().meta({ description: "the rate card's currency" }),
    estimated: z.number().meta({ description: "the whole audience (not skipped) at the rate card in force today, by market" }),
    actual: z.number().meta({ description: "what Meta bills for the messages whose pricing arrived (statuses[].pricing): free types and non-billable 0, each message once" }),
    per_delivered: z.number().nullable().meta({ description: "actual / delivered; null before anything was delivered" }),
    budget: z.number().nullable(),
    remaining: z.number().nullable().meta({ description: "budget − (actual + in_flight), never below 0; null without a budget" }),
    in_flight: z.number().meta({ description: "estimated cost of sends whose pricing has not arrived and of claims in flight" }),
    uncovered: z.int().meta({ description: "recipients the rate card has no rate for (not priced in `estimated`)" }),
    unpriced_messages: z.int().meta({ description: "sent messages the card could not price (not in `actual`)" }),
    rate_card_effective_from: ZDay.nullable(),
    markets: z.array(z.looseObject({ market: z.string(), recipients: z.int(), rate: z.number().nullable(), cost: z.number().nullable() })),
  })
  .meta({ id: "CampaignCost" });
export const ZVariantStats = z
  .looseObject({
    variant: z.int().meta({ description: "the variant's index (recipients' `variant`)" }),
    name: z.string(),
    template_name: z.string(),
    language_code: z.string(),
    share: z.int(),
    recipients: z.int(),
    sent: z.int(),
    delivered: z.int(),
    read: z.int(),
    failed: z.int(),
    clicked: z.int().meta({ description: "recipients who tapped a tracked link" }),
    replied: z.int().meta({ description: "recipients whose reply was attributed to this campaign" }),
    reached: z.int().meta({ description: "delivered, plus recipients who clicked or replied before their delivered status arrived: what click_rate and reply_rate are out of" }),
    delivery_rate: z.number(),
    read_rate: z.number(),
    click_rate: z.number().meta({ description: "clicked, % of reached" }),
    reply_rate: z.number().meta({ description: "replied, % of reached" }),
  })
  .meta({ id: "VariantStats" });

export const ZAbDecision = z
  .looseObject({
    winner: z.int(),
    winner_name: z.string(),
    metric: z.enum(["read_rate", "click_rate", "reply_rate"]),
    decided_at: ZTimestamp,
    variants: z.array(z.looseObject({ variant: z.int(), name: z.string(), count: z.int(), of: z.int(), rate: z.number() })),
    z: z.number().meta({ description: "two-proportion z statistic, winner against runner-up" }),
    within_noise: z.boolean().meta({ description: "|z| < 1.96: the difference could be chance at these sample sizes" }),
    note: z.string(),
    assigned: z.int().meta({ description: "recipients not yet sent that were given the winner" }),
  })
  .meta({ id: "AbDecision" });

const ENGAGEMENT_RATE = "% of delivered: a recipient who clicked or replied before the delivered status arrived counts as delivered here (a tap or a reply proves the message arrived), so the rate stays within 100";

export const ZCampaignStats = z
  .looseObject({
    campaign_id: ZId,
    campaign_name: z.string(),
    status: ZCampaignStatus,
    total_target: z.int(),
    sent: z.int(),
    delivered: z.int(),
    read: z.int(),
    failed: z.int(),
    pending: z.int(),
    skipped: z.int(),
    unknown: z.int(),
    progress_percentage: z.number(),
    delivery_rate: z.number(),
    read_rate: z.number(),
    clicked: z.int().meta({ description: "recipients who tapped the tracked link (link previews excluded)" }),
    clicks: z.int().meta({ description: "every counted tap on the tracked link" }),
    click_rate: z.number().meta({ description: "clicked, " + ENGAGEMENT_RATE }),
    replied: z.int().meta({ description: "recipients with a reply attributed to this campaign (within the reply window after its message)" }),
    reply_rate: z.number().meta({ description: "replied, " + ENGAGEMENT_RATE }),
    opted_out: z.int().meta({ description: "recipients whose attributed reply was an opt-out (STOP)" }),
    parent_campaign_id: ZId.nullable(),
    follow_up_outcome: z.string().nullable(),
    daily_send_limit: z.int(),
    remaining_send_days: z.int(),
    estimated_completion_date: ZDay.nullable(),
    deferred_by_frequency_cap: z.int(),
    deferred_by_meta_cap: z.int(),
    send_window: ZJson,
    pause_reason: z.string().nullable(),
    paused_by: z.string().nullable().meta({ description: "user | failure_guard | template | account | budget" }),
    cost: ZCampaignCost,
    variants: z.array(ZVariantStats).nullable().meta({ description: "A/B test: each variant's figures; null without variants" }),
    ab_test: z
      .looseObject({
        test_share: z.int(),
        decide_after_hours: z.int(),
        metric: z.enum(["read_rate", "click_rate", "reply_rate"]),
        held_back: z.int().meta({ description: "recipients waiting for the winner" }),
        decision: ZAbDecision.nullable(),
      })
      .nullable(),
  })
  .meta({ id: "CampaignStats" });

const ZFollowUpOutcome = z.enum(["not_read", "not_delivered", "clicked", "not_clicked", "replied"]);

export const ZFollowUps = z
  .looseObject({
    campaign_id: ZId,
    outcomes: z.looseObject(Object.fromEntries(ZFollowUpOutcome.options.map((o) => [o, z.int()]))).meta({ description: "recipients each outcome selects now (still subscribed)" }),
    follow_ups: z.array(z.looseObject({ id: ZId, name: z.string(), status: ZCampaignStatus, outcome: ZFollowUpOutcome.nullable(), total_target: z.int(), created_at: ZTimestamp })),
  })
  .meta({ id: "FollowUps" });

export const ZCreatedFollowUp = ZCampaign.extend({ message: z.string(), recipients_added: z.int() }).meta({ id: "CreatedFollowUp" });

export const ZTestSendResult = z
  .looseObject({
    campaign_id: ZId,
    results: z.array(z.looseObject({ phone_number: z.string(), status: z.enum(["sent", "failed"]), whatsapp_message_id: z.string().optional(), error: z.string().optional() })),
    sent: z.int(),
    failed: z.int(),
    template_verified: z.boolean(),
  })
  .meta({ id: "TestSendResult" });

export const ZCustomer = z
  .looseObject({
    id: ZId,
    phone: z.string(),
    name: z.string().nullable(),
    customer_tier: z.string().nullable(),
    city: z.string().nullable(),
    tags: z.array(z.string()),
    attributes: ZJson,
    subscription: z.enum(["subscribed", "unsubscribed"]),
    subscription_changed_at: ZTimestamp.nullable(),
    is_active: z.boolean(),
    marketing_deferred_until: ZTimestamp.nullable(),
    undeliverable_count: z.int().meta({ description: "Campaign sends to the customer's number that failed as undeliverable (131026) after the latest sign that the number works (a message delivered or read, a message from the customer, a new number, or a user marking them reachable)" }),
    undeliverable_since: ZTimestamp.nullable().meta({ description: "When the customer was marked not reachable on WhatsApp (left out of audiences, skipped at sending); null: not marked" }),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: "Customer" });

export const ZCustomerPage = z.looseObject({ ...page, customers: z.array(ZCustomer) }).meta({ id: "CustomerPage" });

export const ZCustomersSaved = z
  .looseObject({ created: z.int(), updated: z.int(), total: z.int(), message: z.string() })
  .meta({ id: "CustomersSaved" });

export const ZCustomerErased = z
  .looseObject({ id: ZId, erased: z.literal(true), recipients_erased: z.int(), recipients_skipped: z.int(), messages_erased: z.int() })
  .meta({ id: "CustomerErased" });

export const ZTemplate = z
  .looseObject({
    id: ZId,
    meta_id: z.string().nullable(),
    name: z.string(),
    language: z.string(),
    category: z.string().nullable(),
    status: z.string(),
    quality_score: z.string().nullable(),
    parameter_format: z.string().nullable(),
    reason: z.string().nullable(),
    deleted: z.boolean(),
    components: ZJson,
    has_opt_out: z.boolean(),
    parameters: ZJson,
    synced_at: ZTimestamp.nullable(),
    updated_at: ZTimestamp,
  })
  .meta({ id: "Template" });

export const ZTemplateList = z
  .looseObject({
    templates: z.array(ZTemplate),
    library: z.looseObject({ available: z.boolean(), source: z.string().nullable(), last_synced_at: ZTimestamp.nullable() }),
  })
  .meta({ id: "TemplateList" });

export const ZTemplateSync = z
  .looseObject({ synced: z.int(), deleted: z.int(), paused_campaigns: z.array(ZJson), synced_at: ZTimestamp, source: z.string() })
  .meta({ id: "TemplateSync" });

export const ZSendingSettings = z
  .looseObject({
    default_send_window: ZJson,
    frequency_cap: ZJson,
    failure_guard: ZJson,
    send_hold: z.looseObject({ active: z.boolean(), reason: z.string().nullable(), since: ZTimestamp.nullable() }),
    quality_rating: z.string().nullable(),
    messaging_limit_tier: z.string().nullable(),
    require_test_send: z.boolean(),
    test_phone_numbers: z.array(z.string()),
    undeliverable_after: z.int().meta({ description: "A customer is marked not reachable after this many undeliverable campaign sends in a row (0 = never). A new value marks or unmarks the customers with a count at once." }),
    default_country: z.string().nullable().meta({ description: DEFAULT_COUNTRY_HELP }),
  })
  .meta({ id: "SendingSettings" });

export const ZCustomerReachable = z
  .looseObject({ id: ZId, changed: z.boolean(), undeliverable_count: z.literal(0), undeliverable_since: z.null() })
  .meta({ id: "CustomerReachable" });

export const ZAccountHealth = z
  .looseObject({
    send_hold: z.looseObject({ active: z.boolean(), reason: z.string().nullable(), since: ZTimestamp.nullable() }),
    quality_rating: z.string().nullable(),
    messaging_limit_tier: z.string().nullable(),
    messaging_limit: z.int().nullable(),
    unique_users_24h: z.int(),
    messaging_limit_used_pct: z.number().nullable(),
    guard_paused_campaigns: z.array(ZJson),
    unread_alerts: z.int(),
  })
  .meta({ id: "AccountHealth" });

export const ZReleaseHold = z.looseObject({ released: z.boolean(), message: z.string() }).meta({ id: "ReleaseHold" });

export const ZAlert = z
  .looseObject({
    id: ZId,
    severity: z.string(),
    kind: z.string(),
    campaign_id: ZId.nullable(),
    text: z.string(),
    details: ZJson,
    read: z.boolean(),
    read_at: ZTimestamp.nullable(),
    created_at: ZTimestamp,
  })
  .meta({ id: "Alert" });

export const ZAlertList = z.looseObject({ alerts: z.array(ZAlert), unread: z.int(), next_cursor: z.string().nullable() }).meta({ id: "AlertList" });

export const ZAlertsMarked = z.looseObject({ marked: z.int() }).meta({ id: "AlertsMarked" });

export const ZProcessingRun = z
  .looseObject({ date: ZDay, campaigns_processed: z.int(), messages_sent: z.int(), message: z.string() })
  .meta({ id: "ProcessingRun" });

export const ZOpenApiDocument = z.looseObject({ openapi: z.string(), info: ZJson, paths: ZJson }).meta({ id: "OpenApiDocument" });

export const ZWebhookEndpoint = z
  .looseObject({
    id: ZId,
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    allow_private_network: z.boolean(),
    format: z.enum(["standard", "slack"]).meta({ description: "standard: the signed event envelope; slack: a Slack/Teams incoming-webhook body ({ text, severity, kind, campaign_id, created_at, details } for alert.created)" }),
    managed_by: z.string().nullable().meta({ description: "\"ALERT_WEBHOOK_URL\": configured by the environment, not editable here" }),
    secret: z.string().meta({ description: "signs every delivery: HMAC-SHA256 over `${t}.${body}`, sent as X-WAC-Signature: t=…,v1=…" }),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: "WebhookEndpoint" });

export const ZWebhookEndpointList = z
  .looseObject({ endpoints: z.array(ZWebhookEndpoint), event_types: z.array(z.string()) })
  .meta({ id: "WebhookEndpointList" });

export const ZWebhookEndpointDeleted = z.looseObject({ id: ZId, deleted: z.literal(true) }).meta({ id: "WebhookEndpointDeleted" });

export const ZWebhookDelivery = z
  .looseObject({
    id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.int(),
    last_status_code: z.int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: ZTimestamp.nullable(),
    last_attempt_at: ZTimestamp.nullable(),
    delivered_at: ZTimestamp.nullable(),
    created_at: ZTimestamp,
  })
  .meta({ id: "WebhookDelivery" });

export const ZWebhookDeliveryPage = z
  .looseObject({ deliveries: z.array(ZWebhookDelivery), next_cursor: z.string().nullable() })
  .meta({ id: "WebhookDeliveryPage" });

export const ZOutboundEvent = z
  .object({
    id: z.string().meta({ description: "evt_<n>: unique, increasing per endpoint's delivery order; deduplicate on it" }),
    type: z.string(),
    created_at: ZTimestamp,
    data: z.looseObject({}),
  })
  .meta({ id: "OutboundEvent" });

// each event's data, as its database trigger writes it (prisma/migrations: outbound_events and later); a
// timestamp in data is PostgreSQL's ISO 8601 (2026-12-06T01:30:19.166+00:00). An event that named a customer
// erased since keeps no number, WhatsApp id or text and carries erased: true.
const erased = { erased: z.literal(true).optional().meta({ description: "the customer was erased: their number, WhatsApp id and message text were removed" }) };
const ZCampaignEventData = z.looseObject({
  campaign_id: ZId, name: z.string(), status: ZCampaignStatus, previous_status: ZCampaignStatus,
  paused_by: z.string().nullable().meta({ description: "user, failure_guard, template, account or budget (a paused campaign)" }),
  paused_by_actor: z.string().nullable().meta({ description: "who paused it, for a user's pause: user:<id>, token:<id> or env-token" }),
  cancelled_by_actor: z.string().nullable().optional().meta({ description: "who cancelled it (campaign.cancelled): user:<id>, token:<id>, env-token or system" }),
  pause_reason: z.string().nullable(), total_target: z.int(), messages_sent: z.int(), messages_delivered: z.int(), messages_failed: z.int(),
});
const ZCustomerEventData = z.looseObject({
  customer_id: ZId, phone: z.string().optional(), subscription: z.enum(["subscribed", "unsubscribed"]),
  source: z.string().nullable().meta({ description: "what changed it: reply_stop, user_preferences, api, csv_import, dashboard, …" }), changed_at: ZTimestamp.nullable(), ...erased,
});
export const OUTBOUND_EVENT_DATA: Record<string, z.ZodType> = {
  "campaign.activated": ZCampaignEventData,
  "campaign.paused": ZCampaignEventData,
  "campaign.completed": ZCampaignEventData,
  "campaign.cancelled": ZCampaignEventData,
  "customer.unsubscribed": ZCustomerEventData,
  "customer.subscribed": ZCustomerEventData,
  "message.failed": z.looseObject({
    campaign_id: ZId, recipient_id: ZId, phone_number: z.string().optional(), whatsapp_message_id: z.string().nullable().optional(),
    error_code: z.int().nullable(), class: z.enum(SEND_ERROR_CLASSES).meta({ description: "how the error is handled: retry (sent again later), meta_cap (Meta's per-user marketing limit, 131049), opted_out (131050), permanent, template (the campaign pauses), account (sending holds), ambiguous" }),
    failure_reason: z.string().nullable(), failed_at: ZTimestamp.nullable(), ...erased,
  }),
  "reply.received": z.looseObject({
    message_id: ZId, whatsapp_message_id: z.string().optional(), phone_number: z.string().nullable().optional(), wa_id: z.string().nullable().optional(),
    campaign_id: ZId.nullable().meta({ description: "the campaign whose message this answered (the reply window after a send), or null" }),
    message_type: z.string(), body: z.string().nullable().optional(), received_at: ZTimestamp, ...erased,
  }),
  "alert.created": z.looseObject({
    alert_id: ZId, severity: z.enum(["info", "warning", "critical"]), kind: z.string(), campaign_id: ZId.nullable(), text: z.string(), details: ZJson, created_at: ZTimestamp,
  }),
  "endpoint.test": z.looseObject({ endpoint_id: ZId, message: z.string() }),
};

/**
 * Every operation of the API under /api/marketing, with the zod schemas that validate its input and
 * shape its answers. The OpenAPI document is generated from this list; a test fails when a route file
 * exports a method that is not listed here, and the contract tests validate the routes' answers against it.
 * Examples are the spec's own requests and responses (docs/spec: the marketing campaign guide).
 */
import { z } from "@/lib/zod";
import { ZCreateCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { ZFindCampaigns } from "@/lib/marketing/campaigns/find-campaigns";
import { ZUpdateCampaign } from "@/lib/marketing/campaigns/update-campaign";
import { ZPauseRequest } from "@/lib/marketing/campaigns/pause-campaign";
import { ZCreateFollowUp } from "@/lib/marketing/engagement/follow-ups";
import { ZMarkAlertsRead } from "@/lib/marketing/alerts/find-alerts";
import { ZFindCustomers } from "@/lib/marketing/customers/find-customers";
import { ZCustomerRow } from "@/lib/marketing/customers/upsert-customers";
import { ZAddRecipients } from "@/lib/marketing/recipients/add-recipients";
import { ZFindRecipients } from "@/lib/marketing/recipients/find-recipients";
import { ZUpdateSendingSettings } from "@/lib/marketing/sending/sending-settings";
import { ZCreateWebhookEndpoint, ZUpdateWebhookEndpoint } from "@/lib/marketing/events/webhook-endpoints";
import { ZListTemplatesQuery } from "@/lib/marketing/templates/list-templates";
import { ZTestSend } from "@/lib/marketing/templates/send-test-messages";
import { ZCursor } from "@/lib/marketing/pagination";
import * as R from "./responses";

export type HttpMethod = "get" | "post" | "patch" | "delete";

export type OperationResponse = { description: string; schema: z.ZodType; example?: unknown; headers?: Record<string, string> };

export type Operation = {
  method: HttpMethod;
  /** OpenAPI form: /api/marketing/campaigns/{campaignId} */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** a mutation: viewers get 403; POSTs accept Idempotency-Key */
  mutation?: boolean;
  /** admins only (others get 403) */
  adminOnly?: boolean;
  /** CRON_SECRET is accepted as the bearer token too */
  cron?: boolean;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean; example?: unknown };
  responses: Record<number, OperationResponse>;
};

const ZDayParam = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const CAMPAIGN_ID = "123e4567-e89b-12d3-a456-426614174000";

const err = (description: string): OperationResponse => ({ description, schema: R.ZErrorResponse });
const E = {
  401: err("No valid bearer token or session (UNAUTHENTICATED), or the token has expired (TOKEN_EXPIRED)."),
  403: err("The caller's role may not do this (FORBIDDEN)."),
  404: err("No such campaign (CAMPAIGN_NOT_FOUND)."),
  409: err("Not allowed in the campaign's current status (INVALID_TRANSITION), or the Idempotency-Key is still in use (IDEMPOTENCY_KEY_IN_PROGRESS)."),
  422: err("Invalid input (VALIDATION_FAILED with details), or the Idempotency-Key was used with another request (IDEMPOTENCY_KEY_REUSED)."),
};

/** The spec's own example requests and answers (../shared/spec/marketing-campaign-guide.md); the demo workspace is built to fit them. */
export const SPEC_EXAMPLES = {
  createRequest: {
    name: "Summer Sale 2025",
    description: "Promotional campaign for summer sale",
    template_name: "summer_sale_promo",
    language_code: "en_US",
    daily_send_limit: 250,
    priority: 5,
    target_audience: { customer_tier: "premium", city: "New York", tags: ["fashion", "accessories"] },
    template_components: [
      { type: "header", parameters: [{ type: "image", image: { link: "https://example.com/sale-banner.jpg" } }] },
      { type: "body", parameters: [{ type: "text", text: "30%" }] },
    ],
  },
  createResponse: {
    id: CAMPAIGN_ID,
    name: "Summer Sale 2025",
    status: "draft",
    template_name: "summer_sale_promo",
    message: "Campaign 'Summer Sale 2025' created successfully",
  },
  addRecipientsRequest: { phone_numbers: ["14694652751", "19453083188", "15551234567"] },
  addRecipientsResponse: { campaign_id: CAMPAIGN_ID, recipients_added: 10000, total_recipients: 10000, message: "Added 10000 recipients to campaign" },
  activateResponse: {
    campaign_id: CAMPAIGN_ID,
    status: "active",
    recipients_scheduled: 10000,
    daily_limit: 250,
    estimated_days: 40,
    estimated_completion_date: "2025-02-24",
    message: "Campaign activated. Sending 250 messages/day starting 2025-01-15",
  },
  processDailyResponse: { date: "2025-01-15", campaigns_processed: 3, messages_sent: 750, message: "Processed 3 campaigns, sent 750 messages" },
  statsResponse: {
    campaign_id: CAMPAIGN_ID,
    campaign_name: "Summer Sale 2025",
    status: "active",
    total_target: 10000,
    sent: 2500,
    delivered: 2400,
    read: 1800,
    failed: 50,
    pending: 7450,
    progress_percentage: 25.0,
    delivery_rate: 96.0,
    read_rate: 72.0,
    clicked: 420,
    clicks: 515,
    click_rate: 17.5,
    replied: 96,
    reply_rate: 4.0,
    opted_out: 12,
    estimated_completion_date: "2025-02-24",
  },
  listResponse: [
    {
      id: CAMPAIGN_ID,
      name: "Summer Sale 2025",
      status: "active",
      template_name: "summer_sale_promo",
      total_target: 10000,
      messages_sent: 2500,
      messages_pending: 7450,
      progress: 25.0,
      created_at: "2025-01-10T10:00:00",
    },
  ],
  pauseResponse: { campaign_id: CAMPAIGN_ID, status: "paused", message: "Campaign 'Summer Sale 2025' paused" },
  resumeResponse: { campaign_id: CAMPAIGN_ID, status: "active", message: "Campaign 'Summer Sale 2025' resumed" },
  cancelResponse: { campaign_id: CAMPAIGN_ID, status: "cancelled", message: "Campaign 'Summer Sale 2025' cancelled" },
};

const C = "/api/marketing/campaigns/{campaignId}";

export const OPERATIONS: Operation[] = [
  {
    method: "get", path: "/api/marketing/campaigns", operationId: "listCampaigns", tag: "Campaigns", summary: "List campaigns, newest first",
    query: ZFindCampaigns, responses: {
      200: {
        description: "A page of campaigns.", schema: R.ZCampaignList, example: SPEC_EXAMPLES.listResponse,
        headers: { "X-Next-Cursor": "The next page's cursor (pass as ?cursor=); absent on the last page." },
      }, 401: E[401], 422: E[422] },
  },
  {
    method: "post", path: "/api/marketing/campaigns", operationId: "createCampaign", tag: "Campaigns", mutation: true,
    summary: "Create a campaign (starts as a draft)",
    body: { schema: ZCreateCampaign, required: true, example: SPEC_EXAMPLES.createRequest },
    responses: { 201: { description: "The new draft campaign.", schema: R.ZCreatedCampaign, example: SPEC_EXAMPLES.createResponse }, 401: E[401], 403: E[403], 409: E[409], 422: E[422] },
  },
  {
    method: "get", path: C, operationId: "getCampaign", tag: "Campaigns", summary: "Get one campaign",
    responses: { 200: { description: "The campaign.", schema: R.ZCampaign }, 401: E[401], 404: E[404] },
  },
  {
    method: "patch", path: C, operationId: "updateCampaign", tag: "Campaigns", mutation: true,
    summary: "Change a campaign", description: "A draft changes any field; an active or paused campaign only its name, description, priority, budget, send_window and failure_guard.",
    body: { schema: ZUpdateCampaign, required: true, example: { daily_send_limit: 100, priority: 9 } },
    responses: { 200: { description: "The changed campaign.", schema: R.ZCampaign }, 401: E[401], 403: E[403], 404: E[404], 409: E[409], 422: E[422] },
  },
  {
    method: "get", path: `${C}/recipients`, operationId: "listRecipients", tag: "Recipients", summary: "List a campaign's recipients, in schedule order",
    query: ZFindRecipients, responses: { 200: { description: "A page of recipients.", schema: R.ZRecipientPage }, 401: E[401], 404: E[404], 422: E[422] },
  },
  {
    method: "post", path: `${C}/recipients`, operationId: "addRecipients", tag: "Recipients", mutation: true,
    summary: "Add recipients: explicit phone numbers, or ?use_target_audience=true",
    description: "With use_target_audience=true every subscribed customer matching the campaign's target_audience is added (send no body). Duplicates are skipped.",
    query: z.object({ use_target_audience: z.enum(["true", "false", "1", "0"]).optional() }),
    body: { schema: ZAddRecipients, required: false, example: SPEC_EXAMPLES.addRecipientsRequest },
    responses: { 200: { description: "How many were added.", schema: R.ZRecipientsAdded, example: SPEC_EXAMPLES.addRecipientsResponse }, 401: E[401], 403: E[403], 404: E[404], 409: E[409], 422: E[422] },
  },
  {
    method: "post", path: `${C}/activate`, operationId: "activateCampaign", tag: "Campaigns", mutation: true,
    summary: "Activate a campaign and schedule its sends", description: "start_date (in the query, as the spec passes it, or in a JSON body) defaults to tomorrow (in CAMPAIGN_TIMEZONE); a date in the past (START_DATE_IN_PAST) or more than a year ahead (VALIDATION_FAILED) is refused with 422.",
    query: z.object({ start_date: ZDayParam.optional() }),
    body: { schema: z.object({ start_date: ZDayParam.optional() }).strict(), required: false, example: { start_date: "2025-01-15" } },
    responses: {
      200: { description: "The schedule.", schema: R.ZActivation, example: SPEC_EXAMPLES.activateResponse }, 401: E[401], 403: E[403], 404: E[404],
      409: err("Not allowed in the campaign's current status (INVALID_TRANSITION); the workspace requires a successful test send of the current template and values first (TEST_SEND_REQUIRED); or the Idempotency-Key is still in use (IDEMPOTENCY_KEY_IN_PROGRESS)."),
      422: err("Invalid input (VALIDATION_FAILED), a start date in the past (START_DATE_IN_PAST), no recipients (NO_RECIPIENTS), a template that is not approved (TEMPLATE_NOT_APPROVED), or the Idempotency-Key was used with another request (IDEMPOTENCY_KEY_REUSED)."),
    },
  },
  {
    method: "post", path: `${C}/pause`, operationId: "pauseCampaign", tag: "Campaigns", mutation: true, summary: "Pause an active campaign",
    description: "An optional reason is kept with the pause: shown on the campaign and sent in campaign.paused (pause_reason).",
    body: { schema: ZPauseRequest.unwrap(), required: false, example: { reason: "Waiting for new stock" } },
    responses: { 200: { description: "Paused.", schema: R.ZCampaignTransition, example: SPEC_EXAMPLES.pauseResponse }, 401: E[401], 403: E[403], 404: E[404], 409: E[409], 422: E[422] },
  },
  {
    method: "post", path: `${C}/resume`, operationId: "resumeCampaign", tag: "Campaigns", mutation: true,
    summary: "Resume a paused campaign", description: "A campaign the failure guard paused needs confirm=true (409 GUARD_CONFIRMATION_REQUIRED otherwise). A campaign the budget paused needs room in its budget for the next message (raise it with PATCH budget) or confirm=true (409 BUDGET_CONFIRMATION_REQUIRED otherwise).",
    query: z.object({ confirm: z.enum(["true", "false"]).optional() }),
    body: { schema: z.object({ confirm: z.boolean().optional() }).strict(), required: false, example: { confirm: true } },
    responses: {
      200: { description: "Resumed.", schema: R.ZResumption, example: SPEC_EXAMPLES.resumeResponse }, 401: E[401], 403: E[403], 404: E[404],
      409: err("Not paused (INVALID_TRANSITION); paused by the failure guard or the budget and not confirmed (GUARD_CONFIRMATION_REQUIRED, BUDGET_CONFIRMATION_REQUIRED); or the Idempotency-Key is still in use (IDEMPOTENCY_KEY_IN_PROGRESS)."),
      422: err("Invalid input (VALIDATION_FAILED with details), a template that is not approved (TEMPLATE_NOT_APPROVED, with its status and reason), or the Idempotency-Key was used with another request (IDEMPOTENCY_KEY_REUSED)."),
    },
  },
  {
    method: "post", path: `${C}/cancel`, operationId: "cancelCampaign", tag: "Campaigns", mutation: true, summary: "Cancel a campaign (final)",
    responses: { 200: { description: "Cancelled.", schema: R.ZCampaignTransition, example: SPEC_EXAMPLES.cancelResponse }, 401: E[401], 403: E[403], 404: E[404], 409: E[409] },
  },
  {
    method: "post", path: `${C}/retry-unknown`, operationId: "retryUnknownRecipients", tag: "Recipients", mutation: true,
    summary: "Send again to recipients whose outcome is unknown", description: "They may have received the message: only on explicit request.",
    responses: { 200: { description: "How many will be sent again.", schema: R.ZRetryUnknown }, 401: E[401], 403: E[403], 404: E[404], 409: E[409] },
  },
  {
    method: "get", path: `${C}/stats`, operationId: "getCampaignStats", tag: "Campaigns", summary: "A campaign's delivery statistics",
    responses: { 200: { description: "The statistics.", schema: R.ZCampaignStats, example: SPEC_EXAMPLES.statsResponse }, 401: E[401], 404: E[404] },
  },
  {
    method: "get", path: `${C}/follow-up`, operationId: "getFollowUps", tag: "Campaigns", summary: "Follow-up outcomes and the follow-ups created",
    description: "How many of the campaign's recipients each outcome selects now (still-subscribed customers only), and its follow-up campaigns.",
    responses: { 200: { description: "Counts per outcome and the follow-ups.", schema: R.ZFollowUps }, 401: E[401], 404: E[404] },
  },
  {
    method: "post", path: `${C}/follow-up`, operationId: "createFollowUp", tag: "Campaigns", mutation: true,
    summary: "Create a follow-up draft for the recipients with one outcome",
    description:
      "outcome: not_read (delivered, not read), not_delivered (no delivery report, or failed with a temporary error), clicked, not_clicked (delivered, no click), replied. " +
      "The draft's recipients are exactly the parent's recipients with that outcome now, among customers still subscribed; it keeps the parent's daily limit, priority and send window. 422 NO_RECIPIENTS when none match.",
    body: { schema: ZCreateFollowUp, required: true, example: { outcome: "not_read", name: "Summer Sale — reminder", template_name: "summer_sale_reminder", language_code: "en_US" } },
    responses: { 201: { description: "The follow-up draft.", schema: R.ZCreatedFollowUp }, 401: E[401], 403: E[403], 404: E[404], 422: E[422] },
  },
  {
    method: "post", path: `${C}/test-send`, operationId: "testSendCampaign", tag: "Campaigns", mutation: true,
    summary: "Send the campaign's message to 1 to 10 test numbers",
    body: { schema: ZTestSend, required: true, example: { phone_numbers: ["+14694652751"] } },
    responses: {
      200: { description: "One result per number.", schema: R.ZTestSendResult }, 401: E[401], 403: E[403], 404: E[404],
      409: err("The campaign is completed or cancelled (INVALID_TRANSITION); all sending is on hold (SEND_HOLD); or the Idempotency-Key is still in use (IDEMPOTENCY_KEY_IN_PROGRESS)."),
      422: E[422],
      429: { ...err("This user or token sent test messages to settings.test_send_limit_per_hour numbers in the last hour (TEST_SEND_LIMIT_REACHED), or the token used its requests for the minute (RATE_LIMITED)."), headers: { "Retry-After": "Seconds until a test send to one more number is accepted." } },
    },
  },
  {
    method: "get", path: "/api/marketing/customers", operationId: "listCustomers", tag: "Customers", summary: "List customers, newest first",
    query: ZFindCustomers, responses: { 200: { description: "A page of customers.", schema: R.ZCustomerPage }, 401: E[401], 422: E[422] },
  },
  {
    method: "post", path: "/api/marketing/customers", operationId: "upsertCustomers", tag: "Customers", mutation: true,
    summary: "Create or update up to 10,000 customers by phone",
    body: {
      schema: z.object({ customers: z.array(ZCustomerRow).min(1).max(10_000) }).strict(), required: true,
      example: { customers: [{ phone: "+14694652751", name: "Ada", customer_tier: "premium", city: "New York", tags: ["fashion"] }] },
    },
    responses: { 200: { description: "How many were created and updated.", schema: R.ZCustomersSaved }, 401: E[401], 403: E[403], 422: E[422] },
  },
  {
    method: "delete", path: "/api/marketing/customers/{customerId}", operationId: "eraseCustomer", tag: "Customers", mutation: true,
    summary: "Erase a customer's personal data (campaign totals unchanged)",
    responses: { 200: { description: "Erased.", schema: R.ZCustomerErased }, 401: E[401], 403: E[403], 404: err("No such customer (CUSTOMER_NOT_FOUND).") },
  },
  {
    method: "delete", path: "/api/marketing/customers/{customerId}/undeliverable", operationId: "clearCustomerUndeliverable", tag: "Customers", mutation: true,
    summary: "Mark a customer reachable on WhatsApp again",
    description: "Clears the customer's undeliverable count and their not-reachable mark (set after repeated 131026 failures): target audiences include them again and their pending recipients are sent. Audited.",
    responses: { 200: { description: "Cleared (changed: false when there was nothing to clear).", schema: R.ZCustomerReachable }, 401: E[401], 403: E[403], 404: err("No such customer (CUSTOMER_NOT_FOUND).") },
  },
  {
    method: "get", path: "/api/marketing/templates", operationId: "listTemplates", tag: "Templates", summary: "The WhatsApp template library",
    query: ZListTemplatesQuery, responses: { 200: { description: "The templates.", schema: R.ZTemplateList }, 401: E[401], 422: E[422] },
  },
  {
    method: "post", path: "/api/marketing/templates/sync", operationId: "syncTemplates", tag: "Templates", mutation: true, summary: "Sync the template library from Meta now",
    responses: { 200: { description: "What changed.", schema: R.ZTemplateSync }, 401: E[401], 403: E[403], 503: err("The template library is not configured or Meta did not answer (SERVICE_UNAVAILABLE).") },
  },
  {
    method: "get", path: "/api/marketing/settings/sending", operationId: "getSendingSettings", tag: "Settings", summary: "Send window, frequency cap and failure guard",
    responses: { 200: { description: "The settings.", schema: R.ZSendingSettings }, 401: E[401] },
  },
  {
    method: "patch", path: "/api/marketing/settings/sending", operationId: "updateSendingSettings", tag: "Settings", mutation: true, adminOnly: true,
    summary: "Change the sending settings (admins)",
    body: { schema: ZUpdateSendingSettings, required: true, example: { frequency_cap: null, require_test_send: true } },
    responses: { 200: { description: "The settings.", schema: R.ZSendingSettings }, 401: E[401], 403: E[403], 422: E[422] },
  },
  {
    method: "get", path: "/api/marketing/health", operationId: "getAccountHealth", tag: "Health", summary: "Account health: send hold, quality, messaging limit",
    responses: { 200: { description: "Account health.", schema: R.ZAccountHealth }, 401: E[401] },
  },
  {
    method: "post", path: "/api/marketing/health/release-hold", operationId: "releaseSendHold", tag: "Health", mutation: true, adminOnly: true,
    summary: "Release the account-wide send hold (admins)",
    responses: { 200: { description: "Released, or was not on hold.", schema: R.ZReleaseHold }, 401: E[401], 403: E[403] },
  },
  {
    method: "get", path: "/api/marketing/alerts", operationId: "listAlerts", tag: "Alerts", summary: "Recent alerts, newest first",
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), unread: z.enum(["true", "false"]).optional(), cursor: ZCursor.optional() }),
    responses: { 200: { description: "Alerts and the unread count.", schema: R.ZAlertList }, 401: E[401], 422: E[422] },
  },
  {
    method: "post", path: "/api/marketing/alerts/read", operationId: "markAlertsRead", tag: "Alerts", mutation: true, summary: "Mark alerts read",
    body: { schema: ZMarkAlertsRead, required: true, example: { all: true } },
    responses: { 200: { description: "How many were marked.", schema: R.ZAlertsMarked }, 401: E[401], 403: E[403], 422: E[422] },
  },
  {
    method: "get", path: "/api/marketing/process-daily", operationId: "processDailyCron", tag: "Processing", mutation: true, cron: true,
    summary: "Send what is due now (Vercel Cron calls GET with CRON_SECRET)",
    query: z.object({ date: ZDayParam.optional() }),
    responses: { 200: { description: "What this run did.", schema: R.ZProcessingRun, example: SPEC_EXAMPLES.processDailyResponse }, 401: E[401], 403: E[403], 422: E[422] },
  },
  {
    method: "post", path: "/api/marketing/process-daily", operationId: "processDaily", tag: "Processing", mutation: true, cron: true,
    summary: "Send what is due now",
    query: z.object({ date: ZDayParam.optional() }),
    responses: { 200: { description: "What this run did.", schema: R.ZProcessingRun, example: SPEC_EXAMPLES.processDailyResponse }, 401: E[401], 403: E[403], 422: E[422] },
  },
  {
    method: "get", path: "/api/marketing/webhook-endpoints", operationId: "listWebhookEndpoints", tag: "Events", adminOnly: true,
    summary: "Outbound event endpoints",
    responses: { 200: { description: "The endpoints and the event types they can subscribe to.", schema: R.ZWebhookEndpointList }, 401: E[401], 403: E[403] },
  },
  {
    method: "post", path: "/api/marketing/webhook-endpoints", operationId: "createWebhookEndpoint", tag: "Events", mutation: true, adminOnly: true,
    summary: "Register an endpoint for outbound events",
    description: "A URL that resolves to a loopback, link-local or private address is refused (422) unless allow_private_network is true.",
    body: { schema: ZCreateWebhookEndpoint, required: true, example: { url: "https://shop.example.com/hooks/whatsapp", event_types: ["campaign.completed", "customer.unsubscribed", "reply.received"] } },
    responses: { 201: { description: "The endpoint, with its signing secret.", schema: R.ZWebhookEndpoint }, 401: E[401], 403: E[403], 409: E[409], 422: E[422] },
  },
  {
    method: "get", path: "/api/marketing/webhook-endpoints/{endpointId}", operationId: "getWebhookEndpoint", tag: "Events", adminOnly: true, summary: "One endpoint",
    responses: { 200: { description: "The endpoint.", schema: R.ZWebhookEndpoint }, 401: E[401], 403: E[403], 404: err("No such endpoint (NOT_FOUND).") },
  },
  {
    method: "patch", path: "/api/marketing/webhook-endpoints/{endpointId}", operationId: "updateWebhookEndpoint", tag: "Events", mutation: true, adminOnly: true,
    summary: "Change an endpoint (URL, event types, enabled, allow_private_network)",
    body: { schema: ZUpdateWebhookEndpoint, required: true, example: { enabled: false } },
    responses: { 200: { description: "The endpoint.", schema: R.ZWebhookEndpoint }, 401: E[401], 403: E[403], 404: err("No such endpoint (NOT_FOUND)."), 409: err("The endpoint is configured by ALERT_WEBHOOK_URL (CONFLICT)."), 422: E[422] },
  },
  {
    method: "delete", path: "/api/marketing/webhook-endpoints/{endpointId}", operationId: "deleteWebhookEndpoint", tag: "Events", mutation: true, adminOnly: true,
    summary: "Delete an endpoint and its delivery log",
    responses: { 200: { description: "Deleted.", schema: R.ZWebhookEndpointDeleted }, 401: E[401], 403: E[403], 404: err("No such endpoint (NOT_FOUND)."), 409: err("The endpoint is configured by ALERT_WEBHOOK_URL (CONFLICT).") },
  },
  {
    method: "post", path: "/api/marketing/webhook-endpoints/{endpointId}/test", operationId: "sendTestEvent", tag: "Events", mutation: true, adminOnly: true,
    summary: "Send a test event (endpoint.test) to this endpoint now",
    responses: { 200: { description: "The test event's delivery.", schema: R.ZWebhookDelivery }, 401: E[401], 403: E[403], 404: err("No such endpoint (NOT_FOUND)."), 409: err("The endpoint is disabled (CONFLICT): enable it first; or the Idempotency-Key is still in use (IDEMPOTENCY_KEY_IN_PROGRESS).") },
  },
  {
    method: "get", path: "/api/marketing/webhook-endpoints/{endpointId}/deliveries", operationId: "listWebhookDeliveries", tag: "Events", adminOnly: true,
    summary: "The endpoint's delivery log, newest first",
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), cursor: z.string().max(40).optional().meta({ description: "next_cursor of the previous page" }) }),
    responses: { 200: { description: "A page of deliveries.", schema: R.ZWebhookDeliveryPage }, 401: E[401], 403: E[403], 404: err("No such endpoint (NOT_FOUND)."), 422: E[422] },
  },
  {
    method: "post", path: "/api/marketing/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/retry", operationId: "resendWebhookDelivery", tag: "Events",
    mutation: true, adminOnly: true, summary: "Send a delivery again now",
    responses: { 200: { description: "The delivery after this attempt.", schema: R.ZWebhookDelivery }, 401: E[401], 403: E[403], 404: err("No such endpoint or delivery (NOT_FOUND).") },
  },
  {
    method: "get", path: "/api/marketing/openapi.json", operationId: "getOpenApiDocument", tag: "Meta", summary: "This document (OpenAPI 3.1)",
    responses: { 200: { description: "The OpenAPI document.", schema: R.ZOpenApiDocument }, 401: E[401] },
  },
];

/**
 * The marketing API's route handlers by name, for tests that call them directly. The engine harness is
 * imported first: it sets the environment the route modules read when they load.
 */
import "../engine/support";

export * as openapi from "@/app/api/marketing/openapi.json/route";
export * as campaigns from "@/app/api/marketing/campaigns/route";
export * as campaign from "@/app/api/marketing/campaigns/[campaignId]/route";
export * as recipients from "@/app/api/marketing/campaigns/[campaignId]/recipients/route";
export * as activate from "@/app/api/marketing/campaigns/[campaignId]/activate/route";
export * as pause from "@/app/api/marketing/campaigns/[campaignId]/pause/route";
export * as resume from "@/app/api/marketing/campaigns/[campaignId]/resume/route";
export * as cancel from "@/app/api/marketing/campaigns/[campaignId]/cancel/route";
export * as stats from "@/app/api/marketing/campaigns/[campaignId]/stats/route";
export * as retryUnknown from "@/app/api/marketing/campaigns/[campaignId]/retry-unknown/route";
export * as testSend from "@/app/api/marketing/campaigns/[campaignId]/test-send/route";
export * as followUp from "@/app/api/marketing/campaigns/[campaignId]/follow-up/route";
export * as customers from "@/app/api/marketing/customers/route";
export * as customer from "@/app/api/marketing/customers/[customerId]/route";
export * as customerUndeliverable from "@/app/api/marketing/customers/[customerId]/undeliverable/route";
export * as templates from "@/app/api/marketing/templates/route";
export * as templatesSync from "@/app/api/marketing/templates/sync/route";
export * as sending from "@/app/api/marketing/settings/sending/route";
export * as health from "@/app/api/marketing/health/route";
export * as releaseHold from "@/app/api/marketing/health/release-hold/route";
export * as alerts from "@/app/api/marketing/alerts/route";
export * as alertsRead from "@/app/api/marketing/alerts/read/route";
export * as processDaily from "@/app/api/marketing/process-daily/route";
export * as endpoints from "@/app/api/marketing/webhook-endpoints/route";
export * as endpointRoute from "@/app/api/marketing/webhook-endpoints/[endpointId]/route";
export * as endpointTest from "@/app/api/marketing/webhook-endpoints/[endpointId]/test/route";
export * as deliveries from "@/app/api/marketing/webhook-endpoints/[endpointId]/deliveries/route";
export * as resend from "@/app/api/marketing/webhook-endpoints/[endpointId]/deliveries/[deliveryId]/retry/route";

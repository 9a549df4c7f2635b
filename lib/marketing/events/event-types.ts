/** The events an endpoint can subscribe to (emitted by database triggers, see the outbound_events migration). */
import { z } from "@/lib/zod";

export const EVENT_TYPES = [
  "campaign.activated",
  "campaign.paused",
  "campaign.completed",
  "campaign.cancelled",
  "customer.unsubscribed",
  "customer.subscribed",
  "message.failed",
  "reply.received",
  "alert.created",
] as const;

/** How a delivery's body is shaped: the signed envelope, or what Slack/Teams incoming webhooks accept. */
export const ENDPOINT_FORMATS = ["standard", "slack"] as const;
export type EndpointFormat = (typeof ENDPOINT_FORMATS)[number];

/** Sent only by "send test event", to the one endpoint. */
export const TEST_EVENT_TYPE = "endpoint.test";

export const ZEventType = z.enum(EVENT_TYPES);

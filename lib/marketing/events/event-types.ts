/** The events an endpoint can subscribe to (emitted by database triggers, see the outbound_events migration). */
import { z } from "zod";

export const EVENT_TYPES = [
  "campaign.activated",
  "campaign.paused",
  "campaign.completed",
  "customer.unsubscribed",
  "customer.subscribed",
  "message.failed",
  "reply.received",
] as const;

/** Sent only by "send test event", to the one endpoint. */
export const TEST_EVENT_TYPE = "endpoint.test";

export const ZEventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof ZEventType>;

/**
 * One delivery, stored then applied: the entry point of the sandbox, scripts and tests (the route
 * stores, answers, and applies after the answer). Signature already checked, JSON already parsed.
 * Never throws for a malformed payload (what does not match is quarantined); any other error means
 * the delivery could not be stored.
 */
import type { Db } from "../db";
import { applyInbox, type ApplySummary } from "./apply-inbox";
import { storeWebhookDelivery, type OwnAccount, type StoreSummary } from "./store-webhook-delivery";
import { WEBHOOK_HANDLERS } from "./webhook-handlers";
import type { WebhookChangeHandler, WebhookLog } from "./webhook-handler";

export type WebhookSummary = {
  stored: StoreSummary;
  applied: number;
  /** statuses waiting for their message to be recorded */
  waiting: number;
  quarantined: number;
  ignored: number;
  results: Record<string, Record<string, number>>;
};

export async function handleWebhookPayload({ db, now, payload, log = console, timezone = "UTC", handlers = WEBHOOK_HANDLERS, own = {} }: {
  db: Db;
  now: Date;
  payload: unknown;
  log?: WebhookLog;
  /** CAMPAIGN_TIMEZONE: the calendar of sent_on and scheduled_send_date */
  timezone?: string;
  handlers?: ReadonlyArray<WebhookChangeHandler<unknown>>;
  /** WHATSAPP_BUSINESS_ACCOUNT_ID / WHATSAPP_PHONE_NUMBER_ID: changes for others are ignored */
  own?: OwnAccount;
}): Promise<WebhookSummary> {
  const stored = await storeWebhookDelivery({ db, payload, now, own });
  const applied: ApplySummary = await applyInbox({ db, now, timezone, log, handlers });
  return {
    stored, applied: applied.applied, waiting: applied.waiting,
    quarantined: stored.quarantined + applied.quarantined, ignored: stored.ignored + applied.ignored, results: applied.results,
  };
}

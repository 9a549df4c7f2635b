/**
 * The sandbox's due status events and replies go where Meta's webhooks go: stored in the webhook inbox
 * (with the sandbox events' deletion, in one transaction), then applied by the same applier.
 */
import { flushSandboxEvents } from "@/lib/whatsapp/sandbox";
import { withRetry, type Db } from "../db";
import { applyInbox, type ApplySummary } from "./apply-inbox";
import { inboxRowsOf, storeInboxRows } from "./store-webhook-delivery";
import type { WebhookLog } from "./webhook-handler";

export async function flushSandbox({ db, now, timezone = "UTC", limit = 2000, log = console }: {
  db: Db; now: Date; timezone?: string; limit?: number; log?: WebhookLog;
}): Promise<{ delivered: number; summary: ApplySummary | null }> {
  const { delivered } = await withRetry(() => flushSandboxEvents({
    db, now, limit,
    deliver: (tx, payloads) => storeInboxRows(tx, payloads.flatMap((p) => inboxRowsOf(p)), now),
  }));
  const summary = delivered > 0 ? await applyInbox({ db, now, timezone, log }) : null;
  return { delivered, summary };
}

/**
 * The sandbox's due status events and replies go where Meta's webhooks go: stored in the webhook inbox
 * (with the sandbox events' deletion, in one transaction), then applied by the same applier. A simulated
 * tap on a tracked button is recorded like GET /r/{token} records a person's (a link preview is not).
 */
import { isSandboxClick, flushSandboxEvents } from "@/lib/whatsapp/sandbox";
import { isLinkPreview } from "../engagement/link-preview";
import { recordClick } from "../engagement/record-click";
import { withRetry, type Db } from "../db";
import { applyInbox, type ApplySummary } from "./apply-inbox";
import { inboxRowsOf, storeInboxRows } from "./store-webhook-delivery";
import type { WebhookLog } from "./webhook-handler";

export async function flushSandbox({ db, now, timezone = "UTC", limit = 2000, log = console }: {
  db: Db; now: Date; timezone?: string; limit?: number; log?: WebhookLog;
}): Promise<{ delivered: number; summary: ApplySummary | null }> {
  const { delivered } = await withRetry(() => flushSandboxEvents({
    db, now, limit,
    // every payload is stored: what does not match Meta's shapes is quarantined, never dropped
    deliver: async (tx, payloads) => {
      for (const p of payloads.filter(isSandboxClick)) {
        await recordClick({ db: tx, now, token: p.sandbox_click.suffix, count: !isLinkPreview({ method: "GET", userAgent: p.sandbox_click.user_agent }) });
      }
      const webhooks = payloads.filter((p) => !isSandboxClick(p));
      return { dropped: 0, summary: await storeInboxRows(tx, webhooks.flatMap((p) => inboxRowsOf(p)), now) };
    },
  }));
  const summary = delivered > 0 ? await applyInbox({ db, now, timezone, log }) : null;
  return { delivered, summary };
}

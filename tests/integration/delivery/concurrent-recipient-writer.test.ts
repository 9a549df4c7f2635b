/**
 * A chunk's statuses are applied to a recipient that another transaction changes while the chunk waits
 * for its lock (another applier, the processor). The chunk locks and updates its recipients in one
 * statement, whose snapshot predates that change: the status must still be applied to the row as it is
 * once locked, never dropped from the inbox unapplied, and never computed from the old row.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { engineSuite } from "../engine/support";
import { createCampaignWithRecipients, statusesPayload } from "../whatsapp/fixtures";
import { storeWebhookDelivery } from "@/lib/marketing/delivery/store-webhook-delivery";
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { waitUntilBlockedBy } from "../../support/locks";

const { e } = await engineSuite({ noTemplateLibrary: true, poolMax: 8 });

const quiet = { warn: () => {} };
const NOW = new Date("2026-03-02T12:00:00Z");

describe("a recipient written by another transaction while the chunk waits for it", () => {
  it("gets the chunk's status applied to the row as it is once locked", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(e.db, 3, { phonePrefix: 17205588000 });
    await e.db.whatsappMessage.createMany({ data: recipients.map((r) => ({
      direction: "outbound", campaignId: campaign.id, recipientId: r.id, phoneNumber: r.phoneNumber, whatsappMessageId: r.whatsappMessageId, status: "queued",
    })) });
    await storeWebhookDelivery({ db: e.db, now: NOW, payload: statusesPayload(recipients.map((r) => ({ id: r.whatsappMessageId!, status: "read", at: "2026-03-02T10:05:00Z" }))) });

    const middle = recipients[1];
    let applying: Promise<unknown> | null = null;
    await e.db.$transaction(async (tx) => {
      // another writer holds the middle recipient and moves it to delivered; the chunk starts meanwhile
      await tx.$executeRaw`SELECT 1 FROM campaign_recipients WHERE id = ${middle.id}::uuid FOR UPDATE`;
      const [{ pid }] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
      applying = applyInbox({ db: e.db, now: NOW, log: quiet });
      // the row is changed only once the applier's statement waits for it (its snapshot taken before the change)
      await waitUntilBlockedBy(e.db, pid);
      await tx.$executeRaw`UPDATE campaign_recipients SET status = 'delivered', sent_at = '2026-03-02T10:00:00Z', delivered_at = '2026-03-02T10:01:00Z', updated_at = now()
        WHERE id = ${middle.id}::uuid`;
    }, { timeout: 20_000 });
    await applying;

    const rows = await e.db.campaignRecipient.findMany({ where: { campaignId: campaign.id }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["read", "read", "read"]);
    const m = rows.find((r) => r.id === middle.id)!;
    // computed from the row as the other writer left it: its delivery time stays
    expect(m.deliveredAt?.toISOString()).toBe("2026-03-02T10:01:00.000Z");
    expect(m.readAt?.toISOString()).toBe("2026-03-02T10:05:00.000Z");
    const [left] = await e.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM webhook_inbox_pending`);
    expect(left.n).toBe(0);
    const messages = await e.db.whatsappMessage.findMany({ where: { campaignId: campaign.id } });
    expect(messages.map((w) => w.status)).toEqual(["read", "read", "read"]);
  });
});

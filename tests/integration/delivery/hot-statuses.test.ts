/**
 * A delivery status is a HOT update of its recipient: no index of campaign_recipients names `status`
 * (they name the generated `stage`, which stays 'out' from queued to read), so the applier's delivered and
 * read write a new row version on the same page and no index entry (migration recipients_stage_hot_statuses).
 * A failure changes the stage (the failed rows have their own index range): not HOT.
 * Counted with the backend's statistics not yet flushed (pg_stat_get_xact_*, which also hold an earlier
 * transaction's until the backend reports them), read before and after the applier in one transaction.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { Prisma, type Tx } from "@/lib/marketing/db";
import { applyStatuses, type StatusRow } from "@/lib/marketing/delivery/apply-statuses";
import { engineSuite } from "../engine/support";
import { createCampaignWithRecipients, status } from "../whatsapp/fixtures";

const { e } = await engineSuite({ noTemplateLibrary: true });

const NOW = new Date("2026-03-02T12:00:00Z");

async function tableUpdates(tx: Tx) {
  const [row] = await tx.$queryRaw<Array<{ upd: bigint; hot: bigint }>>(Prisma.sql`
    SELECT pg_stat_get_xact_tuples_updated('campaign_recipients'::regclass) AS upd,
           pg_stat_get_xact_tuples_hot_updated('campaign_recipients'::regclass) AS hot`);
  return { updated: Number(row.upd), hot: Number(row.hot) };
}

/** Applies one status to every recipient in one transaction; the table's updates and HOT updates in it. */
async function applyToAll(recipients: Array<{ whatsappMessageId: string | null }>, kind: string, at: string, error?: { code: number; title: string }) {
  return e.db.$transaction(async (tx) => {
    const rows: StatusRow[] = recipients.map((r, i) => ({
      id: BigInt(i + 1), wamid: r.whatsappMessageId!, recipient_id: null, status: kind, occurred_at: new Date(at),
      value: status({ id: r.whatsappMessageId!, status: kind, at, error }),
    }));
    const before = await tableUpdates(tx);
    const { summary } = await applyStatuses(tx, rows, { now: NOW, timezone: "UTC" });
    const after = await tableUpdates(tx);
    return { applied: summary.recipients_updated, updated: after.updated - before.updated, hot: after.hot - before.hot };
  });
}

describe("delivery statuses are HOT updates", () => {
  // each on fresh rows (queued, as the processor leaves them): a row's next version needs the room on its page
  // that fillfactor 45 leaves, or the dead version before it pruned, which waits until no transaction of the
  // database is older than it (an autovacuum ANALYZE of another table can hold that for a while)
  // (a sent status keeps the send's sent_at, which the failure guard's index names)
  it.each([["sent", 17205598800], ["delivered", 17205599000], ["read", 17205599200]] as const)("%s: every recipient updated without a new index entry", async (kind, phonePrefix) => {
    const { campaign, recipients } = await createCampaignWithRecipients(e.db, 200, { phonePrefix });
    expect(await applyToAll(recipients, kind, "2026-03-02T10:01:00Z")).toEqual({ applied: 200, updated: 200, hot: 200 });
    const rows = await e.db.$queryRaw<Array<{ status: string; stage: string; n: bigint }>>(Prisma.sql`
      SELECT status, stage, count(*) AS n FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid GROUP BY 1, 2`);
    expect(rows.map((r) => [r.status, r.stage, Number(r.n)])).toEqual([[kind, "out", 200]]);
  });

  it("a failure changes the stage: not HOT, and the failed rows are found by the stage", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(e.db, 20, { phonePrefix: 17205599500 });
    const { updated, hot } = await applyToAll(recipients, "failed", "2026-03-02T10:01:00Z", { code: 131026, title: "Message undeliverable" });
    const failed = { updated, hot };
    expect(failed).toEqual({ updated: 20, hot: 0 });
    const [{ n }] = await e.db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
      SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ${campaign.id}::uuid AND stage = 'failed' AND status = 'failed'`);
    expect(Number(n)).toBe(20);
  });
});

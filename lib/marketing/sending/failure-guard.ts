/**
 * The failure-rate guard: after each batch, a campaign whose most recent attempts have too many
 * non-retryable failures pauses itself (paused_by 'failure_guard') with the reason and an alert. Set-based:
 * one query over the last `window` attempts (recipients with an outcome: queued/sent/delivered/read or
 * failed — failed covers permanent errors, retries given up and failed status webhooks, but not Meta's
 * per-user marketing cap), by attempt time,
 * since the guard was last reset (a confirmed resume). Checked once min_attempts such attempts exist;
 * pauses when failures exceed threshold_pct percent (strictly more).
 */
import { lockCampaign } from "../campaigns/lock-campaign";
import { Prisma, withRetry, type Db } from "../db";
import { pauseCampaigns } from "../campaigns/pause-campaign";
import { ERROR_TITLES, LISTED_ERROR_CODES } from "@/lib/whatsapp/errors";
import { effectiveFailureGuard, type TFailureGuard } from "./sending-settings";
import { ATTEMPTED_STAGES_SQL } from "../recipients/recipient-status-sql";

/**
 * Not an attempt the guard judges: Meta's per-user marketing cap (131049), failed at the recipient's last
 * attempt. It is about how much marketing the customer gets from every business, and pausing the campaign
 * would not change it. (coalesce: a failure without a code stays counted; NOT of a NULL would drop it)
 */
const META_CAP_GIVE_UP = Prisma.sql`(status = 'failed' AND coalesce(error_code, 0) = ANY(${[...LISTED_ERROR_CODES.meta_cap]}::int[]))`;

export type GuardVerdict = { attempts: number; failed: number; pct: number; over: boolean; top: Array<{ code: number | null; n: number; label: string }> };

/** The guard's reading of a campaign's recent attempts (no side effects). */
export async function measureFailures(db: Db | Prisma.TransactionClient, campaignId: string, guard: TFailureGuard, since: Date | null): Promise<GuardVerdict> {
  const rows = await db.$queryRaw<Array<{ code: number | null; reason: string | null; n: bigint; attempts: bigint; failed: bigint }>>(Prisma.sql`
    WITH recent AS (
      SELECT status, error_code, failure_reason FROM campaign_recipients
      WHERE campaign_id = ${campaignId}::uuid AND stage IN ${ATTEMPTED_STAGES_SQL} AND NOT ${META_CAP_GIVE_UP}
        AND coalesce(sent_at, failed_at) IS NOT NULL
        ${since ? Prisma.sql`AND coalesce(sent_at, failed_at) > ${since}::timestamptz` : Prisma.empty}
      ORDER BY coalesce(sent_at, failed_at) DESC
      LIMIT ${guard.window}::int
    ), totals AS (
      SELECT count(*) AS attempts, count(*) FILTER (WHERE status = 'failed') AS failed FROM recent
    )
    SELECT f.code, f.reason, f.n, t.attempts, t.failed FROM totals t
    LEFT JOIN LATERAL (
      SELECT error_code AS code, min(failure_reason) AS reason, count(*) AS n FROM recent WHERE status = 'failed'
      GROUP BY error_code ORDER BY count(*) DESC, error_code LIMIT 4
    ) f ON true`);
  const attempts = Number(rows[0]?.attempts ?? 0);
  const failed = Number(rows[0]?.failed ?? 0);
  const pct = attempts > 0 ? (100 * failed) / attempts : 0;
  const top = rows.filter((r) => r.n !== null).map((r) => ({
    code: r.code, n: Number(r.n),
    label: r.code !== null ? `${r.code} ${(ERROR_TITLES[r.code] ?? r.reason?.replace(/^\d+\s*/, "") ?? "error").toLowerCase()}` : (r.reason ?? "failed"),
  }));
  return { attempts, failed, pct, top, over: attempts >= guard.min_attempts && failed * 100 > guard.threshold_pct * attempts };
}

/** "Paused automatically: 14% of the last 500 sends failed (131026 message undeliverable: 61, …)" */
export function guardReason(v: GuardVerdict): string {
  const shown = v.top.slice(0, 3).map((t) => `${t.label}: ${t.n}`);
  const more = v.top.length > 3 ? ", …" : "";
  return `Paused automatically: ${Math.round(v.pct)}% of the last ${v.attempts} sends failed (${shown.join(", ")}${more})`;
}

/**
 * Checks one campaign and pauses it when over the threshold (under the campaign lock, only if still
 * active). Returns the pause reason when it paused.
 */
export async function enforceFailureGuard({ db, now, campaignId, workspaceGuard }: {
  db: Db; now: Date; campaignId: string; workspaceGuard: unknown;
}): Promise<string | null> {
  return withRetry(() => db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (c.status !== "active") return null;
    const guard = effectiveFailureGuard(workspaceGuard, c.failureGuard);
    const verdict = await measureFailures(tx, c.id, guard, c.guardResetAt);
    if (!verdict.over) return null;
    const reason = guardReason(verdict);
    await pauseCampaigns(tx, {
      by: "failure_guard", now, pauses: [{
        campaignId: c.id, reason,
        audit: { guard, attempts: verdict.attempts, failed: verdict.failed },
        alert: { attempts: verdict.attempts, failed: verdict.failed, pct: Math.round(verdict.pct * 10) / 10, top_errors: verdict.top, guard },
      }],
    });
    return reason;
  }));
}

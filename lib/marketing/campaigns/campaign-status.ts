/**
 * A campaign's states and the groups the rules check — defined here once (SQL statements use the
 * fragments of campaign-status-sql.ts, built from these lists). No imports: client components use it.
 *
 *  draft → active ⇄ paused → completed; draft, active or paused → cancelled. A completed campaign is
 *  active again when recipients go back to pending (retry-unknown, or a failed status that arrived after
 *  it completed: reopenCompletedCampaigns).
 */
export const CAMPAIGN_STATUSES = ["draft", "active", "paused", "completed", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** not finished: can take recipients and test sends, and be cancelled */
export const OPEN_CAMPAIGN_STATUSES = ["draft", "active", "paused"] as const satisfies readonly CampaignStatus[];
/** started and not finished: has a schedule that recipients and window changes must follow */
export const RUNNING_CAMPAIGN_STATUSES = ["active", "paused"] as const satisfies readonly CampaignStatus[];

/** not finished: can take recipients and test sends, and be cancelled */
export function isOpenCampaign(status: string): status is (typeof OPEN_CAMPAIGN_STATUSES)[number] {
  return (OPEN_CAMPAIGN_STATUSES as readonly string[]).includes(status);
}

/** started and not finished */
export function isRunningCampaign(status: string): status is (typeof RUNNING_CAMPAIGN_STATUSES)[number] {
  return (RUNNING_CAMPAIGN_STATUSES as readonly string[]).includes(status);
}

/** "An active campaign", "A paused campaign": the start of a refusal's message. */
export function campaignInStatus(status: string): string {
  return `${/^[aeiou]/i.test(status) ? "An" : "A"} ${status} campaign`;
}

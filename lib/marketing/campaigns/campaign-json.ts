/** The API shape of a campaign (snake_case, as in the spec). */
import type { MarketingCampaign } from "@/lib/generated/prisma/client";
import { dateToDay } from "../time";
import { messagesJson } from "../stats/counter-figures";

export function campaignJson(c: MarketingCampaign) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    template_name: c.templateName,
    language_code: c.languageCode,
    daily_send_limit: c.dailySendLimit,
    priority: c.priority,
    target_audience: c.targetAudience,
    template_components: c.templateComponents,
    send_window: c.sendWindow,
    pause_reason: c.pauseReason,
    paused_by: c.pausedBy,
    /** the most the campaign may spend, in the rate card's currency (null = no cap) */
    budget: c.budget === null ? null : Number(c.budget),
    // checked against the library and found good; a row never checked (older data, the demo seed) is not verified
    template_verified: c.templateVerified === true,
    template_warnings: c.templateWarnings,
    last_test_send_at: c.lastTestSendAt?.toISOString() ?? null,
    parent_campaign_id: c.parentCampaignId,
    follow_up_outcome: c.followUpOutcome,
    variants: c.variants ?? null,
    ab_test: c.abTest ?? null,
    ab_decision: c.abDecision ?? null,
    ...messagesJson(c),
    total_target_customers: c.totalTargetCustomers,
    start_date: c.startDate ? dateToDay(c.startDate) : null,
    started_at: c.startedAt?.toISOString() ?? null,
    paused_at: c.pausedAt?.toISOString() ?? null,
    completed_at: c.completedAt?.toISOString() ?? null,
    cancelled_at: c.cancelledAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

/** A list row, as in the spec's list example. */
export function campaignListItem(c: MarketingCampaign) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    template_name: c.templateName,
    language_code: c.languageCode,
    priority: c.priority,
    daily_send_limit: c.dailySendLimit,
    ...messagesJson(c),
    pause_reason: c.pauseReason,
    start_date: c.startDate ? dateToDay(c.startDate) : null,
    created_at: c.createdAt.toISOString(),
  };
}

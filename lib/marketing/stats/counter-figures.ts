/**
 * The one mapping from a campaign's counter columns (marketing_campaigns' total_target_customers and
 * messages_*, live: plus their unfolded deltas) to the figures the API and the pages show.
 */

/** A percentage with one decimal. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Recipients no longer pending, in percent of all (one decimal). */
export function progressPercentage(total: number, pending: number): number {
  return total > 0 ? round1((100 * (total - pending)) / total) : 0;
}

export type CampaignCounters = {
  totalTargetCustomers: number; messagesPending: number; messagesSent: number; messagesDelivered: number;
  messagesRead: number; messagesFailed: number; messagesSkipped: number; messagesUnknown: number;
};

/** The counters by their short names (total = recipients; sent, delivered, … as counted by recipient-status.ts). */
export type CounterFigures = { total: number; pending: number; sent: number; delivered: number; read: number; failed: number; skipped: number; unknown: number };

/** The counter columns of a raw SQL row (snake_case, bigint or int) as CampaignCounters. */
export function countersFromColumns(r: Record<string, unknown>): CampaignCounters {
  return {
    totalTargetCustomers: Number(r.total_target_customers), messagesPending: Number(r.messages_pending),
    messagesSent: Number(r.messages_sent), messagesDelivered: Number(r.messages_delivered), messagesRead: Number(r.messages_read),
    messagesFailed: Number(r.messages_failed), messagesSkipped: Number(r.messages_skipped), messagesUnknown: Number(r.messages_unknown),
  };
}

export function counterFigures(c: CampaignCounters): CounterFigures {
  return {
    total: c.totalTargetCustomers, pending: c.messagesPending, sent: c.messagesSent, delivered: c.messagesDelivered,
    read: c.messagesRead, failed: c.messagesFailed, skipped: c.messagesSkipped, unknown: c.messagesUnknown,
  };
}

/** The API's counter fields of a campaign and of a list item (the spec's names). */
export function messagesJson(c: CampaignCounters) {
  const f = counterFigures(c);
  return {
    total_target: f.total,
    messages_sent: f.sent,
    messages_delivered: f.delivered,
    messages_read: f.read,
    messages_failed: f.failed,
    messages_pending: f.pending,
    messages_skipped: f.skipped,
    messages_unknown: f.unknown,
    progress: progressPercentage(f.total, f.pending),
  };
}

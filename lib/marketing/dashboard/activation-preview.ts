/**
 * What activating a draft will do, for the activation dialog: recipients go out in daily_send_limit
 * batches from the start date, so it takes ceil(pending / limit) send days and the last is
 * start + days − 1 (10,000 at 250/day from 15 January → 40 days, last 23 February). The engine's
 * activateCampaign answers the same figures once it has scheduled.
 */
export function activationPreview({ pending, dailyLimit, startDate }: { pending: number; dailyLimit: number; startDate: string }) {
  const days = pending > 0 && dailyLimit > 0 ? Math.ceil(pending / dailyLimit) : 0;
  let lastDay: string | null = null;
  if (days > 0 && /^\d{4}-\d{2}-\d{2}$/.test(startDate)) {
    const d = new Date(`${startDate}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) {
      d.setUTCDate(d.getUTCDate() + days - 1);
      lastDay = d.toISOString().slice(0, 10);
    }
  }
  return { days, lastDay, lastDayCount: days > 0 ? pending - (days - 1) * dailyLimit : 0 };
}

/**
 * What activating a draft will do, for the activation dialog: recipients go out in daily_send_limit
 * batches from the start date, so it takes ceil(pending / limit) send days and the last is
 * start + days − 1 (10,000 at 250/day from 15 January → 40 days, last 23 February); with a send window
 * the days not allowed are skipped. The engine's activateCampaign answers the same figures once it has
 * scheduled.
 */
import { nthAllowedDay, type TSendWindow } from "../sending/send-window";
import { isDay } from "../time";

export function activationPreview({ pending, dailyLimit, startDate, sendWindow = null }: {
  pending: number; dailyLimit: number; startDate: string;
  /** the campaign's send window: only its allowed days are send days */
  sendWindow?: TSendWindow | null;
}) {
  const days = pending > 0 && dailyLimit > 0 ? Math.ceil(pending / dailyLimit) : 0;
  let lastDay: string | null = null;
  if (days > 0 && isDay(startDate)) lastDay = nthAllowedDay(sendWindow, startDate, days - 1);
  return { days, lastDay, lastDayCount: days > 0 ? pending - (days - 1) * dailyLimit : 0 };
}

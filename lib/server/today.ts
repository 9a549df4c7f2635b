/** Server-only adapter: today's calendar day in CAMPAIGN_TIMEZONE (what daily limits and analytics count in). */
import "server-only";
import { getEnv } from "@/lib/env";
import { dayInZone, type Day } from "@/lib/marketing/time";

export function today(now: Date = new Date()): Day {
  return dayInZone(now, getEnv().CAMPAIGN_TIMEZONE);
}

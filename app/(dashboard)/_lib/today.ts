import "server-only";
import { getEnv } from "@/lib/env";

/** Today's calendar day "YYYY-MM-DD" in CAMPAIGN_TIMEZONE (what daily limits and analytics count in). */
export function today(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: getEnv().CAMPAIGN_TIMEZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

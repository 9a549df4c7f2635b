/**
 * Reads the messaging limit and quality rating from WhatsApp (GET /{phone-number-id}) and records them in
 * settings (messaging_limit_tier, quality_rating, messaging_limit_read_at). Called with every processor
 * run: it reads when nothing was ever read, then at most once an hour (the template sync's rhythm), so a
 * run knows the limit before its first send instead of assuming one. The slot is claimed first, so
 * concurrent runs read once. Never throws for WhatsApp being unreachable: the known tier (or a new
 * number's 250) stays in force and the next slot tries again.
 *
 * The read reflects the moment it was made: it is recorded unless a webhook dated later already was
 * (account_event_at), and it moves account_event_at forward so an older webhook delivered late is ignored.
 */
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import { createAlert } from "../alerts/create-alert";
import { Prisma, type Db } from "../db";
import { knownTier, ZMessagingLimitTier } from "./account-health";

export const MESSAGING_LIMIT_READ_INTERVAL_MS = 3600_000;

/** quality ratings that say something (NA / UNKNOWN: not rated yet) */
const RATED = new Set(["GREEN", "YELLOW", "RED"]);

export type RefreshMessagingLimitResult =
  | { ran: false; reason: string }
  | { ran: true; tier: string | null; quality_rating: string | null; previous_tier: string | null };

export async function refreshMessagingLimit({ db, now, whatsapp, intervalMs = MESSAGING_LIMIT_READ_INTERVAL_MS }: {
  db: Db; now: Date; whatsapp: Pick<WhatsAppClient, "readPhoneNumberHealth">; intervalMs?: number;
}): Promise<RefreshMessagingLimitResult> {
  if (!whatsapp.readPhoneNumberHealth) return { ran: false, reason: "the WhatsApp client cannot read the phone number" };
  await db.$executeRaw(Prisma.sql`INSERT INTO settings (id, updated_at) VALUES (1, ${now}) ON CONFLICT (id) DO NOTHING`);
  const claimed = await db.$queryRaw<Array<{ tier: string | null }>>(Prisma.sql`
    UPDATE settings SET messaging_limit_read_at = ${now}
    WHERE id = 1 AND (messaging_limit_read_at IS NULL OR messaging_limit_read_at <= ${new Date(now.getTime() - intervalMs)})
    RETURNING messaging_limit_tier AS tier`);
  if (claimed.length === 0) return { ran: false, reason: "read recently" };
  let health;
  try {
    health = await whatsapp.readPhoneNumberHealth();
  } catch (error) {
    return { ran: false, reason: error instanceof Error ? error.message : "the read failed" };
  }
  const parsedTier = ZMessagingLimitTier.safeParse(health.messagingLimit);
  const tier = parsedTier.success ? knownTier(parsedTier.data) : null;
  const quality = health.qualityRating && RATED.has(health.qualityRating.toUpperCase()) ? health.qualityRating.toUpperCase() : null;
  const previous = claimed[0].tier;
  const updated = await db.$executeRaw(Prisma.sql`
    UPDATE settings SET
      messaging_limit_tier = coalesce(${tier}, messaging_limit_tier),
      quality_rating = coalesce(${quality}, quality_rating),
      account_event_at = ${now}, updated_at = ${now}
    WHERE id = 1 AND (account_event_at IS NULL OR account_event_at <= ${now})`);
  if (updated > 0 && tier && previous && tier !== previous) {
    await createAlert(db, {
      severity: "info", kind: "account_quality", dedupeKey: `messaging_limit_read:${tier}:${now.toISOString().slice(0, 13)}`,
      details: { previous_tier: previous, tier, quality_rating: quality },
      text: `WhatsApp reports a messaging limit of ${tier} (was ${previous}).`,
    }, now);
  }
  return { ran: true, tier, quality_rating: quality, previous_tier: previous };
}

/**
 * One round of the delivery race: the processor recording the sends of a claimed batch (finishBatch)
 * while Meta's sent → delivered → read statuses for the very same messages are stored and applied as the
 * webhook route does after its answer. Each party waits `delay` ms first, so a test mixes them in any order.
 */
import { applyInbox } from "@/lib/marketing/delivery/apply-inbox";
import { storeWebhookDelivery } from "@/lib/marketing/delivery/store-webhook-delivery";
import { finishBatch } from "@/lib/marketing/processing/finish-batch";
import { Prisma, type Db } from "@/lib/marketing/db";
import type { StatusInput } from "../integration/whatsapp/fixtures";

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A repeatable pseudo-random sequence in [0, 1) from `seed` (the same rounds on every run). */
export function seededRandom(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const quiet = { warn: () => {} };

/**
 * Claims `batch` for the processor on `day` and returns the round's parties: `events` (each message sent,
 * delivered and read, its wamid `wamid.<tag>.<round>.<i>`), `webhook(payload, delay)` and `processor(delay)`.
 */
export async function startDeliveryRound(input: {
  db: Db;
  campaignId: string;
  batch: Array<{ id: string; phoneNumber: string }>;
  round: number;
  tag: string;
  day: string;
  now: Date;
}) {
  const { db, campaignId, batch, round, tag, day, now } = input;
  const claimId = crypto.randomUUID();
  await db.$executeRaw(Prisma.sql`
    UPDATE campaign_recipients SET status = 'sending', claim_id = ${claimId}::uuid, claimed_at = ${now}::timestamptz, sent_on = ${day}::date
    WHERE id = ANY(${batch.map((r) => r.id)}::uuid[])`);
  const wamid = (i: number) => `wamid.${tag}.${round}.${i}`;
  const events: StatusInput[] = batch.flatMap((r, i) => [
    { id: wamid(i), status: "sent", at: `${day}T10:00:01Z`, biz: r.id },
    { id: wamid(i), status: "delivered", at: `${day}T10:00:02Z`, biz: r.id },
    { id: wamid(i), status: "read", at: `${day}T10:00:03Z`, biz: r.id },
  ]);
  const webhook = async (payload: unknown, delay: number) => {
    await pause(delay);
    await storeWebhookDelivery({ db, payload, now });
    await applyInbox({ db, now, log: quiet });
  };
  const processor = async (delay: number) => {
    await pause(delay);
    await finishBatch({
      db, claimId, campaignId, now, timezone: "UTC", maxAttempts: 3, templateName: "promo", languageCode: "en_US",
      outcomes: batch.map((r, i) => ({ id: r.id, phone: r.phoneNumber, kind: "sent" as const, at: now, result: { ok: true as const, wamid: wamid(i), waId: r.phoneNumber, messageStatus: "accepted" } })),
    });
  };
  return { events, webhook, processor };
}

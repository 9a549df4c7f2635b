/**
 * Careful-sending operations and invariants for property-based tests, shared by
 * tests/integration/sending-limits/sending-limits-property.test.ts (the operations below) and the processing
 * property test tests/integration/engine/property-engine.test.ts (the arbitraries and the invariant checks, among its
 * own commands): campaigns with random send windows, a frequency cap, runs of the processor at random
 * instants (sometimes two at once), pauses/resumes and window changes; and the checks that must hold —
 * nothing stranded, no pending recipient on a day its window does not allow, no customer over the cap in
 * any moving window, nothing sent while a window was closed, counters and schedule equal to the recipients.
 */
import fc from "fast-check";
import { Prisma, type Db } from "@/lib/marketing/db";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { pauseCampaign } from "@/lib/marketing/campaigns/pause-campaign";
import { resumeCampaign } from "@/lib/marketing/campaigns/resume-campaign";
import { updateCampaign } from "@/lib/marketing/campaigns/update-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { allowedIsoDows, isoDow, readSendWindow, WEEKDAYS, windowPhase, type TSendWindow } from "@/lib/marketing/sending/send-window";
import type { TFrequencyCap } from "@/lib/marketing/sending/sending-settings";
import type { EngineConfig } from "@/lib/marketing/engine-config";
import { dayInZone } from "@/lib/marketing/time";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;

/** a send window (start 06–12 h, 2–10 h long, some days) or null */
export const arbWindow: fc.Arbitrary<TSendWindow | null> = fc.option(
  fc.record({
    start: fc.integer({ min: 6, max: 12 }),
    len: fc.integer({ min: 2, max: 10 }),
    days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
  }).map((w) => ({ start: hh(w.start), end: hh(w.start + w.len), days: w.days })),
  { freq: 3 },
);

export const arbCap: fc.Arbitrary<TFrequencyCap | null> = fc.option(fc.record({ max: fc.integer({ min: 1, max: 3 }), days: fc.integer({ min: 1, max: 4 }) }), { freq: 4 });

export type CarefulOp =
  | { op: "campaign"; phones: number[]; limit: number; window: TSendWindow | null; startOffset: number; priority: number }
  | { op: "run"; advanceMin: number; concurrent: boolean }
  | { op: "pause" | "resume"; which: number }
  | { op: "window"; which: number; window: TSendWindow | null };

export const arbCarefulOp = (poolSize: number): fc.Arbitrary<CarefulOp> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.record({
      op: fc.constant("campaign" as const),
      phones: fc.uniqueArray(fc.integer({ min: 0, max: poolSize - 1 }), { minLength: 1, maxLength: poolSize }),
      limit: fc.integer({ min: 1, max: 6 }), window: arbWindow, startOffset: fc.integer({ min: 0, max: 2 }), priority: fc.integer({ min: 1, max: 10 }),
    }) },
    { weight: 5, arbitrary: fc.record({ op: fc.constant("run" as const), advanceMin: fc.integer({ min: 10, max: 36 * 60 }), concurrent: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom("pause" as const, "resume" as const), which: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("window" as const), which: fc.nat(), window: arbWindow }) },
  );

export type CarefulWorld = {
  db: Db; whatsapp: WhatsAppClient; timezone: string; config: EngineConfig;
  phones: string[]; cap: TFrequencyCap | null;
  now: Date; campaigns: string[];
  /** what the world has done, for a failing example's report */
  log: string[];
};

/** Applies one operation; returns the run's `now` when the processor ran. */
export async function applyCarefulOp(w: CarefulWorld, op: CarefulOp): Promise<Date | null> {
  const pick = (n: number) => w.campaigns[n % w.campaigns.length];
  switch (op.op) {
    case "campaign": {
      const c = await createCampaign({ db: w.db, now: w.now, input: { name: `P${w.campaigns.length}`, template_name: "promo", daily_send_limit: op.limit, priority: op.priority, send_window: op.window } });
      await addRecipients({ db: w.db, now: w.now, timezone: w.timezone, campaignId: c.id, phoneNumbers: op.phones.map((i) => w.phones[i]) });
      const today = dayInZone(w.now, w.timezone);
      const start = new Date(`${today}T00:00:00Z`);
      start.setUTCDate(start.getUTCDate() + op.startOffset);
      await activateCampaign({ db: w.db, now: w.now, timezone: w.timezone, campaignId: c.id, startDate: start.toISOString().slice(0, 10) });
      w.campaigns.push(c.id);
      w.log.push(`campaign ${c.id.slice(0, 8)} phones=${op.phones.length} limit=${op.limit} window=${JSON.stringify(op.window)} +${op.startOffset}d`);
      return null;
    }
    case "run": {
      w.now = new Date(w.now.getTime() + op.advanceMin * 60_000);
      w.log.push(`run at ${w.now.toISOString()}${op.concurrent ? " ×2" : ""}`);
      const go = () => runDailyProcessing({ db: w.db, now: w.now, whatsapp: w.whatsapp, config: w.config });
      await (op.concurrent ? Promise.all([go(), go()]) : go());
      return w.now;
    }
    case "pause":
    case "resume": {
      if (w.campaigns.length === 0) return null;
      const id = pick(op.which);
      const c = await w.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
      if (op.op === "pause" && c.status === "active") await pauseCampaign({ db: w.db, now: w.now, campaignId: id });
      if (op.op === "resume" && c.status === "paused") await resumeCampaign({ db: w.db, now: w.now, timezone: w.timezone, campaignId: id, confirm: true });
      w.log.push(`${op.op} ${id.slice(0, 8)} (was ${c.status})`);
      return null;
    }
    case "window": {
      if (w.campaigns.length === 0) return null;
      const id = pick(op.which);
      const c = await w.db.marketingCampaign.findUniqueOrThrow({ where: { id } });
      if (c.status !== "active" && c.status !== "paused") return null;
      await updateCampaign({ db: w.db, now: w.now, timezone: w.timezone, campaignId: id, input: { send_window: op.window } });
      w.log.push(`window ${id.slice(0, 8)} → ${JSON.stringify(op.window)}`);
      return null;
    }
  }
}

/** Nothing stranded: no pending recipient of an active campaign unscheduled, scheduled before today, or on a day its (current) window does not allow. */
export async function strandedViolations(db: Db, campaignIds: string[], instant: Date, timezone: string): Promise<string[]> {
  const out: string[] = [];
  const today = dayInZone(instant, timezone);
  const pending = await db.$queryRaw<Array<{ campaign_id: string; d: string | null; n: bigint; w: unknown }>>(Prisma.sql`
    SELECT r.campaign_id::text, r.scheduled_send_date::text AS d, count(*) AS n, c.send_window AS w FROM campaign_recipients r JOIN marketing_campaigns c ON c.id = r.campaign_id
    WHERE c.id = ANY(${campaignIds}::uuid[]) AND c.status = 'active' AND r.status = 'pending' GROUP BY 1, 2, 4`);
  for (const p of pending) {
    if (p.d === null || p.d < today) out.push(`stranded: ${p.n} of ${p.campaign_id.slice(0, 8)} on ${p.d} (today ${today})`);
    else if (!allowedIsoDows(readSendWindow(p.w)).includes(isoDow(p.d))) out.push(`scheduled on a day its window does not allow: ${p.n} of ${p.campaign_id.slice(0, 8)} on ${p.d} (window ${JSON.stringify(p.w)})`);
  }
  return out;
}

/**
 * Nothing sent outside a window: each given recipient's send instant (sent_at, else `fallbackAt`) is inside
 * the window its campaign had when it was sent (`windowOf`), in the time zone.
 */
export async function outsideWindowViolations(db: Db, recipientIds: string[], windowOf: (recipientId: string, campaignId: string) => TSendWindow | null,
  timezone: string, fallbackAt: (recipientId: string) => Date | null = () => null): Promise<string[]> {
  if (recipientIds.length === 0) return [];
  const rows = await db.$queryRaw<Array<{ id: string; campaign_id: string; sent_at: Date | null }>>(Prisma.sql`
    SELECT id::text, campaign_id::text, sent_at FROM campaign_recipients WHERE id = ANY(${recipientIds}::uuid[])`);
  const out: string[] = [];
  for (const r of rows) {
    const at = r.sent_at ?? fallbackAt(r.id);
    if (!at) continue;
    const v = windowViolation(r.campaign_id, windowOf(r.id, r.campaign_id), at, timezone);
    if (v) out.push(v);
  }
  return out;
}

/** A send at `at` while its campaign's window was closed → the violation; null when fine. */
export function windowViolation(campaignId: string, window: TSendWindow | null, at: Date, timezone: string): string | null {
  return windowPhase(window, at, timezone) === "open" ? null : `sent outside its window: ${campaignId.slice(0, 8)} at ${at.toISOString()} (${timezone}, window ${JSON.stringify(window)})`;
}

/**
 * No customer over the cap: for every marketing send (outbound template message accepted by WhatsApp, not a
 * test send) to `phones` since `since`, under the cap in force when it was made (`capOf`), at most `max`
 * sends to that customer in the `days` × 24 h ending with it (equivalently: in any D-day span).
 */
export async function capViolations(db: Db, phones: string[], since: Date, capOf: (recipientId: string | null) => TFrequencyCap | null): Promise<string[]> {
  const sends = await db.$queryRaw<Array<{ recipient_id: string | null; phone: string; at: Date }>>(Prisma.sql`
    SELECT recipient_id::text, phone_number AS phone, sent_at AS at FROM whatsapp_messages
    WHERE direction = 'outbound' AND message_type = 'template' AND NOT is_test AND status <> 'failed'
      AND phone_number = ANY(${phones}::text[]) AND sent_at >= ${since}::timestamptz
    ORDER BY sent_at`);
  const byPhone = new Map<string, Date[]>();
  for (const s of sends) byPhone.set(s.phone, [...(byPhone.get(s.phone) ?? []), s.at]);
  const out: string[] = [];
  for (const s of sends) {
    const cap = capOf(s.recipient_id);
    if (!cap) continue;
    const from = s.at.getTime() - cap.days * 86_400_000;
    const n = (byPhone.get(s.phone) ?? []).filter((t) => t.getTime() > from && t.getTime() <= s.at.getTime()).length;
    if (n > cap.max) out.push(`over the cap: ${s.phone} has ${n} sends in the ${cap.days} days up to ${s.at.toISOString()} (max ${cap.max})`);
  }
  return out;
}

/** Counters and schedule equal the recipients. */
export async function counterViolations(db: Db, campaignIds: string[]): Promise<string[]> {
  const mismatches = await db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT c.id::text FROM marketing_campaigns c
    LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE status IN ('pending','sending')) AS pending, count(*) AS total FROM campaign_recipients r WHERE r.campaign_id = c.id) t ON true
    WHERE c.id = ANY(${campaignIds}::uuid[]) AND (c.messages_pending <> t.pending OR c.total_target_customers <> t.total)
    UNION ALL
    SELECT s.campaign_id::text FROM campaign_send_schedule s
    LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE status IN ('pending','sending')) AS remaining FROM campaign_recipients r
                       WHERE r.campaign_id = s.campaign_id AND r.scheduled_send_date = s.send_date) t ON true
    WHERE s.campaign_id = ANY(${campaignIds}::uuid[]) AND s.messages_remaining <> t.remaining`);
  return mismatches.map((m) => `counters or schedule disagree with the recipients: ${m.id.slice(0, 8)}`);
}

/** The invariants after a run at `runAt` (windows never change during a run): a list of violations (empty = fine). */
export async function carefulViolations(w: CarefulWorld, runAt: Date): Promise<string[]> {
  const campaigns = await w.db.marketingCampaign.findMany({ where: { id: { in: w.campaigns } } });
  const windows = new Map(campaigns.map((c) => [c.id, readSendWindow(c.sendWindow)]));
  // the recipients this run sent (its runs last well under a minute)
  const ran = await w.db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT id::text FROM campaign_recipients
    WHERE campaign_id = ANY(${w.campaigns}::uuid[]) AND sent_at >= ${runAt}::timestamptz AND sent_at < ${new Date(runAt.getTime() + 60_000)}::timestamptz`);
  return [
    ...(await strandedViolations(w.db, w.campaigns, runAt, w.timezone)),
    ...(await outsideWindowViolations(w.db, ran.map((r) => r.id), (_r, c) => windows.get(c) ?? null, w.timezone)),
    ...(w.cap ? await capViolations(w.db, w.phones, new Date(0), () => w.cap) : []),
    ...(await counterViolations(w.db, w.campaigns)),
  ];
}

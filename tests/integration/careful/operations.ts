/**
 * Careful-sending operations and invariants for property-based tests (issue 10; the hardening suite of
 * issue 7 can mix these into its random operations): campaigns with random send windows, a frequency cap,
 * runs of the processor at random instants (sometimes two at once), pauses/resumes and window changes; and
 * the checks that must hold after every run — nothing stranded, no pending recipient on a day its window
 * does not allow, no customer over the cap in any moving window, nothing sent while a window was closed,
 * counters and schedule equal to the recipients.
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

/** The invariants after a run at `runAt`: returns a list of violations (empty = fine). */
export async function carefulViolations(w: CarefulWorld, runAt: Date): Promise<string[]> {
  const out: string[] = [];
  const today = dayInZone(runAt, w.timezone);
  const campaigns = await w.db.marketingCampaign.findMany({ where: { id: { in: w.campaigns } } });
  const windows = new Map(campaigns.map((c) => [c.id, readSendWindow(c.sendWindow)]));
  // 1. nothing stranded, and pending recipients only on days their window allows
  const pending = await w.db.$queryRaw<Array<{ campaign_id: string; d: string | null; n: bigint }>>(Prisma.sql`
    SELECT r.campaign_id::text, r.scheduled_send_date::text AS d, count(*) AS n FROM campaign_recipients r JOIN marketing_campaigns c ON c.id = r.campaign_id
    WHERE c.id = ANY(${w.campaigns}::uuid[]) AND c.status = 'active' AND r.status = 'pending' GROUP BY 1, 2`);
  for (const p of pending) {
    if (p.d === null || p.d < today) out.push(`stranded: ${p.n} of ${p.campaign_id.slice(0, 8)} on ${p.d} (today ${today})`);
    else if (!allowedIsoDows(windows.get(p.campaign_id) ?? null).includes(isoDow(p.d))) out.push(`scheduled on a day its window does not allow: ${p.campaign_id.slice(0, 8)} ${p.d}`);
  }
  // 2. nothing sent by this run while its campaign's window was closed
  const sent = await w.db.$queryRaw<Array<{ campaign_id: string; sent_at: Date }>>(Prisma.sql`
    SELECT campaign_id::text, sent_at FROM campaign_recipients
    WHERE campaign_id = ANY(${w.campaigns}::uuid[]) AND sent_at >= ${runAt}::timestamptz AND sent_at < ${new Date(runAt.getTime() + 60_000)}::timestamptz`);
  for (const s of sent) {
    if (windowPhase(windows.get(s.campaign_id) ?? null, runAt, w.timezone) !== "open") out.push(`sent outside its window: ${s.campaign_id.slice(0, 8)} at ${s.sent_at.toISOString()}`);
  }
  // 3. no customer over the cap in any moving window
  if (w.cap) {
    const over = await w.db.$queryRaw<Array<{ phone: string; n: bigint }>>(Prisma.sql`
      SELECT a.phone_number AS phone, count(*) AS n FROM whatsapp_messages a JOIN whatsapp_messages b
        ON b.phone_number = a.phone_number AND b.direction = 'outbound' AND NOT b.is_test AND b.status <> 'failed'
       AND b.sent_at >= a.sent_at AND b.sent_at < a.sent_at + make_interval(days => ${w.cap.days}::int)
      WHERE a.direction = 'outbound' AND NOT a.is_test AND a.status <> 'failed' AND a.phone_number = ANY(${w.phones}::text[])
      GROUP BY a.id, a.phone_number HAVING count(*) > ${w.cap.max}::int`);
    for (const o of over) out.push(`over the cap: ${o.phone} has ${o.n} sends within ${w.cap.days} days (max ${w.cap.max})`);
  }
  // 4. counters and schedule equal the recipients
  const mismatches = await w.db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT c.id::text FROM marketing_campaigns c
    LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE status IN ('pending','sending')) AS pending, count(*) AS total FROM campaign_recipients r WHERE r.campaign_id = c.id) t ON true
    WHERE c.id = ANY(${w.campaigns}::uuid[]) AND (c.messages_pending <> t.pending OR c.total_target_customers <> t.total)
    UNION ALL
    SELECT s.campaign_id::text FROM campaign_send_schedule s
    LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE status IN ('pending','sending')) AS remaining FROM campaign_recipients r
                       WHERE r.campaign_id = s.campaign_id AND r.scheduled_send_date = s.send_date) t ON true
    WHERE s.campaign_id = ANY(${w.campaigns}::uuid[]) AND s.messages_remaining <> t.remaining`);
  for (const m of mismatches) out.push(`counters or schedule disagree with the recipients: ${m.id.slice(0, 8)}`);
  return out;
}

/**
 * Property-based: random sequences of operations on a real database, the real Cloud API client
 * and the fake Graph API — add recipients, activate, process on random days (skipping days, sometimes
 * twice at once) and at random times of day, pause, resume, cancel, status-webhook batches duplicated and
 * reordered, STOP/START, and set or clear a campaign's send window and the workspace frequency
 * cap — in CAMPAIGN_TIMEZONE America/New_York (daylight saving included), checking after every step:
 *   counters = a recount and the schedule agrees; no recipient sent twice; no campaign over its daily
 *   limit on any day; never more unique users than the messaging limit in any 24 h; nothing stranded (no
 *   pending recipient of an active campaign unscheduled, scheduled before today or on a day its window
 *   does not allow); nothing sent outside the window its campaign had then (by sent_at in the time zone);
 *   no customer over the frequency cap in force then, in any D-day span, counted from actual sends; no
 *   status moved backwards.
 *
 * Model-based (fc.commands): each operation is a command class in COMMANDS; the careful-sending
 * arbitraries and checks are shared with the careful suite (tests/integration/support/careful.ts).
 * HARDENING_SCALE=10 runs ten times more sequences.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";

vi.mock("server-only", () => ({}));

import { checkConsistency, cloudClient, maxAttemptsPerDay, seedCustomers, setupEngineTest, type EngineTest } from "./support";
import { envelope, statusesPayload, ts, type StatusInput } from "../whatsapp/fixtures";
import { logFigures, SCALE } from "../support/routes";
import { Prisma } from "@/lib/marketing/db";
import { AppError } from "@/lib/marketing/errors";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { pauseCampaign } from "@/lib/marketing/campaigns/pause-campaign";
import { resumeCampaign } from "@/lib/marketing/campaigns/resume-campaign";
import { cancelCampaign } from "@/lib/marketing/campaigns/cancel-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { updateCampaign } from "@/lib/marketing/campaigns/update-campaign";
import { updateSendingSettings, type TFrequencyCap } from "@/lib/marketing/sending/sending-settings";
import { readSendWindow, type TSendWindow } from "@/lib/marketing/sending/send-window";
import { addDays, dayInZone } from "@/lib/marketing/time";
import type { EngineConfig } from "@/lib/marketing/engine-config";
import { TZDate } from "@date-fns/tz";
import { arbCap, arbWindow, capViolations, strandedViolations, windowViolation } from "../support/careful";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

const RUNS = 80 * SCALE;
const MAX_COMMANDS = 16;
const PHONES_PER_RUN = 24;
const quiet = { info() {}, warn() {}, error() {} } as never;
/** CAMPAIGN_TIMEZONE: not UTC, so calendar days, windows and daylight saving all matter */
const TZ = "America/New_York";

let e: EngineTest;
let wa: WhatsAppClient;
const figures = { sequences: 0, steps: 0, processRuns: 0, webhookBatches: 0, sends: 0, duplicatesFound: 0, invariantChecks: 0,
  windowChanges: 0, capChanges: 0, sendsUnderWindow: 0, sendsUnderCap: 0, deferredByCap: 0, runsOutsideWindow: 0 };

beforeAll(async () => {
  e = await setupEngineTest({ poolMax: 12 });
  wa = cloudClient(e.graph);
});
afterAll(async () => {
  logFigures("property-engine", figures);
  await e?.stop();
});

// ---- the system under test for one sequence ----------------------------------------------------------

type Real = {
  campaigns: Array<{ id: string; limit: number }>;
  phones: string[];
  /** the clock: only processing moves it forward */
  now: Date;
  config: EngineConfig;
  /** since when this sequence's sends count (each sequence lives in its own era) */
  since: Date;
  /** last seen status of each recipient */
  seen: Map<string, string>;
  /** sends before this sequence (the fake API's log is shared) */
  sendOffset: number;
  wamidOffset: number;
  inboundCounter: number;
  /** the workspace frequency cap now */
  cap: TFrequencyCap | null;
  /** each send of this sequence (recipient id): its campaign, its campaign's window and the cap when it was made, and when (sent_at as
   * the processor recorded it — a later 'sent' status webhook may replace it with WhatsApp's timestamp; the step's clock for a failed send) */
  sendContext: Map<string, { campaignId: string; window: TSendWindow | null; cap: TFrequencyCap | null; at: Date }>;
  /** how much of the fake API's log has been given a context */
  recordedOffset: number;
};
type Model = { readonly tag: "model" };

/** statuses each status may move to (forward only; 'sending' → 'pending' is a retry) */
const FORWARD: Record<string, readonly string[]> = {
  pending: ["pending", "sending", "queued", "sent", "delivered", "read", "failed", "skipped", "unknown"],
  sending: ["sending", "pending", "queued", "sent", "delivered", "read", "failed", "skipped", "unknown"],
  queued: ["queued", "sent", "delivered", "read", "failed"],
  sent: ["sent", "delivered", "read", "failed"],
  delivered: ["delivered", "read"],
  read: ["read"],
  failed: ["failed"],
  skipped: ["skipped"],
  unknown: ["unknown", "sent", "delivered", "read", "failed"],
};

/** Expected refusals of the state machine are fine; anything else fails the property. */
async function allowRefusal(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
  }
}

async function checkInvariants(r: Real, step: string) {
  figures.invariantChecks++;
  const ctx = (what: string) => `${what} after ${step}`;
  // counters = recount; schedule agrees; daily limits by actual send day
  for (const c of r.campaigns) {
    const s = await checkConsistency(e.db, c.id);
    expect(s.counters, ctx("counters")).toEqual(s.recount);
    expect(s.scheduleMismatches, ctx("schedule")).toBe(0);
    expect(await maxAttemptsPerDay(e.db, c.id), ctx("daily limit")).toBeLessThanOrEqual(c.limit);
  }
  // no recipient sent twice (biz_opaque_callback_data is our recipient id; phones are unique per sequence)
  const mine = e.graph.sends.slice(r.sendOffset);
  const perRecipient = new Map<string, number>();
  for (const s of mine) {
    const rid = String((s.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data);
    perRecipient.set(rid, (perRecipient.get(rid) ?? 0) + 1);
  }
  const dups = [...perRecipient.values()].filter((n) => n > 1).length;
  figures.duplicatesFound += dups;
  expect(dups, ctx("duplicate sends")).toBe(0);
  // the messaging limit in every moving 24 h (unique users reached, from our message log)
  if (r.config.messagingLimit) {
    const [row] = await e.db.$queryRaw<Array<{ n: bigint | null }>>(Prisma.sql`
      SELECT max((SELECT count(DISTINCT m2.phone_number) FROM whatsapp_messages m2
                  WHERE m2.direction = 'outbound' AND m2.sent_at > m1.sent_at - interval '24 hours' AND m2.sent_at <= m1.sent_at
                    AND m2.sent_at >= ${r.since}::timestamptz)) AS n
      FROM whatsapp_messages m1 WHERE m1.direction = 'outbound' AND m1.sent_at >= ${r.since}::timestamptz`);
    expect(Number(row.n ?? 0), ctx("messaging limit")).toBeLessThanOrEqual(r.config.messagingLimit);
  }
  const ids = r.campaigns.map((c) => c.id);
  // the sends of the step just taken: the window of their campaign and the cap in force (neither changes during a step)
  const fresh = e.graph.sends.slice(r.recordedOffset).map((x) => String((x.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data));
  r.recordedOffset = e.graph.sends.length;
  if (fresh.length > 0) {
    const rows = await e.db.$queryRaw<Array<{ id: string; campaign_id: string; sent_at: Date | null; w: unknown }>>(Prisma.sql`
      SELECT r.id::text, r.campaign_id::text, r.sent_at, c.send_window AS w FROM campaign_recipients r JOIN marketing_campaigns c ON c.id = r.campaign_id WHERE r.id = ANY(${fresh}::uuid[])`);
    for (const row of rows) {
      const window = readSendWindow(row.w);
      r.sendContext.set(row.id, { campaignId: row.campaign_id, window, cap: r.cap, at: row.sent_at ?? r.now });
      if (window) figures.sendsUnderWindow++;
      if (r.cap) figures.sendsUnderCap++;
    }
  }
  // nothing stranded: pending recipients of active campaigns are scheduled today or later, on a day their window allows
  expect(await strandedViolations(e.db, ids, r.now, TZ), ctx("stranded pending recipients")).toEqual([]);
  // nothing sent outside a window (each send against the window its campaign had when it was made)
  const outside = [...r.sendContext.values()].flatMap((x) => windowViolation(x.campaignId, x.window, x.at, TZ) ?? []);
  expect(outside, ctx("sent outside a window")).toEqual([]);
  // no customer over the cap in force when they were sent to, in any D-day span, counted from actual sends
  expect(await capViolations(e.db, r.phones, r.since, (rid) => (rid ? r.sendContext.get(rid)?.cap ?? null : null)), ctx("frequency cap")).toEqual([]);
  // no status moved backwards
  const rows = await e.db.campaignRecipient.findMany({ where: { campaignId: { in: ids } }, select: { id: true, status: true } });
  for (const row of rows) {
    const before = r.seen.get(row.id);
    if (before) expect(FORWARD[before], ctx(`status ${before} → ${row.status}`)).toContain(row.status);
    r.seen.set(row.id, row.status);
  }
}

// ---- the operations --------------------------------------------------------------------------------

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check() {
    return true;
  }
  abstract apply(r: Real): Promise<void>;
  async run(_m: Model, r: Real) {
    figures.steps++;
    await this.apply(r);
    await checkInvariants(r, this.toString());
  }
  abstract toString(): string;
}

class AddRecipients extends Step {
  constructor(readonly campaign: number, readonly picks: number[]) {
    super();
  }
  async apply(r: Real) {
    const phones = [...new Set(this.picks.map((i) => r.phones[i % r.phones.length]))];
    await allowRefusal(() => addRecipients({ db: e.db, now: r.now, timezone: TZ, campaignId: r.campaigns[this.campaign].id, phoneNumbers: phones }));
  }
  toString() {
    return `add(c${this.campaign}, ${this.picks.length})`;
  }
}

class Activate extends Step {
  constructor(readonly campaign: number, readonly startInDays: number) {
    super();
  }
  async apply(r: Real) {
    const start = dayInZone(new Date(r.now.getTime() + this.startInDays * 86_400_000), TZ);
    await allowRefusal(() => activateCampaign({ db: e.db, now: r.now, timezone: TZ, campaignId: r.campaigns[this.campaign].id, startDate: start }));
  }
  toString() {
    return `activate(c${this.campaign}, +${this.startInDays}d)`;
  }
}

class Process extends Step {
  constructor(readonly days: number, readonly hours: number, readonly concurrent: boolean) {
    super();
  }
  async apply(r: Real) {
    r.now = new Date(r.now.getTime() + this.days * 86_400_000 + this.hours * 3_600_000);
    await processNow(r, this.concurrent);
  }
  toString() {
    return `process(+${this.days}d${this.hours}h${this.concurrent ? ", twice at once" : ""})`;
  }
}

async function processNow(r: Real, concurrent: boolean) {
  const once = async () => {
    const res = await runDailyProcessing({ db: e.db, now: r.now, whatsapp: wa, config: r.config });
    figures.deferredByCap += res.deferred_by_frequency_cap;
    figures.runsOutsideWindow += res.outside_window.length > 0 ? 1 : 0;
  };
  figures.processRuns += concurrent ? 2 : 1;
  if (concurrent) await Promise.all([once(), once()]);
  else await once();
}

/** Process at a time of day (in the time zone) `days` days on — the next day when that is not later than now — so windows open and close. */
class ProcessAt extends Step {
  constructor(readonly days: number, readonly minuteOfDay: number, readonly concurrent: boolean) {
    super();
  }
  async apply(r: Real) {
    const at = (d: number) => {
      const [y, m, day] = addDays(dayInZone(r.now, TZ), d).split("-").map(Number);
      return new Date(new TZDate(y, m - 1, day, Math.floor(this.minuteOfDay / 60), this.minuteOfDay % 60, TZ).getTime());
    };
    let next = at(this.days);
    if (next.getTime() <= r.now.getTime()) next = at(this.days + 1);
    r.now = next;
    await processNow(r, this.concurrent);
  }
  toString() {
    const hhmm = `${String(Math.floor(this.minuteOfDay / 60)).padStart(2, "0")}:${String(this.minuteOfDay % 60).padStart(2, "0")}`;
    return `processAt(+${this.days}d ${hhmm}${this.concurrent ? ", twice at once" : ""})`;
  }
}

/** Set (or clear: null) a campaign's send window — a draft's, or a live one's (its pending recipients are re-packed). */
class SetWindow extends Step {
  constructor(readonly campaign: number, readonly window: TSendWindow | null) {
    super();
  }
  async apply(r: Real) {
    figures.windowChanges++;
    await allowRefusal(() => updateCampaign({ db: e.db, now: r.now, timezone: TZ, campaignId: r.campaigns[this.campaign].id, input: { send_window: this.window } }));
  }
  toString() {
    return `window(c${this.campaign}, ${this.window ? `${this.window.start}-${this.window.end} ${this.window.days.join("")}` : "any time"})`;
  }
}

/** Set (or clear: null) the workspace frequency cap. */
class SetCap extends Step {
  constructor(readonly cap: TFrequencyCap | null) {
    super();
  }
  async apply(r: Real) {
    figures.capChanges++;
    await updateSendingSettings({ db: e.db, now: r.now, input: { frequency_cap: this.cap } });
    r.cap = this.cap;
  }
  toString() {
    return `cap(${this.cap ? `${this.cap.max} in ${this.cap.days}d` : "off"})`;
  }
}

class Pause extends Step {
  constructor(readonly campaign: number) {
    super();
  }
  async apply(r: Real) {
    await allowRefusal(() => pauseCampaign({ db: e.db, now: r.now, campaignId: r.campaigns[this.campaign].id }));
  }
  toString() {
    return `pause(c${this.campaign})`;
  }
}

class Resume extends Step {
  constructor(readonly campaign: number) {
    super();
  }
  async apply(r: Real) {
    await allowRefusal(() => resumeCampaign({ db: e.db, now: r.now, timezone: TZ, campaignId: r.campaigns[this.campaign].id, confirm: true }));
  }
  toString() {
    return `resume(c${this.campaign})`;
  }
}

class Cancel extends Step {
  constructor(readonly campaign: number) {
    super();
  }
  async apply(r: Real) {
    await allowRefusal(() => cancelCampaign({ db: e.db, now: r.now, campaignId: r.campaigns[this.campaign].id }));
  }
  toString() {
    return `cancel(c${this.campaign})`;
  }
}

const STATUSES = ["sent", "delivered", "read", "failed"] as const;
class Webhooks extends Step {
  constructor(readonly picks: Array<{ i: number; status: (typeof STATUSES)[number]; minutes: number }>, readonly duplicate: boolean, readonly seed: number) {
    super();
  }
  async apply(r: Real) {
    const recent = e.graph.wamids.slice(r.wamidOffset).slice(-60); // the wamids of this sequence
    if (recent.length === 0) return;
    const events: StatusInput[] = this.picks.map((p) => ({
      id: recent[p.i % recent.length], status: p.status, at: new Date(r.now.getTime() + p.minutes * 60_000).toISOString(),
      ...(p.status === "failed" ? { error: { code: 131026, title: "Message undeliverable" } } : {}),
    }));
    const batch = this.duplicate ? [...events, ...events] : events;
    // a deterministic shuffle (reordered delivery)
    const shuffled = batch.map((x, k) => ({ x, k: (k * 7919 + this.seed) % 1009 })).sort((a, b) => a.k - b.k).map((y) => y.x);
    figures.webhookBatches++;
    await handleWebhookPayload({ db: e.db, now: r.now, timezone: TZ, log: quiet, payload: statusesPayload(shuffled) });
  }
  toString() {
    return `webhooks(${this.picks.map((p) => `${p.i}:${p.status}`).join(",")}${this.duplicate ? ", duplicated" : ""})`;
  }
}

class StopStart extends Step {
  constructor(readonly phone: number, readonly keyword: "STOP" | "START" | "stop promotions" | "Subscribe") {
    super();
  }
  async apply(r: Real) {
    const from = r.phones[this.phone % r.phones.length];
    r.inboundCounter++;
    await handleWebhookPayload({ db: e.db, now: r.now, timezone: TZ, log: quiet, payload: envelope([{ field: "messages", value: {
      contacts: [{ profile: { name: "X" }, wa_id: from }],
      messages: [{ from, id: `wamid.IN.${r.since.getTime()}.${r.inboundCounter}`, timestamp: ts(r.now.toISOString()), type: "text", text: { body: this.keyword } }],
    } }]) });
  }
  toString() {
    return `${this.keyword}(${this.phone})`;
  }
}

const campaignIndex = fc.nat(1);
/** every operation */
export const COMMANDS: Array<fc.Arbitrary<fc.AsyncCommand<Model, Real>>> = [
  fc.tuple(campaignIndex, fc.array(fc.nat(PHONES_PER_RUN * 2), { minLength: 1, maxLength: 12 })).map(([c, p]) => new AddRecipients(c, p)),
  fc.tuple(campaignIndex, fc.nat(2)).map(([c, d]) => new Activate(c, d)),
  fc.tuple(fc.nat(3), fc.nat(23), fc.boolean()).map(([d, h, two]) => new Process(d, h, two)),
  fc.tuple(fc.nat(3), fc.nat(23), fc.boolean()).map(([d, h, two]) => new Process(d, h, two)), // processing is the common case
  campaignIndex.map((c) => new Pause(c)),
  campaignIndex.map((c) => new Resume(c)),
  campaignIndex.map((c) => new Cancel(c)).filter(() => true),
  fc.tuple(fc.array(fc.record({ i: fc.nat(59), status: fc.constantFrom(...STATUSES), minutes: fc.integer({ min: -30, max: 600 }) }), { minLength: 1, maxLength: 10 }), fc.boolean(), fc.nat(1000))
    .map(([picks, dup, seed]) => new Webhooks(picks, dup, seed)),
  fc.tuple(fc.nat(PHONES_PER_RUN - 1), fc.constantFrom("STOP" as const, "START" as const, "stop promotions" as const, "Subscribe" as const)).map(([p, k]) => new StopStart(p, k)),
  // send windows, the frequency cap, and runs at random times of day (on the minute)
  fc.tuple(fc.nat(2), fc.nat(24 * 60 - 1), fc.boolean()).map(([d, m, two]) => new ProcessAt(d, m, two)),
  fc.tuple(campaignIndex, arbWindow).map(([c, w]) => new SetWindow(c, w)),
  arbCap.map((cap) => new SetCap(cap)),
];

let era = 0;
let phoneBase = 17000000000;

describe("random operation sequences", () => {
  it(`${RUNS} sequences of up to ${MAX_COMMANDS} operations keep every invariant after every step`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          limits: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })),
          priorities: fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 })),
          messagingLimit: fc.option(fc.integer({ min: 2, max: 8 }), { nil: null }),
          // a head start, so most sequences send: recipients in both campaigns (overlapping, so the cap bites), activations
          recipients: fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 })),
          activate: fc.tuple(fc.boolean(), fc.boolean()),
          windows: fc.tuple(arbWindow, arbWindow),
          cap: arbCap,
        }),
        fc.commands(COMMANDS, { maxCommands: MAX_COMMANDS }),
        async (setup, cmds) => {
          figures.sequences++;
          // each sequence in its own era (so 24 h windows never mix) with its own phones
          era++;
          const since = new Date(Date.UTC(2031, 0, 1) + era * 120 * 86_400_000);
          const base = phoneBase;
          phoneBase += 1000;
          await e.db.$executeRaw`UPDATE marketing_campaigns SET status = 'cancelled' WHERE status IN ('active', 'paused')`;
          await seedCustomers(e.db, PHONES_PER_RUN, { base });
          await updateSendingSettings({ db: e.db, now: since, input: { frequency_cap: setup.cap } });
          const phones = [...Array.from({ length: PHONES_PER_RUN }, (_, i) => String(base + i + 1)),
            // numbers without a customer record (the marketer typed them)
            ...Array.from({ length: PHONES_PER_RUN }, (_, i) => String(base + 500 + i))];
          const campaigns = [];
          for (const k of [0, 1]) {
            const c = await createCampaign({ db: e.db, now: since, input: { name: `prop ${era}.${k}`, template_name: "promo", daily_send_limit: setup.limits[k], priority: setup.priorities[k], send_window: setup.windows[k] } });
            campaigns.push({ id: c.id, limit: setup.limits[k] });
          }
          const real: Real = {
            campaigns, phones, now: new Date(since.getTime() + 9 * 3_600_000), since, seen: new Map(), sendOffset: e.graph.sends.length, wamidOffset: e.graph.wamids.length, inboundCounter: 0,
            cap: setup.cap, sendContext: new Map(), recordedOffset: e.graph.sends.length,
            config: { timezone: TZ, messagingLimit: setup.messagingLimit, timeBudgetMs: 30_000, staleClaimMs: 10 * 60_000, batchSize: 4, concurrency: 4 },
          };
          for (const k of [0, 1]) {
            if (setup.recipients[k] > 0) await new AddRecipients(k, Array.from({ length: setup.recipients[k] }, (_, i) => (i * (k + 2)) % phones.length)).apply(real);
            if (setup.activate[k]) await new Activate(k, k).apply(real);
          }
          real.wamidOffset = e.graph.wamids.length;
          await checkInvariants(real, "setup");
          await fc.asyncModelRun(() => ({ model: { tag: "model" } as Model, real }), cmds);
          figures.sends += e.graph.sends.length - real.sendOffset;
        },
      ),
      { numRuns: RUNS, endOnFailure: true, seed: process.env.HARDENING_SEED ? Number(process.env.HARDENING_SEED) : undefined },
    );
  }, 600_000 * SCALE);
});

/**
 * The daily processor (POST/GET /api/marketing/process-daily, Vercel Cron, scripts). Safe to call at any
 * cadence, twice at once, or again after a timeout: every step is idempotent and claim-based.
 *
 *   0. stale claims of dead runs are reconciled (never resent blindly);
 *   for each active campaign, highest priority first:
 *   1. pending recipients scheduled before today (missed day, backoff, limits) are rolled forward within
 *      the daily limit, so nobody is stranded and the schedule agrees;
 *   2. claim a batch (claim-batch.ts: daily limit by actual send day, global messaging limit, SKIP LOCKED,
 *      subscription re-check) in a short committed transaction;
 *   3. send it outside any transaction with bounded concurrency;
 *   4. record the outcomes fenced by the claim (finish-batch.ts);
 *   repeat until the campaign's day is done; a campaign with nothing pending or in flight completes.
 *   An A/B test whose test period is over has its winner decided before step 2 (ab/decide-ab-winner.ts).
 * Time is counted from `startedAt` (the request's start: template sync included). Claiming stops after
 * timeBudgetMs, each batch is sized to the time left at the rate sends went out so far, and no send starts
 * after it: what was claimed but not sent goes back to pending (never to unknown). Alert delivery stops at
 * deadlineMs. `has_more` says another call would continue.
 *
 * Sending limits (each checked where it is cheapest):
 *   - a send hold (flagged number, downgrade, policy error) stops all claiming (claimBatch checks it
 *     first, under its transaction); the schedule is still rolled forward;
 *   - a campaign is claimed only while its send window is open; once it has closed for the day, what was
 *     due rolls to the next allowed day (step 1 packs from there);
 *   - claimBatch defers customers over the frequency cap or under Meta's 131049 deferral;
 *   - the failure guard is checked before a campaign's first claim and after every batch once the run saw a failure;
 *   - an account error records the account's state (maybe a send hold) and an alert;
 *   - THROTTLED_STOP_AFTER refusals for throughput (130429, 4, 80007) in a batch stop the run's sending with
 *     an alert (what was not sent goes back to pending; a refusal costs its recipient no attempt);
 *   - completions and automatic pauses raise alerts; the alert outbox is delivered at the end of the run
 *     (never failing it).
 */
import { decideAbWinner } from "../ab/decide-ab-winner";
import { isHoldingForWinner, readVariants, variantMessages } from "../ab/variants";
import { renderForRecipient } from "@/lib/whatsapp/render-components";
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import { lockCampaign } from "../campaigns/lock-campaign";
import { Prisma, withRetry, type Db, type PlainRead } from "../db";
import { ENGINE_DEFAULTS, type EngineConfig } from "../engine-config";
import { AppError } from "../errors";
import { hasOverfilledDay, hasStrandedRecipients, packSchedule } from "../recipients/pack-schedule";
import { pendingUpToSql } from "../recipients/due-recipients";
import { ALERT_ENDPOINT_MANAGER, syncAlertEndpoint } from "../events/alert-endpoint";
import { deliverEvents, EVENT_DELIVERY } from "../events/deliver-events";
import { enforceFailureGuard } from "../sending/failure-guard";
import { firstSendableDay, readSendWindow, windowClosesAt, windowPhase } from "../sending/send-window";
import { pruneInboundBodies } from "../messages/prune-inbound-bodies";
import { pruneJobFiles } from "../jobs/prune-job-files";
import { pruneOutboundEvents } from "../events/prune-events";
import { recountRecentUndeliverable } from "../customers/undeliverable";
import { getSendingSettings, type SendingSettings } from "../sending/sending-settings";
import { dateToDay, dayInZone, isDay, type Day } from "../time";
import { claimBatch, type ClaimResult } from "./claim-batch";
import { finishBatch, type FinishCounts } from "./finish-batch";
import { markSending } from "./mark-sending";
import { reconcileStaleClaims } from "./reconcile-stale-claims";
import { applyInbox, pruneInbox } from "../delivery/apply-inbox";
import { templatePauseReason } from "../delivery/error-effects";
import { pauseCampaigns } from "../campaigns/pause-campaign";
import { completeCampaignIfDone, reopenCompletedCampaigns } from "../campaigns/complete-campaign-if-done";
import { recordAccountError } from "../sending/account-health";
import { sendBatch, type SendOutcome } from "./send-batch";
import { THROTTLE_CODES } from "@/lib/whatsapp/errors";
import { createAlert } from "../alerts/create-alert";
import { alertLiteral } from "../alerts/alert-text";
import { ensureCampaignMedia } from "../sending/campaign-media";
import { alertMarketingMessagesTerms, marketingMessagesEnabled, marketingMessagesRoute } from "../sending/marketing-messages";
import type { MarketingMessagesOptions, SendFailure } from "@/lib/whatsapp/types";

type Claimed = Extract<ClaimResult, { kind: "claimed" }>;

export type ProcessingLog = (message: string, fields?: Record<string, unknown>) => void;

export type DailyProcessingResult = {
  date: Day;
  campaigns_processed: number;
  messages_sent: number;
  failed: number;
  skipped: number;
  unknown: number;
  retried: number;
  deferred: number;
  /** recipients deferred by the workspace frequency cap in this run (included in `deferred`) */
  deferred_by_frequency_cap: number;
  /** recipients deferred because Meta capped the customer (131049) in any campaign (included in `deferred`) */
  deferred_by_meta_cap: number;
  /** active campaigns whose send window was closed (nothing claimed for them) */
  outside_window: string[];
  remaining: number;
  has_more: boolean;
  stopped_reason: "time_budget" | "account" | "messaging_limit" | "send_hold" | "throttled" | null;
  stopped_detail?: string;
  reconciled: { recovered: number; unknown: number };
  completed_campaigns: string[];
  paused_campaigns: Array<{ campaign_id: string; reason: string }>;
  message: string;
};

/** Why the run stopped sending (every later campaign is still rolled forward). */
type RunStop = { reason: "send_hold" | "messaging_limit" | "account" | "throttled"; detail?: string };

/** What processing one campaign came to. */
export type CampaignOutcome =
  /** no longer active when locked */
  | { kind: "not_active" }
  /** the run had stopped sending: only the schedule was rolled forward */
  | { kind: "rolled_forward" }
  /** its send window is closed (nothing claimed) */
  | { kind: "outside_window" }
  /** paused (failure guard, template error of a send or of its header media); `stop` when the batch claimed
   *  ahead meanwhile found that the whole run must stop sending */
  | { kind: "paused"; reason: string; stop?: RunStop | null }
  /** its header media could not be uploaded (a transient failure): skipped this run */
  | { kind: "media_unavailable" }
  /** it sent what it could; `stop` when something stops the whole run sending */
  | { kind: "sent"; stop: RunStop | null }
  /** the run's time budget ran out while it was sending */
  | { kind: "out_of_time" };

/** What every campaign of one run shares. */
type Run = {
  db: Db; read: PlainRead | undefined; whatsapp: WhatsAppClient; config: EngineConfig; log: ProcessingLog; result: DailyProcessingResult;
  clock: () => Date; outOfTime: () => boolean; sendUntil: number; due: Day;
  batchSize: number; concurrency: number; maxAttempts: number;
  sending: SendingSettings; marketingMessagesOn: boolean;
  /** the rate sends went out at in this run (requests / ms), to size the last batch to the time left */
  rate: { started: number; sendingMs: number };
  /** aborted when a send meets an account error: no campaign starts another send in this run */
  halt: AbortController;
};

export async function runDailyProcessing({ db, read, now, whatsapp, config, date, log = () => {}, fetch: fetchFn, startedAt }: {
  db: Db; now: Date; whatsapp: WhatsAppClient; config: EngineConfig; date?: Day; log?: ProcessingLog;
  /** a plain pg query on the client's pool (the adapter's) for the statements run for every few requests (the marks) */
  read?: PlainRead;
  /** performance.now() when the request started (`now` is that instant); default: the call */
  startedAt?: number;
  /** for outbound event delivery at the end (default: global fetch) */
  fetch?: typeof fetch;
}): Promise<DailyProcessingResult> {
  if (date !== undefined && !isDay(date)) throw new AppError("VALIDATION_FAILED", "date must be YYYY-MM-DD.", [{ path: "date", message: "must be a date YYYY-MM-DD" }]);
  const t0 = startedAt ?? performance.now();
  /** the injected `now`, advancing with real time during the run */
  const clock = () => new Date(now.getTime() + (performance.now() - t0));
  const tz = config.timezone;
  const today = dayInZone(now, tz);
  const due = date ?? today;
  if (due > today) throw new AppError("VALIDATION_FAILED", `date ${due} is after today (${today}): only today or a missed day can be processed.`, [{ path: "date", message: "must not be after today" }]);

  if (config.alertWebhookUrl !== undefined) {
    // before anything can raise an alert: the alert endpoint must exist for alert.created to be emitted
    await syncAlertEndpoint({ db, now, url: config.alertWebhookUrl, allowPrivateNetwork: config.alertWebhookAllowPrivateNetwork ?? false });
  }

  const result: DailyProcessingResult = {
    date: due, campaigns_processed: 0, messages_sent: 0, failed: 0, skipped: 0, unknown: 0, retried: 0, deferred: 0,
    deferred_by_frequency_cap: 0, deferred_by_meta_cap: 0, outside_window: [], remaining: 0, has_more: false, stopped_reason: null, reconciled: { recovered: 0, unknown: 0 },
    completed_campaigns: [], paused_campaigns: [], message: "",
  };

  result.reconciled = await withRetry(() => reconcileStaleClaims({ db, now: clock(), staleClaimMs: config.staleClaimMs ?? ENGINE_DEFAULTS.staleClaimMs, timezone: tz }));
  // every run drains the webhook inbox (what the webhook's own applier left), then prunes old rows
  // (at most 25 chunks of 4,000: 100,000 rows, a bounded share of the run's time before any send)
  await applyInbox({ db, now: clock(), timezone: tz, maxChunks: 25 });
  // a failed status that put recipients back to pending after their campaign completed re-opens it
  const reopened = await reopenCompletedCampaigns(db, { now: clock() });
  if (reopened.length > 0) log("re-opened completed campaigns with recipients pending again", { campaigns: reopened });
  await pruneInbox({ db, now: clock() });
  await pruneInboundBodies({ db, now: clock() });
  await pruneOutboundEvents({ db, now: clock() });
  await pruneJobFiles({ db, now: clock() });
  // counts of undeliverable sends a same-instant delivery left too high are settled before today's audiences are sent
  const recounted = await withRetry(() => recountRecentUndeliverable({ db, now: clock() }));
  if (recounted > 0) log("recounted undeliverable customers", { customers: recounted });
  if (result.reconciled.recovered + result.reconciled.unknown > 0) log("reconciled stale claims", result.reconciled);

  // the Marketing Messages API route is looked up per batch only while the setting is on
  const [sending, marketingMessagesOn] = await Promise.all([getSendingSettings(db), marketingMessagesEnabled(db)]);
  let stop: RunStop | null = null;
  if (sending.sendHold.active) {
    stop = { reason: "send_hold", detail: sending.sendHold.reason ?? "Sending is on hold" };
    log("sending is on hold", { reason: sending.sendHold.reason });
  }
  const run: Run = {
    db, read, whatsapp, config, log, result, clock, due, sending, marketingMessagesOn,
    outOfTime: () => performance.now() - t0 >= config.timeBudgetMs,
    sendUntil: t0 + config.timeBudgetMs,
    batchSize: config.batchSize ?? ENGINE_DEFAULTS.batchSize,
    // enough sends in flight to hold the client's rate cap at 200 ms a request
    concurrency: config.concurrency ?? Math.max(ENGINE_DEFAULTS.concurrency, Math.ceil(whatsapp.maxMessagesPerSecond * 0.2)),
    maxAttempts: config.maxAttempts ?? ENGINE_DEFAULTS.maxAttempts,
    rate: { started: 0, sendingMs: 0 },
    halt: new AbortController(),
  };

  const campaigns = await db.marketingCampaign.findMany({
    where: { status: "active" },
    orderBy: [{ priority: "desc" }, { createdAt: "asc" }, { id: "asc" }],
    select: { id: true },
  });

  let outOfTime = false;
  /** what a campaign came to: the run's stop, the time budget, its completion */
  const conclude = async (id: string, outcome: CampaignOutcome) => {
    if (outcome.kind === "out_of_time") outOfTime = true;
    if ((outcome.kind === "sent" || outcome.kind === "paused") && outcome.stop) stop = outcome.stop;
    if (outcome.kind === "sent" || outcome.kind === "outside_window") {
      if (await completeCampaignIfDone(db, { campaignId: id, now: clock() })) result.completed_campaigns.push(id);
    }
  };
  // A campaign whose last batch is all in workers' hands (nothing more to claim today) hands over: the next
  // campaign is prepared (its schedule, failure guard and media) and starts claiming and sending while that
  // batch's last requests are out, so WhatsApp does not wait for the next campaign's lock, checks and first
  // claim. Its claims leave out customers whose send is still out in the campaign before (claim-batch.ts);
  // an account error there stops its sends (run.halt). At most the one campaign before is still settling;
  // it is concluded before the next hand-over.
  let previous: { id: string; done: Promise<CampaignOutcome> } | null = null;
  const concludePrevious = async () => {
    if (!previous) return;
    const { id, done } = previous;
    previous = null;
    await conclude(id, await done);
  };
  try {
    for (const { id } of campaigns) {
      // after an account error the campaign that saw it says why the run stops before the next is looked at
      if (run.halt.signal.aborted) await concludePrevious();
      if (outOfTime || run.outOfTime()) {
        outOfTime = true;
        break;
      }
      let handOver!: () => void;
      const handedOver = new Promise<"handed_over">((r) => { handOver = () => r("handed_over"); });
      const done = processCampaign(run, id, stop, handOver, previous?.done);
      const first = await Promise.race([done, handedOver]);
      await concludePrevious();
      if (first === "handed_over") previous = { id, done };
      else await conclude(id, first);
    }
    await concludePrevious();
  } finally {
    // a failure on the way still waits for the campaign that was settling (nothing left running behind the run)
    if (previous) await previous.done.catch(() => {});
  }
  result.stopped_reason = outOfTime ? "time_budget" : stop?.reason ?? null;
  if (stop?.detail !== undefined) result.stopped_detail = stop.detail;

  const alertTime = config.deadlineMs === undefined ? Infinity : t0 + config.deadlineMs - performance.now();
  if (config.alertWebhookUrl && alertTime >= 1_000) {
    // this run's alerts go out now (the alert endpoint's queue only; every endpoint's is delivered after the run
    // by the route), each request's timeout bounded by the time left before the deadline
    const timeoutMs = Math.min(EVENT_DELIVERY.timeoutMs, alertTime);
    const [alertEndpoint] = await db.$queryRaw<Array<{ id: string }>>(Prisma.sql`SELECT id::text AS id FROM webhook_endpoints WHERE managed_by = ${ALERT_ENDPOINT_MANAGER}`);
    const delivered = alertEndpoint ? await deliverEvents({ db, now: clock(), fetch: fetchFn, timeoutMs, endpointId: alertEndpoint.id }) : null;
    if (delivered && delivered.delivered + delivered.retrying + delivered.failed > 0) log("alerts", delivered);
  }

  const [{ n }] = await db.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`
    SELECT coalesce(sum(${pendingUpToSql(Prisma.sql`c.id`, due)}), 0) AS n FROM marketing_campaigns c WHERE c.status = 'active'`);
  result.remaining = Number(n);
  result.has_more = result.stopped_reason === "time_budget";
  result.message = `Processed ${result.campaigns_processed} campaigns, sent ${result.messages_sent} messages`
    + (result.failed ? `, ${result.failed} failed` : "") + (result.skipped ? `, ${result.skipped} skipped` : "")
    + (result.has_more ? ` (time budget used up: ${result.remaining} still due, call again)` : "")
    + (result.stopped_reason === "account" ? ` (stopped: ${result.stopped_detail})` : "")
    + (result.stopped_reason === "messaging_limit" ? " (WhatsApp messaging limit reached for the moving 24 hours)" : "")
    + (result.stopped_reason === "send_hold" ? ` (sending is on hold: ${result.stopped_detail})` : "")
    + (result.stopped_reason === "throttled" ? ` (stopped: WhatsApp refused sends for throughput, ${result.stopped_detail})` : "")
    + (result.deferred_by_frequency_cap ? `, ${result.deferred_by_frequency_cap} deferred by the frequency cap` : "");
  return result;
}

/**
 * One campaign of a run: roll its schedule forward, decide an A/B winner that is due, then (unless the run
 * stopped sending, `stop`) claim, send and record batches until its day is done. Adds what it did to the
 * run's result. `handOver` is called once nothing more will be claimed for it in this run and only its
 * last batch's requests are out (the run may start the next campaign meanwhile); `settledBefore` is the
 * campaign handed over before, still settling: this one claims and sends meanwhile, without the customers
 * whose send is still out there, and looks again for what is due once it is done.
 */
async function processCampaign(run: Run, id: string, stop: RunStop | null, handOver: () => void = () => {}, settledBefore: Promise<unknown> = Promise.resolve()): Promise<CampaignOutcome> {
  const { db, whatsapp, config, log, result, clock, due, sending } = run;
  const tz = config.timezone;
  // 1. roll forward whoever a missed day, a backoff, a limit or a closed send window left behind
  const campaign = await withRetry(() => db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, id);
    if (c.status !== "active") return null;
    const window = readSendWindow(c.sendWindow);
    const first = firstSendableDay(window, clock(), tz);
    const start = c.startDate ? dateToDay(c.startDate) : first;
    const fromDay = start > first ? start : first;
    if (await hasStrandedRecipients(tx, c.id, fromDay)) {
      const { moved } = await packSchedule(tx, { campaignId: c.id, fromDay, dailyLimit: c.dailySendLimit, now: clock(), timezone: tz, window });
      if (moved > 0) log("rolled recipients forward", { campaign_id: c.id, moved, from: fromDay });
    } else if (await hasOverfilledDay(tx, c.id, fromDay, c.dailySendLimit)) {
      // recipients deferred onto a full day (by the last run's claims or by statuses) take the next days with room
      const args = { campaignId: c.id, fromDay, dailyLimit: c.dailySendLimit, now: clock(), timezone: tz, window };
      let { moved } = await packSchedule(tx, { ...args, deferredOnly: true });
      // a day overfilled by anything else (not expected) gets the whole schedule packed again
      if (await hasOverfilledDay(tx, c.id, fromDay, c.dailySendLimit)) moved += (await packSchedule(tx, args)).moved;
      if (moved > 0) log("moved deferred recipients to days with room", { campaign_id: c.id, moved, from: fromDay });
    }
    // the spec's "campaigns processed" are those with a schedule for today still to send (not every active
    // campaign: one that starts next month, or whose day is done, is not processed today)
    const [{ scheduled }] = await tx.$queryRaw<Array<{ scheduled: boolean }>>(Prisma.sql`
      SELECT EXISTS (SELECT 1 FROM campaign_send_schedule WHERE campaign_id = ${c.id}::uuid AND send_date = ${due}::date
        AND status IN ('pending', 'processing')) AS scheduled`);
    return { ...c, scheduledToday: scheduled };
  }, { timeout: 120_000, maxWait: 30_000 }));
  if (!campaign) return { kind: "not_active" };
  if (campaign.scheduledToday) result.campaigns_processed++;
  // an A/B test whose test period is over gets its winner (once, under the campaign's lock)
  if (isHoldingForWinner(campaign)) {
    const decision = await decideAbWinner({ db, now: clock(), campaignId: id });
    if (decision) log("A/B winner decided", { campaign_id: id, winner: decision.winner_name, metric: decision.metric, z: decision.z, assigned: decision.assigned });
  }
  // a run that must stop sending still rolls every later campaign forward (nobody stranded)
  if (stop) return { kind: "rolled_forward" };
  const window = readSendWindow(campaign.sendWindow);
  if (windowPhase(window, clock(), tz) !== "open") {
    result.outside_window.push(id);
    return { kind: "outside_window" };
  }
  // failures reported by status webhooks since the last run count too
  const guardReason = await guard(run, id);
  if (guardReason) return { kind: "paused", reason: guardReason };

  // each recipient is sent their A/B variant's message (the campaign's own without variants)
  const messageFor = variantMessages(campaign);
  const templateFor = (r: { variant?: number | null }) => messageFor(r.variant ?? null);
  // header media given by link (the campaign's and its variants') is uploaded once and sent by id
  const allComponents = [...messageFor(null).components, ...(readVariants(campaign.variants) ?? []).flatMap((v) => v.template_components)];
  const media = await ensureCampaignMedia({ db, now: clock(), campaignId: id, components: allComponents, whatsapp });
  if (!media.ok) {
    if (media.failure.errorClass === "template") {
      const reason = `Paused automatically: the header media could not be used (${media.failure.title})`;
      await pauseForTemplate(run, id, reason);
      return { kind: "paused", reason };
    }
    log("header media upload failed: campaign skipped this run", { campaign_id: id, title: media.failure.title });
    return { kind: "media_unavailable" };
  }
  const render = (r: { phone: string; variant?: number | null; customer: { name: string | null; city: string | null; customer_tier: string | null; attributes: Record<string, unknown> | null } | null; clickToken?: string | null }) =>
    renderForRecipient(messageFor(r.variant ?? null).components, { ...(r.customer ?? {}), phone_number: r.phone }, { mediaIds: media.mediaIds, clickToken: r.clickToken });

  /** the campaign before, recorded (never fails); `beforeSettled` once it is */
  let beforeSettled = false;
  const before = settledBefore.then(() => { beforeSettled = true; }, () => { beforeSettled = true; });
  type Next = { kind: "batch"; claim: Claimed; marketingMessages: MarketingMessagesOptions | undefined; claimMs: number } | { kind: "end"; outcome: CampaignOutcome };
  const sent = (runStop: RunStop | null = null): CampaignOutcome => ({ kind: "sent", stop: runStop });
  /** claims the next batch with something to send; `end` (with the campaign's outcome) when it is done for this run */
  const claimNext = async (): Promise<Next> => {
    for (;;) {
      if (run.outOfTime()) return { kind: "end", outcome: { kind: "out_of_time" } };
      // another campaign's send met an account error: the campaign that saw it reports the stop
      if (run.halt.signal.aborted) return { kind: "end", outcome: sent() };
      if (windowPhase(window, clock(), tz) !== "open") {
        result.outside_window.push(id);
        return { kind: "end", outcome: sent() };
      }
      // 2. claim
      const rate = run.rate.started > 0 && run.rate.sendingMs > 0 ? run.rate.started / run.rate.sendingMs : whatsapp.maxMessagesPerSecond / 1000;
      const size = Math.max(1, Math.min(run.batchSize, Math.floor((run.sendUntil - performance.now()) * rate)));
      // the route follows the template's category as it is now (read alongside the claim: no added wait)
      const claimStart = performance.now();
      const [claim, marketingMessages] = await Promise.all([
        withRetry(() => claimBatch({
          db, campaignId: id, today: dayInZone(clock(), tz), due, now: clock(), batchSize: size, messagingLimit: config.messagingLimit,
          frequencyCap: sending.frequencyCap, window, timezone: tz,
        })),
        run.marketingMessagesOn ? marketingMessagesRoute(db, { templateName: campaign.templateName, languageCode: campaign.languageCode }) : undefined,
      ]);
      if (claim.kind === "send_hold") {
        log("sending is on hold");
        return { kind: "end", outcome: sent({ reason: "send_hold" }) };
      }
      if (claim.kind === "messaging_limit") {
        log("messaging limit reached", { limit: config.messagingLimit });
        return { kind: "end", outcome: sent({ reason: "messaging_limit" }) };
      }
      if (claim.kind === "budget") {
        result.paused_campaigns.push({ campaign_id: id, reason: claim.reason });
        log("campaign paused: budget", { campaign_id: id });
        return { kind: "end", outcome: sent() };
      }
      if (claim.kind === "nothing_due" && !beforeSettled) {
        // customers whose send was still out in the campaign before were left out (claim-batch.ts): once
        // that batch is recorded, with what it learned about them (131049's deferral, an unsubscribe), they are due
        await before;
        continue;
      }
      if (claim.kind !== "claimed") return { kind: "end", outcome: sent() };
      result.skipped += claim.skipped;
      result.deferred += claim.deferred.frequency_cap + claim.deferred.meta_cap;
      result.deferred_by_frequency_cap += claim.deferred.frequency_cap;
      result.deferred_by_meta_cap += claim.deferred.meta_cap;
      if (claim.recipients.length > 0) return { kind: "batch", claim, marketingMessages, claimMs: performance.now() - claimStart };
    }
  };
  // 4. record, fenced by the claim
  const record = async (claim: Claimed, outcomes: SendOutcome[], timing: { claimMs: number; sendMs: number; gapMs?: number }) => {
    const recordStart = performance.now();
    const counts = await finishBatch({
      db, claimId: claim.claimId, campaignId: id, outcomes, now: clock(), timezone: tz, maxAttempts: run.maxAttempts,
      templateName: campaign.templateName, languageCode: campaign.languageCode,
    });
    result.messages_sent += counts.sent;
    result.failed += counts.failed;
    result.skipped += counts.skipped;
    result.unknown += counts.unknown;
    result.retried += counts.retried;
    result.deferred += counts.deferred;
    log("batch", {
      campaign_id: id, claimed: claim.recipients.length, ...counts,
      claim_ms: Math.round(timing.claimMs), gap_ms: Math.round(timing.gapMs ?? 0), send_ms: Math.round(timing.sendMs), record_ms: Math.round(performance.now() - recordStart),
    });
    return counts;
  };
  /**
   * A batch claimed ahead that this run will not send goes back to pending untouched; when the claim ahead
   * found instead that the run must stop sending, that stop is returned.
   */
  const releaseAhead = async (ahead: Promise<Next> | null): Promise<RunStop | null> => {
    const a = await ahead;
    if (a?.kind === "batch") await record(a.claim, a.claim.recipients.map((r) => ({ id: r.id, phone: r.phone, kind: "released" as const })), { claimMs: a.claimMs, sendMs: 0 });
    return a?.kind === "end" && a.outcome.kind === "sent" ? a.outcome.stop : null;
  };

  // The pipeline: while batch k goes out, batch k + 1 is claimed and batch k − 1 recorded. Once every row of
  // batch k is in a worker's hands (only its last requests are on their way or waiting for the rate), batch
  // k + 1 starts going out: WhatsApp never waits for the answers that end a batch, nor for the next batch's
  // first mark, and the shared schedule's instants are not left unused between batches. Batch k is then
  // settled (recorded, judged) while k + 1 goes out; a template or account error seen by either stops both
  // at once (nothing more starts, what is left is released). Once the run has seen a failure for the
  // campaign, batches no longer overlap: each is recorded and judged by the failure guard before the next
  // goes out.
  type Sending = { outcomes: SendOutcome[]; stop: SendFailure | null };
  type Going = { claim: Claimed; claimMs: number; gapMs: number; sendStart: number; sending: Promise<Sending>; handedOut: Promise<void> };
  const stopped = new AbortController();
  // this campaign's stop, or an account error seen by another campaign's send
  const halted = AbortSignal.any([stopped.signal, run.halt.signal]);
  let next = await claimNext();
  let recording: Promise<FinishCounts> | null = null;
  let failedThisRun = false;
  /** when the last batch's sends ended: the time until the next batch's begin is time WhatsApp waits */
  let lastSendEnd: number | null = null;
  /** the batch whose last requests are still out while the next one goes out */
  let going: Going | null = null;
  /** every batch started and not settled yet (on any way out of this function, each is settled) */
  const unsettled = new Set<Going>();

  const start = (b: Extract<Next, { kind: "batch" }>): Going => {
    const sendStart = performance.now();
    const gapMs = going || lastSendEnd === null ? 0 : sendStart - lastSendEnd;
    let handedOut!: () => void;
    const handed = new Promise<void>((r) => { handedOut = r; });
    // no send starts after the time budget nor after the send window closes (what is left is released)
    const closesAt = windowClosesAt(window, clock(), tz);
    const sendUntil = closesAt === null ? run.sendUntil : Math.min(run.sendUntil, performance.now() + (closesAt.getTime() - clock().getTime()));
    // 3. send, outside any transaction; each part marked as going out just before its requests
    const sending = sendBatch({
      recipients: b.claim.recipients, whatsapp, templateName: campaign.templateName, languageCode: campaign.languageCode,
      templateFor, render, concurrency: run.concurrency, clock, sendUntil, marketingMessages: b.marketingMessages,
      mark: (part) => markSending({ db, read: run.read, claimId: b.claim.claimId, recipients: part, now: clock() }),
      signal: halted, onHandedOut: handedOut,
      onStop: (failure) => {
        stopped.abort();
        // an account error or throttling is the number's, not the campaign's: every campaign's sends stop
        if (failure.errorClass === "account" || isThrottled(failure)) run.halt.abort();
      },
    });
    sending.catch(() => {});
    const g = { claim: b.claim, claimMs: b.claimMs, gapMs, sendStart, sending, handedOut: handed };
    unsettled.add(g);
    return g;
  };

  /** a batch's outcomes, recorded (after the batch before it) */
  const settle = async (b: Going): Promise<Sending> => {
    unsettled.delete(b);
    const { outcomes, stop } = await b.sending;
    const fellBack = outcomes.find((o) => o.kind === "sent" && o.result.fellBack);
    if (fellBack?.kind === "sent" && fellBack.result.fellBack) {
      await alertMarketingMessagesTerms(db, { now: clock(), title: fellBack.result.fellBack.title, fellBack: true });
    }
    run.rate.started += outcomes.filter((o) => o.kind !== "released").length;
    const end = performance.now();
    // time spent sending, counted once where two batches overlap (the rate sizes the batches near the time budget)
    run.rate.sendingMs += end - Math.max(b.sendStart, lastSendEnd ?? b.sendStart);
    lastSendEnd = end;
    if (recording) await recording;
    recording = record(b.claim, outcomes, { claimMs: b.claimMs, sendMs: end - b.sendStart, gapMs: b.gapMs });
    recording.catch(() => {});
    return { outcomes, stop };
  };

  /**
   * What a settled batch means for the campaign: null to go on, or the outcome it ends with. Before it ends,
   * `other` (the batch going out meanwhile) is stopped and settled, and the batch claimed ahead released.
   */
  const judge = async ({ outcomes, stop: sendStop }: Sending, ahead: Promise<Next> | null, other: Going | null): Promise<CampaignOutcome | null> => {
    if (!(sendStop || failedThisRun || outcomes.some((o) => o.kind === "failed"))) return null;
    const counts = await recording!;
    recording = null;
    const haltOther = async () => {
      if (!other) return;
      stopped.abort();
      await settle(other);
      await recording;
      recording = null;
    };
    if (sendStop?.errorClass === "template") {
      await haltOther();
      const runStop = await releaseAhead(ahead);
      // finishBatch paused the campaign for a failed recipient (error-effects.ts); a stop whose recipients
      // were released (a malformed request repeated across the batch) pauses it here (a no-op if paused)
      const reason = templatePauseReason(sendStop);
      await pauseForTemplate(run, id, reason);
      log("campaign paused: template error", { campaign_id: id, code: sendStop.code });
      return { kind: "paused", reason, stop: runStop };
    }
    if (sendStop?.errorClass === "account") {
      await haltOther();
      await releaseAhead(ahead);
      log("run stopped: account error", { code: sendStop.code, title: sendStop.title });
      if (sendStop.code === 131055) await alertMarketingMessagesTerms(db, { now: clock(), title: sendStop.title, fellBack: false });
      // finishBatch recorded it for a failed recipient; a stop without one (released) is recorded here (deduplicated per hour)
      await withRetry(() => db.$transaction((tx) => recordAccountError(tx, { now: clock(), code: sendStop.code, title: sendStop.title })));
      return sent({ reason: "account", detail: `${sendStop.code ?? "?"} ${sendStop.title}` });
    }
    if (sendStop && isThrottled(sendStop)) {
      await haltOther();
      await releaseAhead(ahead);
      log("run stopped: WhatsApp refused sends for throughput", { code: sendStop.code, title: sendStop.title });
      await alertThrottled(db, { now: clock(), code: sendStop.code, title: sendStop.title, maxPerSecond: whatsapp.maxMessagesPerSecond });
      return sent({ reason: "throttled", detail: `${sendStop.code ?? "?"} ${sendStop.title}` });
    }
    // 5. the failure guard, after every batch once this run has seen a failure for the campaign
    //    (failures of an early batch, below min_attempts, are judged when later batches reach it)
    failedThisRun ||= counts.failed > 0;
    if (failedThisRun) {
      const reason = await guard(run, id);
      if (reason) {
        await haltOther();
        const runStop = await releaseAhead(ahead);
        return { kind: "paused", reason, stop: runStop };
      }
    }
    return null;
  };

  /** the claim ahead not taken yet: released if this ends on the way (a failure) */
  let pendingAhead: Promise<Next> | null = null;
  /** an outcome judge() ended with: it released the claim ahead itself */
  const endWith = (o: CampaignOutcome) => {
    pendingAhead = null;
    return o;
  };
  /** the batch whose last requests were out, settled and judged (nothing when there is none) */
  const settleGoing = async (ahead: Promise<Next> | null, other: Going | null): Promise<{ last: Sending | null; ended: CampaignOutcome | null }> => {
    const g = going;
    if (!g) return { last: null, ended: null };
    going = null;
    const last = await settle(g);
    return { last, ended: await judge(last, ahead, other) };
  };
  try {
    let last: Sending | null = null;
    while (next.kind === "batch") {
      if (windowPhase(window, clock(), tz) !== "open") {
        // a batch claimed ahead came up after the send window closed: it goes back untouched
        await releaseAhead(Promise.resolve(next));
        result.outside_window.push(id);
        const { ended } = await settleGoing(null, null);
        if (ended) return endWith(ended);
        return sent();
      }
      const cur = start(next);
      const ahead = failedThisRun ? null : claimNext();
      ahead?.catch(() => {});
      pendingAhead = ahead;
      const { ended } = await settleGoing(ahead, cur);
      if (ended) return endWith(ended);
      if (!failedThisRun && !halted.aborted) {
        // the next batch starts once this one's rows are all in workers' hands
        await Promise.race([cur.handedOut, cur.sending]);
        going = cur;
        last = null;
      } else {
        last = await settle(cur);
        const ended = await judge(last, ahead, null);
        if (ended) return endWith(ended);
      }
      next = ahead ? await ahead : await claimNext();
      pendingAhead = null;
      if (next.kind === "end") {
        // nothing more to claim, only the last batch's requests are out: the run may go on to the next campaign
        if (going && next.outcome.kind === "sent" && next.outcome.stop === null) handOver();
        const settled = await settleGoing(null, null);
        last = settled.last ?? last;
        if (settled.ended) return endWith(settled.ended);
      }
      // the claim ahead ran before this batch gave rows back when the time budget ran out: it found
      // nothing left, yet they are still due
      if (next.kind === "end" && next.outcome.kind === "sent" && next.outcome.stop === null
        && run.outOfTime() && last?.outcomes.some((o) => o.kind === "released")) next = { kind: "end", outcome: { kind: "out_of_time" } };
    }
    return next.outcome;
  } finally {
    // a batch still out when this ends (a failure on the way) starts nothing more and is recorded, as far
    // as the database lets it: nothing is left running behind the run
    if (unsettled.size > 0) {
      stopped.abort();
      for (const g of [...unsettled]) await settle(g).then(() => recording).catch(() => {});
    }
    if (pendingAhead) await releaseAhead(pendingAhead).catch(() => {});
    if (recording) await recording;
  }
}

/** A template error pauses the campaign (a no-op when it is no longer active). */
async function pauseForTemplate(run: Run, campaignId: string, reason: string): Promise<void> {
  await withRetry(() => run.db.$transaction((tx) => pauseCampaigns(tx, { by: "template", now: run.clock(), pauses: [{ campaignId, reason }] })));
  run.result.paused_campaigns.push({ campaign_id: campaignId, reason });
}

/** Pauses the campaign when its failure rate is over the guard's threshold; the reason when it did. */
async function guard(run: Run, campaignId: string): Promise<string | null> {
  const reason = await enforceFailureGuard({ db: run.db, now: run.clock(), campaignId, workspaceGuard: run.sending.failureGuard });
  if (!reason) return null;
  run.result.paused_campaigns.push({ campaign_id: campaignId, reason });
  run.log("campaign paused: failure guard", { campaign_id: campaignId, reason });
  return reason;
}

/** a batch stopped because WhatsApp refused its sends for throughput (send-batch.ts, THROTTLED_STOP_AFTER) */
const isThrottled = (failure: SendFailure) => failure.errorClass === "retry" && failure.code !== null && THROTTLE_CODES.has(failure.code);

/** Tells the team (at most once an hour) that WhatsApp takes fewer messages a second than the run sent. */
async function alertThrottled(db: Db, { now, code, title, maxPerSecond }: { now: Date; code: number | null; title: string; maxPerSecond: number }) {
  await createAlert(db, {
    severity: "warning", kind: "throttled", dedupeKey: `throttled:${now.toISOString().slice(0, 13)}`, details: { code, title, max_mps: maxPerSecond },
    text: `WhatsApp refused sends for throughput (${code ?? "?"} ${alertLiteral(title, 200)}): this run stopped sending, and the recipients stay pending `
      + `without losing an attempt. If it repeats, WHATSAPP_MAX_MPS (${maxPerSecond}) is above what the number may send: lower it.`,
  }, now);
}

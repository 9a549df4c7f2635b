/**
 * Sends a claimed batch outside any transaction, with bounded concurrency (the client holds the rate to
 * WHATSAPP_MAX_MPS). A template or account error stops starting new sends: what was not started is
 * 'released' (goes back to pending untouched), and so is what was not started when `sendUntil` (a
 * performance.now() instant: the run's time budget) has passed.
 *
 * A recipient whose values cannot be filled (render says what is missing) fails before any request.
 * 132018 is recipient-class when the message carried customer data (the value is the customer's, not the
 * template's). A malformed-request code (100, 131008, 131009) seen MALFORMED_PAUSE_AFTER times in a batch
 * means every request is malformed: those recipients are released and the batch stops like a template error.
 * THROTTLED_STOP_AFTER refusals for throughput (130429, 4, 80007) in a batch stop it too (the stop is that
 * retry-class failure): WhatsApp takes less than we send, and every further request would be refused.
 * With `mark`, rows are marked as going out (mark-sending.ts) in small groups, each group exactly the
 * sends that are about to start: a worker asks for its next row, the workers asking while a mark is
 * in flight are served by the next one (MARK_GROUP_MAX rows a mark at most, MARKS_IN_FLIGHT marks at once). A marked row is always in a worker's hands on its way out
 * (waiting only for the rate limit); a row the mark does not return is not sent ('released').
 * The processor overlaps batches (run-daily-processing.ts): `onHandedOut` tells it when every row is in a
 * worker's hands, so the next batch can start while this one's last requests are out; `signal` and
 * `onStop` let a stop seen by either batch stop both.
 */
import { CUSTOMER_DATA_CODES, MALFORMED_REQUEST_CODES, THROTTLE_CODES } from "@/lib/whatsapp/errors";
import type { RenderedComponents } from "@/lib/whatsapp/render-components";
import type { MarketingMessagesOptions, SendFailure, SendSuccess, WhatsAppClient } from "@/lib/whatsapp/types";
import type { ClaimedRecipient } from "./claim-batch";

/** the same malformed-request code this many times in one batch pauses the campaign */
export const MALFORMED_PAUSE_AFTER = 3;
/** this many refusals for throughput (THROTTLE_CODES) in one batch stop the run's sending */
export const THROTTLED_STOP_AFTER = 10;

/**
 * At most this many rows are marked by one statement: the first requests of a batch start after a short
 * mark instead of one for every waiting worker (~80 ms for 400 rows), and while one group goes out the
 * next is marked, so the rate limit, not the marking, sets the pace.
 */
export const MARK_GROUP_MAX = 100;
/** marks in flight at once (of different rows of the batch) */
export const MARKS_IN_FLIGHT = 2;

export type SendOutcome =
  | { id: string; phone: string; kind: "sent"; result: SendSuccess; at: Date; template?: { name: string; language: string } }
  | { id: string; phone: string; kind: "failed"; result: SendFailure; at: Date }
  | { id: string; phone: string; kind: "released" };

export async function sendBatch({ recipients, whatsapp, templateName, languageCode, templateFor, render, concurrency, clock, sendUntil, marketingMessages, mark, signal, onStop, onHandedOut }: {
  recipients: ClaimedRecipient[];
  whatsapp: WhatsAppClient;
  templateName: string;
  languageCode: string;
  /** the recipient's own template when it is not the batch's (an A/B test's variant) */
  templateFor?: (r: ClaimedRecipient) => { templateName: string; languageCode: string };
  render: (r: ClaimedRecipient) => RenderedComponents;
  /** send through the Marketing Messages API (MARKETING templates with the setting on) */
  marketingMessages?: MarketingMessagesOptions;
  concurrency: number;
  clock: () => Date;
  sendUntil?: number;
  /** marks rows as going out; resolves to the ids that may be sent */
  mark?: (rows: ClaimedRecipient[]) => Promise<Set<string>>;
  /** once aborted, nothing more starts (what is left is released), as after a stop of this batch */
  signal?: AbortSignal;
  /** told of this batch's stop (a template or account error, or throttling) as soon as it is seen */
  onStop?: (stop: SendFailure) => void;
  /** called once every row has been handed to a worker or released: only requests already on their way are left */
  onHandedOut?: () => void;
}): Promise<{ outcomes: SendOutcome[]; stop: SendFailure | null }> {
  const outcomes: SendOutcome[] = new Array(recipients.length);
  let next = 0;
  let stop: SendFailure | null = null;
  const malformed = new Map<number, number[]>();
  let throttled = 0;
  const halted = () => (sendUntil !== undefined && performance.now() >= sendUntil) || signal?.aborted === true;
  let handedOut = false;
  const checkHandedOut = () => {
    if (handedOut || next < recipients.length) return;
    handedOut = true;
    onHandedOut?.();
  };
  const setStop = (failure: SendFailure) => {
    if (stop) return;
    stop = failure;
    onStop?.(failure);
  };
  const waiting: Array<(i: number | null) => void> = [];
  let marking = 0;
  const release = (i: number) => {
    outcomes[i] = { id: recipients[i].id, phone: recipients[i].phone, kind: "released" };
  };
  /** hands each waiting worker its next row (index), or null when there is none it may send */
  const serve = async () => {
    if (marking >= (mark ? MARKS_IN_FLIGHT : 1)) return;
    marking++;
    try {
      while (waiting.length > 0) {
        if (stop || halted()) {
          while (next < recipients.length) release(next++);
        }
        const takers = waiting.splice(0, mark ? MARK_GROUP_MAX : waiting.length);
        const picked: number[] = [];
        while (picked.length < takers.length && next < recipients.length) picked.push(next++);
        let allowed: Set<string> | null = null;
        if (picked.length > 0 && mark) {
          // a failed mark sent nothing of these: they go back to pending
          allowed = await mark(picked.map((i) => recipients[i])).catch(() => new Set<string>());
        }
        const go = allowed ? picked.filter((i) => allowed.has(recipients[i].id)) : picked;
        for (const i of picked) if (!go.includes(i)) release(i);
        takers.forEach((t, k) => {
          if (k < go.length) t(go[k]);
          else if (next < recipients.length) waiting.push(t); // rows held back: ask again
          else t(null);
        });
        checkHandedOut();
      }
    } finally {
      marking--;
    }
  };
  const nextRow = () => new Promise<number | null>((resolve) => {
    waiting.push(resolve);
    void serve();
  });
  const worker = async () => {
    for (;;) {
      const i = await nextRow();
      if (i === null) return;
      const r = recipients[i];
      if (stop || halted()) {
        release(i);
        continue;
      }
      const rendered = render(r);
      if (!rendered.ok) {
        outcomes[i] = { id: r.id, phone: r.phone, kind: "failed", result: { ok: false, errorClass: "permanent", code: null, title: rendered.reason }, at: clock() };
        continue;
      }
      let result: SendSuccess | SendFailure;
      const t = templateFor?.(r) ?? { templateName, languageCode };
      try {
        result = await whatsapp.sendTemplate({
          to: r.phone, templateName: t.templateName, languageCode: t.languageCode, components: rendered.components, bizOpaqueCallbackData: r.id,
          ...(marketingMessages ? { marketingMessages } : {}),
        });
      } catch (error) {
        // the client promises never to throw; if it does, the request may have gone out
        result = { ok: false as const, errorClass: "ambiguous" as const, code: null, title: `Send failed unexpectedly: ${error instanceof Error ? error.name : "error"}` };
      }
      if (!result.ok && result.code !== null && CUSTOMER_DATA_CODES.has(result.code) && rendered.fromCustomerData) {
        result = { ...result, errorClass: "permanent" };
      }
      if (!result.ok && result.code !== null && MALFORMED_REQUEST_CODES.has(result.code)) {
        const seen = [...(malformed.get(result.code) ?? []), i];
        malformed.set(result.code, seen);
        if (seen.length >= MALFORMED_PAUSE_AFTER) {
          for (const j of seen) outcomes[j] = { id: recipients[j].id, phone: recipients[j].phone, kind: "released" };
          setStop({ ...result, errorClass: "template", title: `${result.title} (the same error for ${seen.length} recipients of one batch: the request itself is malformed)` });
          continue;
        }
      }
      if (result.ok) outcomes[i] = { id: r.id, phone: r.phone, kind: "sent", result, at: clock(), template: { name: t.templateName, language: t.languageCode } };
      else {
        outcomes[i] = { id: r.id, phone: r.phone, kind: "failed", result, at: clock() };
        if (result.errorClass === "template" || result.errorClass === "account") setStop(result);
        else if (result.code !== null && THROTTLE_CODES.has(result.code) && ++throttled >= THROTTLED_STOP_AFTER) setStop(result);
      }
    }
  };
  checkHandedOut();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, recipients.length)) }, worker));
  checkHandedOut();
  return { outcomes, stop };
}

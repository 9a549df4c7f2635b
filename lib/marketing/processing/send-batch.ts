/**
 * Sends a claimed batch outside any transaction, with bounded concurrency (the client holds the rate to
 * WHATSAPP_MAX_MPS). A template or account error stops starting new sends: what was not started is
 * 'released' (goes back to pending untouched), and so is what was not started when `sendUntil` (a
 * performance.now() instant: the run's time budget) has passed.
 * With `mark`, rows are marked as going out (mark-sending.ts) in small groups, each group exactly the
 * sends that are about to start: a worker asks for its next row, the workers asking while a mark is
 * in flight are served by the next one. A marked row is always in a worker's hands on its way out
 * (waiting only for the rate limit); a row the mark does not return is not sent ('released').
 */
import type { SendFailure, SendSuccess, WhatsAppClient, MetaTemplateComponent } from "@/lib/whatsapp/types";
import type { ClaimedRecipient } from "./claim-batch";

export type SendOutcome =
  | { id: string; phone: string; kind: "sent"; result: SendSuccess; at: Date }
  | { id: string; phone: string; kind: "failed"; result: SendFailure; at: Date }
  | { id: string; phone: string; kind: "released" };

export async function sendBatch({ recipients, whatsapp, templateName, languageCode, render, concurrency, clock, sendUntil, mark }: {
  recipients: ClaimedRecipient[];
  whatsapp: WhatsAppClient;
  templateName: string;
  languageCode: string;
  render: (r: ClaimedRecipient) => MetaTemplateComponent[];
  concurrency: number;
  clock: () => Date;
  sendUntil?: number;
  /** marks rows as going out; resolves to the ids that may be sent */
  mark?: (rows: ClaimedRecipient[]) => Promise<Set<string>>;
}): Promise<{ outcomes: SendOutcome[]; stop: SendFailure | null }> {
  const outcomes: SendOutcome[] = new Array(recipients.length);
  let next = 0;
  let stop: SendFailure | null = null;
  const waiting: Array<(i: number | null) => void> = [];
  let marking = false;
  const release = (i: number) => {
    outcomes[i] = { id: recipients[i].id, phone: recipients[i].phone, kind: "released" };
  };
  /** hands each waiting worker its next row (index), or null when there is none it may send */
  const serve = async () => {
    if (marking) return;
    marking = true;
    try {
      while (waiting.length > 0) {
        if (stop || (sendUntil !== undefined && performance.now() >= sendUntil)) {
          while (next < recipients.length) release(next++);
        }
        const takers = waiting.splice(0);
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
      }
    } finally {
      marking = false;
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
      if (stop || (sendUntil !== undefined && performance.now() >= sendUntil)) {
        release(i);
        continue;
      }
      let result;
      try {
        result = await whatsapp.sendTemplate({
          to: r.phone, templateName, languageCode, components: render(r), bizOpaqueCallbackData: r.id,
        });
      } catch (error) {
        // the client promises never to throw; if it does, the request may have gone out
        result = { ok: false as const, errorClass: "ambiguous" as const, code: null, title: `Send failed unexpectedly: ${error instanceof Error ? error.name : "error"}` };
      }
      if (result.ok) outcomes[i] = { id: r.id, phone: r.phone, kind: "sent", result, at: clock() };
      else {
        outcomes[i] = { id: r.id, phone: r.phone, kind: "failed", result, at: clock() };
        if ((result.errorClass === "template" || result.errorClass === "account") && !stop) stop = result;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, recipients.length)) }, worker));
  return { outcomes, stop };
}

/**
 * Sends a claimed batch outside any transaction, with bounded concurrency (the client holds the rate to
 * WHATSAPP_MAX_MPS). A template or account error stops starting new sends: what was not started is
 * 'released' (goes back to pending untouched), and so is what was not started when `sendUntil` (a
 * performance.now() instant: the run's time budget) has passed.
 */
import type { SendFailure, SendSuccess, WhatsAppClient, MetaTemplateComponent } from "@/lib/whatsapp/types";
import type { ClaimedRecipient } from "./claim-batch";

export type SendOutcome =
  | { id: string; phone: string; kind: "sent"; result: SendSuccess; at: Date; template?: { name: string; language: string } }
  | { id: string; phone: string; kind: "failed"; result: SendFailure; at: Date }
  | { id: string; phone: string; kind: "released" };

export async function sendBatch({ recipients, whatsapp, templateName, languageCode, templateFor, render, concurrency, clock, sendUntil }: {
  recipients: ClaimedRecipient[];
  whatsapp: WhatsAppClient;
  templateName: string;
  languageCode: string;
  /** the recipient's own template when it is not the batch's (an A/B test's variant) */
  templateFor?: (r: ClaimedRecipient) => { templateName: string; languageCode: string };
  render: (r: ClaimedRecipient) => MetaTemplateComponent[];
  concurrency: number;
  clock: () => Date;
  sendUntil?: number;
}): Promise<{ outcomes: SendOutcome[]; stop: SendFailure | null }> {
  const outcomes: SendOutcome[] = new Array(recipients.length);
  let next = 0;
  let stop: SendFailure | null = null;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= recipients.length) return;
      const r = recipients[i];
      if (stop || (sendUntil !== undefined && performance.now() >= sendUntil)) {
        outcomes[i] = { id: r.id, phone: r.phone, kind: "released" };
        continue;
      }
      let result;
      const t = templateFor?.(r) ?? { templateName, languageCode };
      try {
        result = await whatsapp.sendTemplate({
          to: r.phone, templateName: t.templateName, languageCode: t.languageCode, components: render(r), bizOpaqueCallbackData: r.id,
        });
      } catch (error) {
        // the client promises never to throw; if it does, the request may have gone out
        result = { ok: false as const, errorClass: "ambiguous" as const, code: null, title: `Send failed unexpectedly: ${error instanceof Error ? error.name : "error"}` };
      }
      if (result.ok) outcomes[i] = { id: r.id, phone: r.phone, kind: "sent", result, at: clock(), template: { name: t.templateName, language: t.languageCode } };
      else {
        outcomes[i] = { id: r.id, phone: r.phone, kind: "failed", result, at: clock() };
        if ((result.errorClass === "template" || result.errorClass === "account") && !stop) stop = result;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, recipients.length)) }, worker));
  return { outcomes, stop };
}

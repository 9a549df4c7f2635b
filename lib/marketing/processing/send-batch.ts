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
 */
import { CUSTOMER_DATA_CODES, MALFORMED_REQUEST_CODES } from "@/lib/whatsapp/errors";
import type { RenderedComponents } from "@/lib/whatsapp/render-components";
import type { MarketingMessagesOptions, SendFailure, SendSuccess, WhatsAppClient } from "@/lib/whatsapp/types";
import type { ClaimedRecipient } from "./claim-batch";

/** the same malformed-request code this many times in one batch pauses the campaign */
export const MALFORMED_PAUSE_AFTER = 3;

export type SendOutcome =
  | { id: string; phone: string; kind: "sent"; result: SendSuccess; at: Date; template?: { name: string; language: string } }
  | { id: string; phone: string; kind: "failed"; result: SendFailure; at: Date }
  | { id: string; phone: string; kind: "released" };

export async function sendBatch({ recipients, whatsapp, templateName, languageCode, templateFor, render, concurrency, clock, sendUntil, marketingMessages }: {
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
}): Promise<{ outcomes: SendOutcome[]; stop: SendFailure | null }> {
  const outcomes: SendOutcome[] = new Array(recipients.length);
  let next = 0;
  let stop: SendFailure | null = null;
  const malformed = new Map<number, number[]>();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= recipients.length) return;
      const r = recipients[i];
      if (stop || (sendUntil !== undefined && performance.now() >= sendUntil)) {
        outcomes[i] = { id: r.id, phone: r.phone, kind: "released" };
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
          if (!stop) stop = { ...result, errorClass: "template", title: `${result.title} (the same error for ${seen.length} recipients of one batch: the request itself is malformed)` };
          continue;
        }
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

import { describe, expect, it } from "vitest";
import type { OutboundTemplateMessage, SendResult, WhatsAppClient } from "@/lib/whatsapp/types";
import type { ClaimedRecipient } from "./claim-batch";
import { sendBatch } from "./send-batch";

/** A client whose every answer takes `latencyMs`; `answer` may refuse a number. */
function slowClient(latencyMs: number, answer: (to: string) => SendResult | null = () => null) {
  const started: string[] = [];
  const client: WhatsAppClient = {
    mode: "sandbox",
    maxMessagesPerSecond: 1000,
    async sendTemplate(m: OutboundTemplateMessage) {
      started.push(m.to);
      await new Promise((r) => setTimeout(r, latencyMs));
      return answer(m.to) ?? { ok: true, wamid: `wamid.${m.to}`, waId: m.to, messageStatus: "accepted" };
    },
  };
  return { client, started };
}

const recipients = (n: number, from = 0): ClaimedRecipient[] =>
  Array.from({ length: n }, (_, i) => ({ id: `r${from + i}`, phone: String(15550000000 + from + i), customer: null, clickToken: null }));

const common = { templateName: "promo", languageCode: "en_US", render: () => ({ ok: true as const, components: [], fromCustomerData: false }), clock: () => new Date() };

describe("sendBatch: handing out, stopping from outside", () => {
  it("tells when every row is in a worker's hands, while the last requests are still out", async () => {
    const { client, started } = slowClient(50);
    let handedOutAt: number | null = null;
    let sendingAtHandOut = -1;
    const t0 = performance.now();
    const out = await sendBatch({
      ...common, whatsapp: client, recipients: recipients(30), concurrency: 10,
      onHandedOut: () => { handedOutAt = performance.now() - t0; sendingAtHandOut = started.length; },
    });
    expect(out.outcomes.every((o) => o.kind === "sent")).toBe(true);
    expect(handedOutAt).not.toBeNull();
    // 30 rows over 10 workers at 50 ms each: all handed out as the third round starts, its answers ~50 ms later
    expect(sendingAtHandOut).toBeGreaterThanOrEqual(20);
    expect(sendingAtHandOut).toBeLessThanOrEqual(30);
    expect(handedOutAt!).toBeLessThan(performance.now() - t0 - 30);
  });

  it("an aborted signal starts nothing more: what is left is released", async () => {
    const { client, started } = slowClient(20);
    const stop = new AbortController();
    const sending = sendBatch({ ...common, whatsapp: client, recipients: recipients(40), concurrency: 5, signal: stop.signal });
    await new Promise((r) => setTimeout(r, 30));
    stop.abort();
    const out = await sending;
    const sent = out.outcomes.filter((o) => o.kind === "sent").length;
    const released = out.outcomes.filter((o) => o.kind === "released").length;
    expect(sent).toBe(started.length);
    expect(sent).toBeGreaterThan(0);
    expect(sent + released).toBe(40);
    expect(released).toBeGreaterThan(0);
    expect(out.stop).toBeNull();
  });

  it("a template error is told to onStop at once, so a batch going out beside it can stop too", async () => {
    const refuse = "15550000003";
    const { client } = slowClient(10, (to) => (to === refuse ? { ok: false, errorClass: "template", code: 132001, title: "132001 Template name does not exist in the translation" } : null));
    const shared = new AbortController();
    const first = sendBatch({ ...common, whatsapp: client, recipients: recipients(20), concurrency: 2, signal: shared.signal, onStop: () => shared.abort() });
    const second = sendBatch({ ...common, whatsapp: client, recipients: recipients(20, 100), concurrency: 2, signal: shared.signal, onStop: () => shared.abort() });
    const [a, b] = await Promise.all([first, second]);
    expect(a.stop?.code).toBe(132001);
    expect(shared.signal.aborted).toBe(true);
    // the second batch stopped starting as soon as the first saw the error
    expect(b.outcomes.filter((o) => o.kind === "released").length).toBeGreaterThan(0);
    expect(b.stop).toBeNull();
  });
});

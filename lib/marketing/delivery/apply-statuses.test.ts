import { describe, expect, it } from "vitest";
import { aggregateStatuses, type StatusRow } from "./apply-statuses";

const T = (s: number) => new Date(Date.UTC(2026, 0, 10, 12, 0, s));
let seq = 0n;
/** one inbox row holding a status object as Meta documents it (statuses[] of a "messages" change) */
function row(wamid: string, status: string, at: Date, extra: Record<string, unknown> = {}, recipientId: string | null = null): StatusRow {
  seq += 1n;
  return {
    id: seq, wamid, recipient_id: recipientId, status, occurred_at: at,
    value: { id: wamid, status, timestamp: String(Math.floor(at.getTime() / 1000)), recipient_id: "16505551234", ...extra },
  };
}

describe("aggregateStatuses", () => {
  it("keeps one entry per message with the earliest time of each status", () => {
    const out = aggregateStatuses([
      row("wamid.A", "delivered", T(20)),
      row("wamid.A", "sent", T(10)),
      row("wamid.A", "delivered", T(15)),
      row("wamid.B", "read", T(30)),
      row("wamid.A", "read", T(40)),
    ]);
    expect(out).toHaveLength(2);
    const a = out.find((x) => x.wamid === "wamid.A");
    expect(a).toMatchObject({ sent: T(10), delivered: T(15), read: T(40), failed: null, waId: "16505551234" });
    expect(out.find((x) => x.wamid === "wamid.B")).toMatchObject({ sent: null, delivered: null, read: T(30) });
  });

  it("keeps the latest failure with its error code, title and details", () => {
    const err = (code: number, title: string, details: string) => ({ errors: [{ code, title, message: title, error_data: { details } }] });
    const first = row("wamid.F", "failed", T(5), err(131026, "Message undeliverable", "first"));
    const last = row("wamid.F", "failed", T(9), err(131049, "This message was not delivered to maintain healthy ecosystem engagement.", "second"));
    const [f] = aggregateStatuses([last, first]);
    expect(f.failed).toEqual(T(9));
    expect(f.failedSeq).toBe(last.id);
    expect(f.errorCode).toBe(131049);
    expect(f.errorTitle).toContain("131049");
    expect(f.errorDetails).toBe("second");
  });

  it("takes the first recipient id echoed back and merges pricing", () => {
    const [m] = aggregateStatuses([
      row("wamid.P", "sent", T(1), { pricing: { billable: true, pricing_model: "PMP", category: "marketing" } }, "rcpt-1"),
      row("wamid.P", "delivered", T(2), { conversation: { id: "c1", origin: { type: "marketing" } } }, "rcpt-2"),
    ]);
    expect(m.biz).toBe("rcpt-1");
    expect(m.pricing).toEqual({ billable: true, pricing_model: "PMP", category: "marketing", conversation: { id: "c1", origin: { type: "marketing" } } });
  });

  it("a status object that does not parse still counts by its inbox row", () => {
    const [m] = aggregateStatuses([{ id: 1n, wamid: "wamid.X", recipient_id: null, status: "sent", occurred_at: T(3), value: "not an object" }]);
    expect(m).toMatchObject({ wamid: "wamid.X", sent: T(3), waId: null, pricing: null });
  });
});

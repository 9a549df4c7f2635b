import { describe, expect, it } from "vitest";
import { normalizePhone } from "./phone";

describe("normalizePhone", () => {
  it("normalises to E.164 digits", () => {
    expect(normalizePhone("14694652751")).toEqual({ ok: true, phone: "14694652751" });
    expect(normalizePhone("+1 (469) 465-2751")).toEqual({ ok: true, phone: "14694652751" });
    expect(normalizePhone("0044 20 7946 0958")).toEqual({ ok: true, phone: "442079460958" });
    expect(normalizePhone("15551234567")).toEqual({ ok: true, phone: "15551234567" });
  });
  it("rejects what is not a number", () => {
    for (const bad of ["", "abc", "123", "+1+2", "1234567890123456789", null, {}, "1' OR 1=1"]) {
      expect(normalizePhone(bad).ok).toBe(false);
    }
  });
});

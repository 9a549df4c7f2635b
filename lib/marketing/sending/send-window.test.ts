import { describe, expect, it } from "vitest";
import { allowedOffsets, describeSendWindow, firstSendableDay, nextAllowedDay, nthAllowedDay, shiftToAllowed, windowClosesAt, windowPhase, ZSendWindow, type TSendWindow } from "./send-window";

const WEEKDAYS: TSendWindow = { start: "09:00", end: "18:00", days: ["mon", "tue", "wed", "thu", "fri"] };
const NY = "America/New_York";

describe("send windows", () => {
  it("validates: HH:MM, start before end, at least one day, each day once", () => {
    expect(ZSendWindow.safeParse(WEEKDAYS).success).toBe(true);
    expect(ZSendWindow.safeParse({ ...WEEKDAYS, end: "24:00" }).success).toBe(true);
    for (const bad of [{ ...WEEKDAYS, start: "9:00" }, { ...WEEKDAYS, start: "24:00" }, { ...WEEKDAYS, end: "08:00" }, { ...WEEKDAYS, days: [] }, { ...WEEKDAYS, days: ["mon", "mon"] }, { ...WEEKDAYS, extra: 1 }]) {
      expect(ZSendWindow.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("counts allowed days (2025-02-07 is a Friday)", () => {
    expect(nextAllowedDay(WEEKDAYS, "2025-02-08")).toBe("2025-02-10");
    expect(nextAllowedDay(null, "2025-02-08")).toBe("2025-02-08");
    expect(allowedOffsets(WEEKDAYS, "2025-02-07")).toEqual([0, 3, 4, 5, 6]);
    expect([0, 1, 2, 3, 4, 5].map((n) => nthAllowedDay(WEEKDAYS, "2025-02-07", n))).toEqual(["2025-02-07", "2025-02-10", "2025-02-11", "2025-02-12", "2025-02-13", "2025-02-14"]);
    expect(nthAllowedDay(null, "2025-01-15", 39)).toBe("2025-02-23");
    expect(shiftToAllowed(WEEKDAYS)).toEqual([0, 0, 0, 0, 0, 2, 1]);
    expect(describeSendWindow(WEEKDAYS)).toBe("Mon–Fri 09:00–18:00");
  });

  it("knows whether it is open, in the workspace time zone", () => {
    expect(windowPhase(WEEKDAYS, new Date("2025-02-07T13:59:00Z"), NY)).toBe("before");
    expect(windowPhase(WEEKDAYS, new Date("2025-02-07T14:00:00Z"), NY)).toBe("open");
    expect(windowPhase(WEEKDAYS, new Date("2025-02-07T22:59:59Z"), NY)).toBe("open");
    expect(windowPhase(WEEKDAYS, new Date("2025-02-07T23:00:00Z"), NY)).toBe("closed");
    expect(windowPhase(WEEKDAYS, new Date("2025-02-08T15:00:00Z"), NY)).toBe("closed");
    expect(windowPhase(null, new Date("2025-02-08T03:00:00Z"), NY)).toBe("open");
    expect(firstSendableDay(WEEKDAYS, new Date("2025-02-07T23:30:00Z"), NY)).toBe("2025-02-10");
    expect(firstSendableDay(WEEKDAYS, new Date("2025-02-07T12:00:00Z"), NY)).toBe("2025-02-07");
  });

  it("knows when today's window closes (no send of a run starts after it)", () => {
    expect(windowClosesAt(WEEKDAYS, new Date("2025-02-07T22:59:59.400Z"), NY)?.toISOString()).toBe("2025-02-07T23:00:00.000Z");
    // 02:00 UTC is still the 6th in New York
    expect(windowClosesAt(WEEKDAYS, new Date("2025-02-07T02:00:00Z"), NY)?.toISOString()).toBe("2025-02-06T23:00:00.000Z");
    // across the spring-forward night: 18:00 EDT
    expect(windowClosesAt(WEEKDAYS, new Date("2025-03-10T15:00:00Z"), NY)?.toISOString()).toBe("2025-03-10T22:00:00.000Z");
    expect(windowClosesAt({ start: "09:00", end: "24:00", days: ["mon"] }, new Date("2025-02-10T15:00:00Z"), NY)?.toISOString()).toBe("2025-02-11T05:00:00.000Z");
    expect(windowClosesAt(null, new Date("2025-02-10T15:00:00Z"), NY)).toBeNull();
  });
});

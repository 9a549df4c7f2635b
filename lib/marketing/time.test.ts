import { describe, expect, it } from "vitest";
import { addDays, dayInZone, daysBetween, isDay, startOfDayInZone } from "./time";

describe("time", () => {
  it("finds the calendar day in a zone", () => {
    expect(dayInZone(new Date("2025-01-15T03:00:00Z"), "America/New_York")).toBe("2025-01-14");
    expect(dayInZone(new Date("2025-01-15T03:00:00Z"), "UTC")).toBe("2025-01-15");
    expect(startOfDayInZone("2025-01-15", "America/New_York").toISOString()).toBe("2025-01-15T05:00:00.000Z");
  });
  it("does day arithmetic", () => {
    expect(addDays("2025-01-15", 39)).toBe("2025-02-23");
    expect(daysBetween("2025-01-15", "2025-02-23")).toBe(39);
    expect(isDay("2025-02-30")).toBe(false);
    expect(isDay("2025-02-28")).toBe(true);
  });
});

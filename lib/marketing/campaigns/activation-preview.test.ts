import { describe, expect, it } from "vitest";
import type { TSendWindow } from "../sending/send-window";
import { activationPreview } from "./activation-preview";

const WEEKDAYS: TSendWindow = { start: "09:00", end: "18:00", days: ["mon", "tue", "wed", "thu", "fri"] };

describe("activation preview", () => {
  it("skips days the send window does not allow; without one the spec's example stays 40 days", () => {
    expect(activationPreview({ pending: 10_000, dailyLimit: 250, startDate: "2025-01-15" })).toEqual({ days: 40, lastDay: "2025-02-23", lastDayCount: 250 });
    expect(activationPreview({ pending: 10, dailyLimit: 3, startDate: "2025-02-07", sendWindow: WEEKDAYS })).toMatchObject({ days: 4, lastDay: "2025-02-12" });
  });
});

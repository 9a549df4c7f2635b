import { describe, expect, it } from "vitest";
import { todayCapacity } from "./get-overview";

describe("todayCapacity: what today allows on the overview's Sent today", () => {
  it("is the active campaigns' daily limits while nothing else sent today", () => {
    expect(todayCapacity(130, [{ dailySendLimit: 100, sentToday: 100 }, { dailySendLimit: 250, sentToday: 30 }])).toBe(350);
  });
  it("keeps what a campaign paused or cancelled since sent, so sends never pass it (QA: 383 / 350)", () => {
    // 383 sent today; the campaign that sent 150 of them was paused: only the other two are active
    const active = [{ dailySendLimit: 200, sentToday: 133 }, { dailySendLimit: 150, sentToday: 100 }];
    expect(todayCapacity(383, active)).toBe(383 + 67 + 50);
    expect(todayCapacity(383, [])).toBe(383);
  });
  it("does not count a limit lowered below today's sends as negative room", () => {
    expect(todayCapacity(300, [{ dailySendLimit: 100, sentToday: 300 }])).toBe(300);
  });
});

import { describe, expect, it } from "vitest";
import { subscriptionCommand } from "./keywords";

describe("subscriptionCommand", () => {
  it.each(["STOP", "stop", " Stop ", "STOP!", "stop.", "Stop  Promotions", "STOP_PROMOTIONS", "stop-promotions", "Unsubscribe", "opt-out", "\tSTOP\n", "ＳＴＯＰ"])(
    "%j unsubscribes", (text) => expect(subscriptionCommand(text)).toBe("unsubscribe"));
  it.each(["START", "start", " Subscribe ", "resume", "unstop"])("%j subscribes", (text) => expect(subscriptionCommand(text)).toBe("subscribe"));
  it.each(["please stop sending", "stopped", "I want to start", "", "hello", "STOP".repeat(30), "st op"])("%j is neither", (text) =>
    expect(subscriptionCommand(text)).toBeNull());
});

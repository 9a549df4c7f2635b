import { describe, expect, it } from "vitest";
import { verifyChallengeToken } from "./verify-challenge";

describe("verifyChallengeToken", () => {
  const token = "verify-token-0123456789abcdef0123456789";
  it("accepts exactly the configured token", () => {
    expect(verifyChallengeToken(token, token)).toBe(true);
  });
  it("refuses another token, a prefix, a longer one, a different case", () => {
    expect(verifyChallengeToken("wrong", token)).toBe(false);
    expect(verifyChallengeToken(token.slice(0, -1), token)).toBe(false);
    expect(verifyChallengeToken(token + "x", token)).toBe(false);
    expect(verifyChallengeToken(token.toUpperCase(), token)).toBe(false);
  });
  it("refuses everything when no token is configured, and a missing token", () => {
    expect(verifyChallengeToken("", "")).toBe(false);
    expect(verifyChallengeToken("anything", undefined)).toBe(false);
    expect(verifyChallengeToken(null, token)).toBe(false);
    expect(verifyChallengeToken(undefined, token)).toBe(false);
  });
});

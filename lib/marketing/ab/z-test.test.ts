import { describe, expect, it } from "vitest";
import { twoProportionZ, Z_95 } from "./z-test";

describe("twoProportionZ", () => {
  it("matches the textbook pooled statistic", () => {
    // 60/100 vs 45/100: p = 0.525, se = sqrt(0.525·0.475·0.02) = 0.070622, z = 0.15 / 0.070622 = 2.124
    expect(twoProportionZ(60, 100, 45, 100)).toBeCloseTo(2.124, 3);
    expect(Math.abs(twoProportionZ(60, 100, 45, 100))).toBeGreaterThan(Z_95);
  });
  it("calls a small difference on small samples within noise", () => {
    expect(Math.abs(twoProportionZ(11, 20, 9, 20))).toBeLessThan(Z_95);
  });
  it("is antisymmetric and 0 without data or variance", () => {
    expect(twoProportionZ(45, 100, 60, 100)).toBeCloseTo(-twoProportionZ(60, 100, 45, 100), 12);
    expect(twoProportionZ(0, 0, 5, 10)).toBe(0);
    expect(twoProportionZ(10, 10, 10, 10)).toBe(0);
    expect(twoProportionZ(0, 10, 0, 10)).toBe(0);
  });
});

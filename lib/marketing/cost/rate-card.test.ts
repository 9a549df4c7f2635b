import { describe, expect, it } from "vitest";
import { rateCategory } from "./rate-card";

describe("rateCategory", () => {
  it("reads Meta's pricing categories as statuses spell them, and template categories", () => {
    expect(rateCategory("marketing")).toBe("marketing");
    expect(rateCategory("marketing_lite")).toBe("marketing");
    expect(rateCategory("MARKETING")).toBe("marketing");
    expect(rateCategory("utility")).toBe("utility");
    expect(rateCategory("authentication")).toBe("authentication");
    // the status webhook's pricing.category uses a hyphen, rate cards an underscore
    expect(rateCategory("authentication-international")).toBe("authentication_international");
    expect(rateCategory("authentication_international")).toBe("authentication_international");
  });

  it("has no rate for service conversations, unknown or missing categories", () => {
    expect(rateCategory("service")).toBeNull();
    expect(rateCategory("referral_conversion")).toBeNull();
    expect(rateCategory("")).toBeNull();
    expect(rateCategory(null)).toBeNull();
    expect(rateCategory(undefined)).toBeNull();
  });
});

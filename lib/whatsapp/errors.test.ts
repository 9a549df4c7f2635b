import { describe, expect, it } from "vitest";
import { classifyError, errorTitle, LISTED_ERROR_CODES, retryAfterMsFor } from "./errors";

describe("classifyError", () => {
  const expected: Array<[number, string]> = [
    // retry later with backoff
    [130429, "retry"], [131056, "retry"], [4, "retry"], [80007, "retry"], [2, "retry"], [131000, "retry"],
    [131016, "retry"], [133004, "retry"], [131057, "retry"], [132069, "retry"],
    // Meta's per-user marketing cap, opt-out
    [131049, "meta_cap"], [131050, "opted_out"],
    // permanent for this recipient
    [131026, "permanent"], [130403, "permanent"], [130472, "permanent"], [100, "permanent"], [131008, "permanent"], [131009, "permanent"],
    [130497, "permanent"],
    // template problems
    [132000, "template"], [132001, "template"], [132005, "template"], [132007, "template"], [132012, "template"],
    [132015, "template"], [132016, "template"], [131063, "template"],
    [132018, "template"], [132068, "template"], [131052, "template"], [131053, "template"],
    // account problems
    [131048, "account"], [368, "account"], [131031, "account"], [131064, "account"], [131042, "account"],
    [33, "account"], [131005, "account"], [131037, "account"], [131045, "account"], [133010, "account"], [131055, "account"],
    [0, "account"], [3, "account"], [10, "account"], [190, "account"], [200, "account"], [250, "account"], [299, "account"],
  ];

  it.each(expected)("code %i → %s", (code, cls) => {
    expect(classifyError(code, 400)).toBe(cls);
    // the code decides, whatever the HTTP status
    expect(classifyError(code, 500)).toBe(cls);
  });

  it("covers every listed code", () => {
    for (const [cls, codes] of Object.entries(LISTED_ERROR_CODES)) {
      for (const code of codes) expect(classifyError(code, 400)).toBe(cls);
    }
  });

  it("falls back on the HTTP status for codes it does not know", () => {
    expect(classifyError(999999, 500)).toBe("retry");
    expect(classifyError(null, 502)).toBe("retry");
    expect(classifyError(999999, 429)).toBe("retry");
    expect(classifyError(999999, 401)).toBe("account");
    expect(classifyError(999999, 400)).toBe("permanent");
    expect(classifyError(300, 400)).toBe("permanent");
    expect(classifyError(null)).toBe("permanent");
  });

  it("implies minimum waits", () => {
    expect(retryAfterMsFor(131049)).toBe(24 * 3600 * 1000);
    expect(retryAfterMsFor(131056)).toBeGreaterThanOrEqual(6000);
    expect(retryAfterMsFor(131026)).toBeUndefined();
  });

  it("titles errors with their code", () => {
    expect(errorTitle(131026)).toBe("131026 Message undeliverable");
    expect(errorTitle(999, "(#999) Something odd")).toBe("999 Something odd");
    expect(errorTitle(null, "boom")).toBe("boom");
  });
});

import fc from "fast-check";
import { getCountries, getCountryCallingCode } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { marketOfNumberParsed, marketOfParsedCountry } from "./cost/market";
import { hasCountryPrefix, normalizePhone } from "./phone";

describe("normalizePhone", () => {
  it("normalises to E.164 digits", () => {
    expect(normalizePhone("14694652751")).toEqual({ ok: true, phone: "14694652751", country: "US" });
    expect(normalizePhone("+1 (469) 465-2751")).toEqual({ ok: true, phone: "14694652751", country: "US" });
    expect(normalizePhone("0044 20 7946 0958")).toEqual({ ok: true, phone: "442079460958", country: "GB" });
    expect(normalizePhone("15551234567")).toMatchObject({ ok: true, phone: "15551234567" });
  });
  it("reads numbers pasted with Unicode spaces, dashes, full-width digits and direction marks", () => {
    for (const pasted of ["+1\u00a0469\u00a0465\u00a02751", "+1\u202f(469)\u2009465\u20112751", "\u202a+1 469-465-2751\u202c", "\u200e+1 469 465 2751",
      "＋１ ４６９ ４６５ ２７５１", "1\u2212469\u2013465\u20142751"]) {
      expect(normalizePhone(pasted), JSON.stringify(pasted)).toEqual({ ok: true, phone: "14694652751", country: "US" });
    }
    expect(normalizePhone("+1 469 465 2751 ✓").ok).toBe(false);
  });
  it("tells a number written with + or 00 from one whose country code is only assumed", () => {
    for (const w of ["+1 202 555 0100", "0044 20 7946 0958", "\u202a+1 202 555 0100", "＋1 202 555 0100", " +12025550100"]) expect(hasCountryPrefix(w), w).toBe(true);
    for (const w of ["2025559095", "(202) 555-0973", "12025550100"]) expect(hasCountryPrefix(w), w).toBe(false);
  });
  it("rejects what is not a number", () => {
    for (const bad of ["", "abc", "123", "+1+2", "1234567890123456789", null, {}, "1' OR 1=1"]) {
      expect(normalizePhone(bad).ok).toBe(false);
    }
  });
  it("tells the country a full parse of the stored number tells, for any number it accepts, however written", () => {
    const codes = [...new Set(getCountries().map((c) => getCountryCallingCode(c)))];
    // shared calling codes (+1, +7, +44 …) more often: there the country depends on the national digits
    const code = fc.oneof(fc.constantFrom(...codes, "800", "882"), fc.constantFrom("1", "7", "44", "47", "590", "599", "61", "212", "262"));
    const written = (digits: string) => fc.constantFrom(digits, `+${digits}`, `00${digits}`, `+${digits.slice(0, 2)} ${digits.slice(2, 5)}-${digits.slice(5)}`, `(+${digits.slice(0, 3)}) ${digits.slice(3)}`);
    fc.assert(
      fc.property(code.chain((cc) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 4, maxLength: 12 }).chain((national) => written(`${cc}${national}`))), (input) => {
        const n = normalizePhone(input);
        if (!n.ok) return;
        expect(marketOfParsedCountry(n.country)).toBe(marketOfNumberParsed(n.phone));
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});

import fc from "fast-check";
import { getCountries, getCountryCallingCode } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { marketOfNumber, marketOfNumberParsed, UNKNOWN_MARKET } from "./market";

describe("marketOfNumber", () => {
  it("tells the market of numbers of shared and single-country calling codes", () => {
    expect(marketOfNumber("14694652751")).toBe("North America");
    expect(marketOfNumber("17872345678")).toBe("Rest of Latin America"); // +1 787: Puerto Rico
    expect(marketOfNumber("919876543210")).toBe("India");
    expect(marketOfNumber("442079460958")).toBe("United Kingdom");
    // Guernsey, Jersey and the Isle of Man dial with +44: priced as the United Kingdom, not as "Other"
    expect(marketOfNumber("447911123456")).toBe("United Kingdom"); // +44 7911 1…: a Guernsey range
    expect(marketOfNumber("447797123456")).toBe("United Kingdom"); // +44 7797: Jersey
    expect(marketOfNumber("447624123456")).toBe("United Kingdom"); // +44 7624: the Isle of Man
    expect(marketOfNumber("erased:abc")).toBe(UNKNOWN_MARKET);
    expect(marketOfNumber("80012345678")).toBe(marketOfNumberParsed("80012345678")); // +800: no country
  });

  it("answers what a full parse answers, for every calling code and any national digits", () => {
    const codes = [...new Set(getCountries().map((c) => getCountryCallingCode(c)))];
    fc.assert(
      fc.property(fc.constantFrom(...codes, "800", "882", "999"), fc.stringMatching(/^[0-9]{3,13}$/), (code, national) => {
        const digits = (code + national).slice(0, 15);
        expect(marketOfNumber(digits)).toBe(marketOfNumberParsed(digits));
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});

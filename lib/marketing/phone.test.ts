import fc from "fast-check";
import { getCountries, getCountryCallingCode } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { marketOfNumberParsed, marketOfParsedCountry } from "./cost/market";
import { hasCountryPrefix, normalizePhone, phoneFilterOf } from "./phone";

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
  it("reads a number without + or 00 in the workspace's default country when it is a valid number there", () => {
    const us = { defaultCountry: "US" } as const;
    // the US number typed without +1 that was read as Egypt (+20) before there was a default country
    expect(normalizePhone("(202) 555-0973")).toMatchObject({ ok: true, phone: "2025550973" });
    expect(normalizePhone("(202) 555-0973", us)).toEqual({ ok: true, phone: "12025550973", country: "US", national: true });
    expect(normalizePhone("2025550973", us)).toEqual({ ok: true, phone: "12025550973", country: "US", national: true });
    // the spec's digits with their country code read the same
    expect(normalizePhone("14694652751", us)).toEqual({ ok: true, phone: "14694652751", country: "US" });
    // not a US number: read by its country code as without a default
    expect(normalizePhone("447911123456", us)).toEqual(normalizePhone("447911123456"));
    expect(normalizePhone("447911123456", us)).toMatchObject({ ok: true, phone: "447911123456" });
    // + and 00 always say the country
    expect(normalizePhone("+20 2 2555 0973", us)).toEqual(normalizePhone("+20 2 2555 0973"));
    expect(normalizePhone("0020 2 2555 0973", us)).toEqual(normalizePhone("+20 2 2555 0973"));
    // national numbers with their trunk 0, and without it as spreadsheets drop it
    const gb = { defaultCountry: "GB" } as const;
    expect(normalizePhone("020 7946 0958", gb)).toEqual({ ok: true, phone: "442079460958", country: "GB", national: true });
    expect(normalizePhone("2079460958", gb)).toEqual({ ok: true, phone: "442079460958", country: "GB", national: true });
    expect(normalizePhone("098765 43210", { defaultCountry: "IN" })).toMatchObject({ ok: true, phone: "919876543210", country: "IN" });
    expect(normalizePhone("9876543210", { defaultCountry: "IN" })).toMatchObject({ ok: true, phone: "919876543210", country: "IN" });
    expect(normalizePhone("11 98765-4321", { defaultCountry: "BR" })).toMatchObject({ ok: true, phone: "5511987654321", country: "BR" });
    expect(normalizePhone("15112345678", { defaultCountry: "DE" })).toMatchObject({ ok: true, phone: "4915112345678", country: "DE", national: true });
    // the country's own calling code in front: read with it, though Germany's loose numbering would accept +49 4915…
    const de = { defaultCountry: "DE" } as const;
    expect(normalizePhone("4915112345678", de)).toEqual({ ok: true, phone: "4915112345678", country: "DE" });
    expect(normalizePhone("0151 12345678", de)).toEqual({ ok: true, phone: "4915112345678", country: "DE", national: true });
  });

  it("where national numbers are written with a trunk 0, a valid international number without + stays one (what the API itself answers)", () => {
    // a German, Austrian, Brazilian, Indian workspace: the API's own format (E.164 digits) round-trips
    for (const country of ["DE", "AT", "BR", "IN", "GB", "FR"] as const) {
      for (const digits of ["447911123457", "12025550973", "33612345678", "4915112345678", "14694652751"]) {
        const read = normalizePhone(digits, { defaultCountry: country });
        expect(read, `${country} ${digits}`).toEqual(normalizePhone(`+${digits}`));
      }
    }
    // where they are written without one (the US and Canada), the national reading comes first, but a number
    // that is no valid national one is still read by its country code
    expect(normalizePhone("3345551234", { defaultCountry: "US" })).toMatchObject({ phone: "13345551234", national: true });
    expect(normalizePhone("33612345678", { defaultCountry: "US" })).toEqual(normalizePhone("+33612345678"));
  });

  it("explains a national number it cannot read", () => {
    expect(normalizePhone("07911 123456")).toEqual({ ok: false, reason: "starts with 0, as a national number does: write it with its country code (or choose a default country in Settings)" });
    expect(normalizePhone("0123", { defaultCountry: "GB" })).toEqual({ ok: false, reason: "not a valid number in GB, and a country code never starts with 0" });
    expect(normalizePhone("07911 123456", { defaultCountry: "GB" })).toMatchObject({ ok: true, phone: "447911123456" });
  });
  it("with a default country, stays what it was for every number written with + or 00", () => {
    const cc = fc.constantFrom(...getCountries());
    fc.assert(
      fc.property(cc, fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 6, maxLength: 14 }), fc.constantFrom("+", "00"), (country, digits, prefix) => {
        expect(normalizePhone(`${prefix}${digits}`, { defaultCountry: country })).toEqual(normalizePhone(`+${digits}`));
      }),
      { numRuns: 1000 },
    );
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

describe("phoneFilterOf (a number typed into the recipients filter)", () => {
  it("is a whole number when the workspace reads it as a national one, else the digits numbers start with", () => {
    expect(phoneFilterOf("(202) 555-0973", { defaultCountry: "US" })).toEqual({ whole: "12025550973", startsWith: "12025550973" });
    expect(phoneFilterOf("(202) 555-0973")).toEqual({ whole: null, startsWith: "2025550973" });
    expect(phoneFilterOf("07911 123457", { defaultCountry: "GB" })).toEqual({ whole: "447911123457", startsWith: "447911123457" });
    // a part of a national number: its trunk 0 stands for the country code
    expect(phoneFilterOf("07911", { defaultCountry: "GB" })).toEqual({ whole: null, startsWith: "447911" });
    expect(phoneFilterOf("0151", { defaultCountry: "DE" })).toEqual({ whole: null, startsWith: "49151" });
    // written with + or 00: the digits as they are, whatever the default country
    expect(phoneFilterOf("+44 7911", { defaultCountry: "US" })).toEqual({ whole: null, startsWith: "447911" });
    expect(phoneFilterOf("0044 7911", { defaultCountry: "GB" })).toEqual({ whole: null, startsWith: "447911" });
    expect(phoneFilterOf("Maria")).toBeNull();
    expect(phoneFilterOf("+")).toBeNull();
  });
});

describe("a phone number sent as a JSON number", () => {
  it("is read when it is a whole positive number, never by dropping a decimal point or a minus sign", () => {
    expect(normalizePhone(14694652751)).toMatchObject({ ok: true, phone: "14694652751" });
    for (const n of [1469465275.1, -14694652751, 1e21, Number.NaN, 0]) {
      expect(normalizePhone(n)).toEqual({ ok: false, reason: "not a whole positive number: send the phone number as a string" });
    }
  });
});

import { describe, expect, it } from "vitest";
import { isPhoneHeader, isSeparatorLine, mapCustomerRecords, mapHeader } from "./customer-csv";

describe("customer CSV headers", () => {
  it("the phone column is found however a spreadsheet names it (recipient uploads use the same match)", () => {
    for (const h of ["phone", "Phone Number", " PHONE-NUMBER ", "\uFEFFphone", "whatsapp_phone", "WhatsApp Phone", "Mobile", "number"]) {
      expect(isPhoneHeader(h), h).toBe(true);
    }
    for (const h of ["name", "phones", "tel", ""]) expect(isPhoneHeader(h), h).toBe(false);
    expect(mapHeader(["Name", "Phone Number"])).toEqual({ ok: true, columns: [{ index: 0, field: "name", header: "Name" }, { index: 1, field: "phone", header: "Phone Number" }], width: 2 });
  });

  it("reads past a customers export's own columns, so an exported file imports as it is; a misspelt column is still refused", () => {
    const header = ["phone", "name", "attributes.points", "other_attributes", "subscription_source", "subscription_changed_at", "undeliverable_since", "created_at"];
    expect(mapHeader(header)).toEqual({
      ok: true, width: 8,
      columns: [{ index: 0, field: "phone", header: "phone" }, { index: 1, field: "name", header: "name" }, { index: 2, field: "attributes.points", header: "attributes.points" }],
    });
    expect(mapHeader(["phone", "created"]).ok).toBe(false);
    expect(mapHeader(["phone", "attributes.a.b"]).ok).toBe(false);
  });

  it("refuses a row with more values than the header (an unquoted comma), and takes empty trailing cells", () => {
    const header = mapHeader(["phone", "name", "customer_tier", "city"]);
    if (!header.ok) throw new Error("header");
    const shifted = mapCustomerRecords(header, [["+14155550161", "Doe", " Jane", "premium", "Austin"]]);
    expect(shifted.rows).toEqual([]);
    expect(shifted.errors).toEqual([{ line: 2, column: "(row)", value: "Austin", message: '5 values where the header has 4 columns: put a value that contains a comma in double quotes ("Doe, Jane")' }]);
    const trailing = mapCustomerRecords(header, [["+14155550161", "Jane Doe", "premium", "Austin", "", " "]]);
    expect(trailing.errors).toEqual([]);
    expect(trailing.rows).toEqual([{ phone: "+14155550161", name: "Jane Doe", customer_tier: "premium", city: "Austin" }]);
  });

  it("counts valid numbers written without + or 00 (read with their country code first), with the first as an example", () => {
    const header = mapHeader(["phone"]);
    if (!header.ok) throw new Error("header");
    const r = mapCustomerRecords(header, [["+1 202 555 0100"], ["2025559095"], ["0044 20 7946 0958"], ["(202) 555-0973"]]);
    expect(r.errorCount).toBe(0);
    expect(r.unprefixed).toEqual({ count: 2, example: { line: 3, value: "2025559095", phone: "2025559095", country: "EG" }, national: { count: 0, example: null } });
  });

  it("reads them in the workspace's default country when it has one, and gives each row its number with its +", () => {
    const header = mapHeader(["phone"]);
    if (!header.ok) throw new Error("header");
    const r = mapCustomerRecords(header, [["+1 202 555 0100"], ["2025559095"], ["0044 20 7946 0958"], ["(202) 555-0973"]], 2, new Map(), { defaultCountry: "US" });
    expect(r.rows.map((row) => row.phone)).toEqual(["+12025550100", "+12025559095", "+442079460958", "+12025550973"]);
    expect(r.unprefixed).toEqual({ count: 0, example: null, national: { count: 2, example: { line: 3, value: "2025559095", phone: "12025559095", country: "US" } } });
    // with a default country, a number that is not one of its numbers is still read by its country code, and flagged
    const mixed = mapCustomerRecords(header, [["07911 123456"], ["2025559095"]], 2, new Map(), { defaultCountry: "GB" });
    expect(mixed.unprefixed).toEqual({
      count: 1, example: { line: 3, value: "2025559095", phone: "2025559095", country: "EG" },
      national: { count: 1, example: { line: 2, value: "07911 123456", phone: "447911123456", country: "GG" } },
    });
    // the same number written both ways is one customer: the second is refused by line
    const twice = mapCustomerRecords(header, [["+1 202 555 0100"], ["202 555 0100"]], 2, new Map(), { defaultCountry: "US" });
    expect(twice.errors).toEqual([{ line: 3, column: "phone", value: "202 555 0100", message: "the same number as line 2" }]);
  });

  it("knows Excel's sep= line above the header, however the delimiter split it", () => {
    expect(isSeparatorLine(["sep=;"])).toBe(true);
    expect(isSeparatorLine(["sep=", ""])).toBe(true);
    expect(isSeparatorLine([" SEP=, "])).toBe(true);
    expect(isSeparatorLine(["sep=;", "phone"])).toBe(false);
    expect(isSeparatorLine(["phone", "name"])).toBe(false);
    expect(isSeparatorLine(undefined)).toBe(false);
  });
});

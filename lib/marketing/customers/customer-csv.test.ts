import { describe, expect, it } from "vitest";
import { isPhoneHeader, mapHeader } from "./customer-csv";

describe("customer CSV headers", () => {
  it("the phone column is found however a spreadsheet names it (recipient uploads use the same match)", () => {
    for (const h of ["phone", "Phone Number", " PHONE-NUMBER ", "\uFEFFphone", "whatsapp_phone", "WhatsApp Phone", "Mobile", "number"]) {
      expect(isPhoneHeader(h), h).toBe(true);
    }
    for (const h of ["name", "phones", "tel", ""]) expect(isPhoneHeader(h), h).toBe(false);
    expect(mapHeader(["Name", "Phone Number"])).toEqual({ ok: true, columns: [{ index: 0, field: "name", header: "Name" }, { index: 1, field: "phone", header: "Phone Number" }] });
  });
});

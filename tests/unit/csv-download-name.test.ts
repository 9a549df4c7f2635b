import { describe, expect, it } from "vitest";
import { attachment } from "@/lib/http/csv-download";
import { recipientsCsvFileName } from "@/lib/marketing/recipients/recipients-csv-file-name";

describe("a recipients CSV's download name", () => {
  it("keeps the campaign's letters in any script, accents dropped", () => {
    expect(recipientsCsvFileName("Été/Sale “quoted”")).toBe("ete-sale-quoted-recipients.csv");
    expect(recipientsCsvFileName("Summer Sale 2026")).toBe("summer-sale-2026-recipients.csv");
    expect(recipientsCsvFileName("Καλοκαίρι 2026")).toBe("καλοκαιρι-2026-recipients.csv");
    expect(recipientsCsvFileName("!!!")).toBe("campaign-recipients.csv");
    expect(recipientsCsvFileName(`${"a".repeat(59)} b`)).toBe(`${"a".repeat(59)}-recipients.csv`);
  });

  it("is sent as itself with an ASCII fallback (RFC 6266)", () => {
    expect(attachment("summer-sale-recipients.csv")).toBe('attachment; filename="summer-sale-recipients.csv"');
    expect(attachment("καλοκαιρι-recipients.csv")).toBe(`attachment; filename="_________-recipients.csv"; filename*=UTF-8''${encodeURIComponent("καλοκαιρι-recipients.csv")}`);
  });
});

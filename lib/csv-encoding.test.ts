import { describe, expect, it } from "vitest";
import { csvEncodingOf, csvFileEncoding, readCsvText } from "./csv-encoding";

const utf16le = (s: string) => new Uint8Array([0xff, 0xfe, ...[...s].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
const utf16be = (s: string) => new Uint8Array([0xfe, 0xff, ...[...s].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff])]);

describe("CSV encoding", () => {
  it("reads UTF-16 files (Excel's Unicode Text) by their byte-order mark, without the mark or NUL bytes", async () => {
    const csv = "phone\tname\r\n+12025550100\tZoë\r\n";
    for (const bytes of [utf16le(csv), utf16be(csv)]) {
      const file = new Blob([bytes]);
      expect(await csvFileEncoding(file)).toMatch(/^utf-16/);
      expect(await readCsvText(file)).toBe(csv);
    }
  });

  it("reads UTF-8 with or without a byte-order mark", async () => {
    const csv = "phone,name\n+12025550100,Zoë\n";
    const plain = new TextEncoder().encode(csv);
    expect(csvEncodingOf(plain)).toBe("utf-8");
    expect(await readCsvText(new Blob([plain]))).toBe(csv);
    expect(await readCsvText(new Blob([new Uint8Array([0xef, 0xbb, 0xbf]), plain]))).toBe(csv);
    expect(csvEncodingOf(new Uint8Array())).toBe("utf-8");
  });
});

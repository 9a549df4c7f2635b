/**
 * The text encoding of a CSV file a person uploads, from its byte-order mark. Spreadsheets save CSV as UTF-8
 * (with or without a BOM), but Excel's "Unicode Text" and some CRMs' exports are UTF-16, which read as UTF-8
 * is a NUL byte before every character. Used by the browser's streaming parse and by the server alike.
 */
export type CsvEncoding = "utf-8" | "utf-16le" | "utf-16be";

export function csvEncodingOf(head: Uint8Array): CsvEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  return "utf-8";
}

/**
 * Why an uploaded file is not CSV at all, from its first bytes, or null: a spreadsheet workbook (.xlsx and
 * .ods are zip files, an old .xls an OLE2 file) saved under a .csv name would otherwise read as garbage.
 */
export function notCsvReason(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0xd0, 0xcf, 0x11, 0xe0)) {
    return "This is a spreadsheet workbook (Excel or similar), not a CSV file: save it as CSV UTF-8 (in Excel: File › Save As › CSV UTF-8) and import that file.";
  }
  return null;
}

/** Why the file is not CSV, from its first bytes (notCsvReason), or null. */
export async function fileNotCsvReason(file: Blob): Promise<string | null> {
  return notCsvReason(new Uint8Array(await file.slice(0, 4).arrayBuffer()));
}

/** The encoding of an uploaded file (its first bytes are read). */
export async function csvFileEncoding(file: Blob): Promise<CsvEncoding> {
  return csvEncodingOf(new Uint8Array(await file.slice(0, 2).arrayBuffer()));
}

/** An uploaded file's text in its own encoding, without its byte-order mark. */
export async function readCsvText(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return new TextDecoder(csvEncodingOf(bytes)).decode(bytes);
}

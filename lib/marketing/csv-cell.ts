/**
 * One value as a cell of the dashboard's CSV exports (recipients, customers), for spreadsheets: a date in
 * ISO 8601, quoted when it must be, and a value a spreadsheet would run as a formula (=, +, -, @, tab,
 * carriage return first) neutralised with a leading apostrophe — not a phone number such as +447911123456
 * or a masked +12•••••••01, which is none.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = v instanceof Date ? v.toISOString() : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) && !/^\+[0-9•]+$/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

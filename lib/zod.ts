/**
 * zod, as every module of the app imports it (ESLint forbids importing "zod" anywhere else).
 *
 * zod compiles fast parsers with `new Function`, after probing once whether eval is allowed. In the browser
 * the CSP forbids eval, so that probe would be reported as a violation on every page that parses with zod
 * (the template preview, the template editors). There it runs jitless: plain parsing is fast enough for
 * forms. The server is not under the CSP and keeps the fast parsers. Configured here, where the browser's
 * first zod import happens, instead of in the root layout: pages that do not parse with zod do not load it.
 *
 * Its default messages are written for developers ("Too small: expected string to have >=1 characters");
 * people read them beside the dashboard's fields and integrators in the API's error details, so the common
 * ones are said plainly here. A message a schema gives itself still wins.
 */
import { z } from "zod";

if (typeof window !== "undefined") z.config({ jitless: true });

const n = (v: number | bigint) => v.toLocaleString("en-US");
const EXPECTED: Record<string, string> = {
  string: "text", number: "a number", int: "a whole number", boolean: "true or false", array: "a list", object: "an object", date: "a date",
};

/** Plain messages for the issues people meet most; undefined keeps zod's own. */
export function plainIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      // null: an emptied field a form sends as null (a number field), or an API value left out as null
      if (issue.input === undefined || issue.input === null) return "Required";
      return `Expected ${EXPECTED[issue.expected] ?? issue.expected}`;
    case "too_small": {
      const min = issue.minimum;
      if (issue.origin === "string") return Number(min) <= 1 ? "Required" : `At least ${n(min)} characters`;
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") return issue.inclusive === false ? `More than ${n(min)}` : `At least ${n(min)}`;
      if (issue.origin === "array" || issue.origin === "set") return `At least ${n(min)} ${Number(min) === 1 ? "item" : "items"}`;
      return undefined;
    }
    case "too_big": {
      const max = issue.maximum;
      if (issue.origin === "string") return `At most ${n(max)} characters`;
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") return issue.inclusive === false ? `Less than ${n(max)}` : `At most ${n(max)}`;
      if (issue.origin === "array" || issue.origin === "set") return `At most ${n(max)} ${Number(max) === 1 ? "item" : "items"}`;
      return undefined;
    }
    case "invalid_format":
      // "Invalid URL" says neither what is wrong nor what is wanted
      if (issue.format === "url") return "Not a URL: write the whole web address, like https://shop.example.com/page";
      return undefined;
    default:
      return undefined;
  }
}

z.config({ customError: plainIssueMessage });

export { z };

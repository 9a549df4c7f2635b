/**
 * zod, as every module of the app imports it (ESLint forbids importing "zod" anywhere else).
 *
 * zod compiles fast parsers with `new Function`, after probing once whether eval is allowed. In the browser
 * the CSP forbids eval, so that probe would be reported as a violation on every page that parses with zod
 * (the template preview, the template editors). There it runs jitless: plain parsing is fast enough for
 * forms. The server is not under the CSP and keeps the fast parsers. Configured here, where the browser's
 * first zod import happens, instead of in the root layout: pages that do not parse with zod do not load it.
 */
import { z } from "zod";

if (typeof window !== "undefined") z.config({ jitless: true });

export { z };

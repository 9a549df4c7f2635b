"use client";

import { z } from "zod";

// zod compiles fast parsers with `new Function` after probing whether eval is allowed; the CSP forbids
// eval, so the probe would be reported as a violation on every page that validates a form. Plain parsing
// is fast enough for forms. Browser only: the server is not under the CSP and keeps the fast parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

export function ZodJitless() {
  return null;
}

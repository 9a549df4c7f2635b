/**
 * Issue 7: every value that reaches SQL is a bound parameter. Application code (app/, lib/ — not the
 * generated client) never builds SQL text from strings: no $queryRawUnsafe / $executeRawUnsafe, no
 * Prisma.raw / Prisma.sql.raw, no string concatenation handed to a raw query. Tagged templates
 * (`$queryRaw\`…${value}\``, Prisma.sql) bind every interpolated value.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "generated" || entry.name === "node_modules") continue;
      out.push(...sources(p));
    } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) out.push(p);
  }
  return out;
}

describe("SQL safety", () => {
  const files = [...sources(path.join(ROOT, "lib")), ...sources(path.join(ROOT, "app"))];
  it("scans the application code", () => {
    expect(files.length).toBeGreaterThan(50);
  });
  it("never builds SQL text from strings", () => {
    const offenders: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, "utf8");
      for (const [re, why] of [
        [/\$(query|execute)RawUnsafe\s*\(/, "raw-unsafe query"],
        [/Prisma\.raw\s*\(|\bsql\.raw\s*\(|Prisma\.sql\.raw/, "Prisma.raw"],
        [/\$(query|execute)Raw\s*\(\s*[`'"]/, "raw query called with a plain string"],
        [/\$(query|execute)Raw\s*\(\s*[a-zA-Z_]+\s*\+/, "raw query called with a concatenation"],
      ] as const) {
        if (re.test(text)) offenders.push(`${path.relative(ROOT, f)}: ${why}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

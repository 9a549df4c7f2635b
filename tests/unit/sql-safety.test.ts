/**
 * Every value that reaches SQL is a bound parameter. The rule lives in eslint.config.mjs
 * (no-restricted-syntax over lib/, app/, components/ and scripts/), so `npm run lint` enforces it on
 * every file; this checks that the rule refuses each way of building SQL text from strings and lets the
 * tagged, bound forms through.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: ROOT });

async function sqlErrors(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, "lib/marketing/sql-safety-example.ts") });
  return result.messages.filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.message);
}

const prelude = `import { Prisma } from "@/lib/generated/prisma/client";\ndeclare const db: { $queryRaw: (...a: unknown[]) => unknown; $executeRaw: (...a: unknown[]) => unknown; $queryRawUnsafe: (...a: unknown[]) => unknown; $executeRawUnsafe: (...a: unknown[]) => unknown };\ndeclare const id: string;\n`;

describe("SQL safety (ESLint rule)", { timeout: 30_000 }, () => {
  // loading the config (Next.js and typescript-eslint plugins) takes seconds the first time
  beforeAll(() => sqlErrors(prelude), 120_000);

  it.each([
    ["raw-unsafe query", "db.$queryRawUnsafe(`SELECT * FROM t WHERE id = '${id}'`);"],
    ["raw-unsafe statement", "db.$executeRawUnsafe('DELETE FROM t');"],
    ["Prisma.raw", "db.$queryRaw(Prisma.sql`SELECT ${Prisma.raw(id)}`);"],
    ["a plain string", "db.$queryRaw('SELECT 1');"],
    ["an untagged template", "db.$executeRaw(`DELETE FROM t WHERE id = ${id}`);"],
    ["a concatenation", "db.$queryRaw('SELECT * FROM t WHERE id = ' + id);"],
  ])("refuses %s", async (_what, line) => {
    expect(await sqlErrors(prelude + line)).toHaveLength(1);
  });

  it("lets tagged, bound queries through", async () => {
    const ok = ["db.$queryRaw`SELECT * FROM t WHERE id = ${id}`;", "db.$executeRaw(Prisma.sql`DELETE FROM t WHERE id = ${id}`);", "db.$queryRaw(Prisma.sql`SELECT 1 ${Prisma.empty}`);"];
    expect(await sqlErrors(prelude + ok.join("\n"))).toEqual([]);
  });
});

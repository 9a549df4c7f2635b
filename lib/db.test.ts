import { describe, expect, it } from "vitest";
import { hotStatementNamer } from "./db";

describe("hotStatementNamer", () => {
  it("names a text from its third run on, always the same name, another text another", () => {
    const name = hotStatementNamer();
    const a = { sql: "SELECT 1 WHERE $1::int = 1" };
    const b = { sql: "SELECT 2 WHERE $1::int = 1" };
    expect([name(a), name(a)]).toEqual([undefined, undefined]);
    const first = name(a);
    expect(first).toMatch(/^wac_[0-9a-f]{24}$/);
    expect(name(a)).toBe(first);
    expect([name(b), name(b), name(b)].at(-1)).not.toBe(first);
  });

  it("prepares at most `limit` texts; the rest run unnamed, and the named ones keep their names", () => {
    const name = hotStatementNamer(2);
    const run = (sql: string) => [name({ sql }), name({ sql }), name({ sql })].at(-1);
    const one = run("SELECT 1");
    const two = run("SELECT 2");
    expect(one).toBeDefined();
    expect(two).toBeDefined();
    expect(run("SELECT 3")).toBeUndefined();
    expect(name({ sql: "SELECT 1" })).toBe(one);
  });
});

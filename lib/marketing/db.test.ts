import { describe, expect, it } from "vitest";
import { Prisma, isRetryableDbError, pgErrorCode, withRetry } from "./db";

/**
 * What Prisma 6.19 with the PrismaPg adapter throws for a raw query PostgreSQL failed with a deadlock (seen
 * in CI: "Raw query failed. Code: `40P01`"; the shape as a real failed query has it, tests/integration/db-errors.test.ts).
 */
const rawQueryDeadlock = () => new Prisma.PrismaClientKnownRequestError("Raw query failed. Code: `40P01`. Message: `deadlock detected`", {
  code: "P2010", clientVersion: "6.19.0",
  meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode: "40P01", originalMessage: "deadlock detected", kind: "postgres", code: "40P01" } } },
});

describe("pgErrorCode", () => {
  it("reads the SQLSTATE of a failed raw query (Prisma's P2010), not Prisma's own code", () => {
    expect(pgErrorCode(rawQueryDeadlock())).toBe("40P01");
    expect(isRetryableDbError(rawQueryDeadlock())).toBe(true);
  });

  it("reads a driver error's code and a cause's originalCode; PL/pgSQL's P0001 is a SQLSTATE", () => {
    expect(pgErrorCode(Object.assign(new Error("x"), { code: "40001" }))).toBe("40001");
    expect(pgErrorCode({ code: "P2010", meta: { code: "40001", message: "could not serialize access" } })).toBe("40001");
    expect(pgErrorCode(new Error("x", { cause: { originalCode: "23505" } }))).toBe("23505");
    expect(pgErrorCode(Object.assign(new Error("raise"), { code: "P0001" }))).toBe("P0001");
    expect(pgErrorCode(new Prisma.PrismaClientKnownRequestError("not found", { code: "P2025", clientVersion: "6.19.0" }))).toBeUndefined();
  });
});

describe("withRetry", () => {
  it("runs a unit of work again after a deadlock in a raw query", async () => {
    let calls = 0;
    const value = await withRetry(async () => {
      calls++;
      if (calls < 3) throw rawQueryDeadlock();
      return "done";
    });
    expect({ value, calls }).toEqual({ value: "done", calls: 3 });
  });
});

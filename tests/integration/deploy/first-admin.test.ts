/**
 * The first admin of a fresh deployment: created from ADMIN_EMAIL / ADMIN_PASSWORD while no user exists,
 * exactly once even when several instances start together, never with a short password.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/lib/db";
import { verifyPassword } from "@/lib/marketing/auth/passwords";
import type { Db } from "@/lib/marketing/db";
import { AppError } from "@/lib/marketing/errors";
import { ensureFirstAdmin } from "@/lib/marketing/users/ensure-first-admin";
import { createTestDb, type TestDb } from "../../support/db";

let t: TestDb;
const extra: Db[] = [];
const now = new Date("2026-03-02T10:00:00Z");
const PASSWORD = "correct-horse-battery";

beforeAll(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.db.auditLog.deleteMany();
  await t.db.user.deleteMany();
});
afterAll(async () => {
  await Promise.all(extra.map((d) => d.$disconnect()));
  await t.drop();
});

describe("ensureFirstAdmin", () => {
  it("creates the admin in an empty workspace (email lower-cased, password hashed, audited)", async () => {
    const result = await ensureFirstAdmin({ db: t.db, now, email: "  Owner@Example.COM ", password: PASSWORD });
    expect(result).toMatchObject({ created: true, email: "owner@example.com" });
    const users = await t.db.user.findMany();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: "owner@example.com", role: "admin", disabled: false });
    expect(await verifyPassword(users[0].passwordHash!, PASSWORD)).toBe(true);
    const entries = await t.db.auditLog.findMany({ where: { action: "user.create" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: "system", entityId: users[0].id });
  });

  it("two instances starting together (separate connections) create one user", async () => {
    const a = createDb(t.url, { max: 2 });
    const b = createDb(t.url, { max: 2 });
    extra.push(a, b);
    const results = await Promise.all([
      ensureFirstAdmin({ db: a, now, email: "owner@example.com", password: PASSWORD }),
      ensureFirstAdmin({ db: b, now, email: "owner@example.com", password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await t.db.user.count()).toBe(1);
  });

  it("two instances configured with different emails still create only one user", async () => {
    const a = createDb(t.url, { max: 2 });
    const b = createDb(t.url, { max: 2 });
    extra.push(a, b);
    await Promise.all([
      ensureFirstAdmin({ db: a, now, email: "one@example.com", password: PASSWORD }),
      ensureFirstAdmin({ db: b, now, email: "two@example.com", password: PASSWORD }),
    ]);
    expect(await t.db.user.count()).toBe(1);
  });

  it("does nothing once anyone exists, even with other variables later", async () => {
    await ensureFirstAdmin({ db: t.db, now, email: "owner@example.com", password: PASSWORD });
    const again = await ensureFirstAdmin({ db: t.db, now, email: "someone-else@example.com", password: "another-long-password" });
    expect(again).toEqual({ created: false });
    const users = await t.db.user.findMany();
    expect(users.map((u) => u.email)).toEqual(["owner@example.com"]);
    expect(await verifyPassword(users[0].passwordHash!, PASSWORD)).toBe(true);
  });

  it("a password under 12 characters or a bad email is a clear error and creates nobody", async () => {
    const short = ensureFirstAdmin({ db: t.db, now, email: "owner@example.com", password: "elevenchars" });
    await expect(short).rejects.toBeInstanceOf(AppError);
    await expect(short).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: "The first admin cannot be created: ADMIN_PASSWORD: at least 12 characters." });
    await expect(ensureFirstAdmin({ db: t.db, now, email: "not-an-email", password: PASSWORD })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("ADMIN_EMAIL"),
    });
    await expect(ensureFirstAdmin({ db: t.db, now, email: undefined, password: undefined })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await t.db.user.count()).toBe(0);
  });
});

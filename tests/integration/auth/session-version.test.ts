/**
 * A new password or role ends the user's sessions signed before it: the session's version (set at
 * sign-in) no longer matches the user's, and every request with it is treated as signed out.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", async (importOriginal) => (await import("../support/routes")).sessionAwareNextAuth(importOriginal));

import { SECRETS } from "../support/secrets-env";
import { encode } from "next-auth/jwt";
import { setupEngineTest, type EngineTest } from "../engine/support";
import { callRoute, loadRoutes, SESSION_COOKIE, type RouteFile } from "../support/routes";
import type { Principal } from "@/lib/marketing/auth/api-tokens";
import { authenticateUser } from "@/lib/marketing/auth/login";
import { hashPassword } from "@/lib/marketing/auth/passwords";
import { updateUser } from "@/lib/marketing/users/users";

let e: EngineTest;
let route: RouteFile;
beforeAll(async () => {
  e = await setupEngineTest();
  route = (await loadRoutes()).find((r) => r.file === "app/api/marketing/campaigns/route.ts")!;
});
afterAll(async () => e?.stop());

async function cookieFor(user: { id: string; email: string; role: string; sessionVersion: number }) {
  const token = await encode({ secret: SECRETS.AUTH_SECRET, token: { sub: user.id, uid: user.id, email: user.email, role: user.role, sv: user.sessionVersion } });
  return `${SESSION_COOKIE}=${token}`;
}
const get = (cookie: string) => callRoute(route, { method: "GET", headers: { cookie } });

describe("session versions", () => {
  it("a password or role change ends the user's earlier sessions; a new sign-in works", async () => {
    const now = new Date("2026-01-10T10:00:00Z");
    const admin = await e.db.user.create({ data: { email: "boss@example.com", passwordHash: await hashPassword("boss-password-123"), role: "admin" } });
    await e.db.user.create({ data: { email: "staff@example.com", passwordHash: await hashPassword("old-password-123"), role: "marketer" } });
    const staff = (await authenticateUser({ db: e.db, email: "staff@example.com", password: "old-password-123", clientKey: "192.0.2.5", now }))!;
    expect(staff.sessionVersion).toBe(0);
    const before = await cookieFor(staff);
    expect((await get(before)).status).toBe(200);

    const actor: Principal = { kind: "user", id: admin.id, role: "admin", actor: `user:${admin.id}`, email: admin.email };
    await updateUser({ db: e.db, now, actor, userId: staff.id, input: { password: "new-password-456" } });
    expect((await get(before)).status).toBe(401);

    const again = (await authenticateUser({ db: e.db, email: "staff@example.com", password: "new-password-456", clientKey: "192.0.2.5", now }))!;
    expect(again.sessionVersion).toBe(1);
    const after = await cookieFor(again);
    expect((await get(after)).status).toBe(200);

    // a role change ends it too; setting the role it already has changes nothing
    await updateUser({ db: e.db, now, actor, userId: staff.id, input: { role: "viewer" } });
    expect((await get(after)).status).toBe(401);
    const viewer = await e.db.user.findUniqueOrThrow({ where: { id: staff.id } });
    expect(viewer.sessionVersion).toBe(2);
    await updateUser({ db: e.db, now, actor, userId: staff.id, input: { role: "viewer" } });
    expect((await e.db.user.findUniqueOrThrow({ where: { id: staff.id } })).sessionVersion).toBe(2);
    expect((await get(await cookieFor({ ...viewer, role: "viewer" }))).status).toBe(200);
  });
});

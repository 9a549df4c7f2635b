/**
 * Role checks on every server action. Every 'use server' file under app/ is found by search;
 * (1) every exported action calls requireActionUser(<permission>) before doing anything else, and (2)
 * called as a viewer or signed out, every mutating action is refused with a message and writes nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/navigation", () => ({ redirect: (url: string) => { throw new Error(`redirect ${url}`); }, notFound: () => { throw new Error("notFound"); } }));
vi.mock("@/lib/auth", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth")>();
  return { ...real, getCurrentUser: async () => (globalThis as unknown as { __actionUser?: unknown }).__actionUser ?? null };
});

import "../support/secrets-env";
import { setupEngineTest, type EngineTest } from "../engine/support";
import { logFigures, ROOT } from "../support/routes";
import { installWriteCounter, writeCount } from "../support/write-counter";
import { can } from "@/lib/marketing/users/permissions";

type Action = (...args: unknown[]) => Promise<unknown>;

function findUseServerFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findUseServerFiles(p));
    else if (/\.(ts|tsx)$/.test(entry.name) && /^\s*["']use server["']/.test(fs.readFileSync(p, "utf8"))) out.push(p);
  }
  return out.sort();
}

/** exported function name → its source text and the permission it requires */
function exportedActions(source: string) {
  const starts = [...source.matchAll(/^export (async function|const|function|let) (\w+)/gm)];
  return starts.map((m, i) => {
    const body = source.slice(m.index!, i + 1 < starts.length ? starts[i + 1].index : undefined);
    const perm = /requireActionUser\(\s*"(view|change|manage)"\s*\)/.exec(body)?.[1] ?? null;
    const before = perm ? body.slice(0, body.indexOf("requireActionUser(")) : body;
    return { name: m[2], kind: m[1], permission: perm as "view" | "change" | "manage" | null, touchesDataFirst: /getDb\(|\.\$transaction|formData\.get\(/.test(before) };
  });
}

let e: EngineTest;
const files = findUseServerFiles(path.join(ROOT, "app"));
const g = globalThis as unknown as { __actionUser?: unknown };
let calls = 0;

beforeAll(async () => {
  e = await setupEngineTest();
  await installWriteCounter(e.db);
});
afterAll(async () => {
  logFigures("server-actions", { files: files.length, calls });
  await e?.stop();
});

describe("server actions", () => {
  it("are found, and every exported one is an async function that calls requireActionUser first", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const actions = exportedActions(fs.readFileSync(f, "utf8"));
      expect(actions.length, f).toBeGreaterThan(0);
      for (const a of actions) {
        const where = `${path.relative(ROOT, f)}: ${a.name}`;
        expect(a.kind, where).toBe("async function");
        expect(a.permission, `${where} does not call requireActionUser("view" | "change" | "manage")`).not.toBeNull();
        expect(a.touchesDataFirst, `${where} reads data before requireActionUser`).toBe(false);
      }
    }
  });

  it("refuse a viewer (mutations) and a signed-out visitor (everything), writing nothing", async () => {
    const viewer = await e.db.user.create({ data: { email: "viewer-actions@example.com", passwordHash: "x", role: "viewer" } });
    const form = new FormData();
    for (const [k, v] of Object.entries({ name: "x", role: "admin", email: "new@example.com", password: "a-long-password-123", campaignId: "", payload: "{}" })) form.set(k, v);
    form.set("file", new File(["phone\n15550000001\n"], "c.csv", { type: "text/csv" }));
    for (const who of [{ id: viewer.id, email: viewer.email, name: null, role: "viewer" }, null]) {
      g.__actionUser = who;
      for (const f of files) {
        const mod = (await import(/* @vite-ignore */ f)) as Record<string, Action>;
        for (const a of exportedActions(fs.readFileSync(f, "utf8"))) {
          const where = `${path.relative(ROOT, f)}: ${a.name} as ${who ? "viewer" : "signed out"}`;
          const before = await writeCount(e.db);
          // the arguments do not matter: the role check comes first (FormData-style and positional alike)
          const args = a.name.match(/^(import|saveCampaign|createApiToken|createUser|saveSending)/) ? [undefined, form].slice(a.name.startsWith("import") ? 1 : 0) : ["00000000-0000-4000-8000-000000000000", form];
          calls++;
          const result = (await mod[a.name](...args)) as { ok?: boolean; message?: string; count?: number | null };
          expect(await writeCount(e.db), `${where} wrote`).toBe(before);
          const allowed = who !== null && can("viewer", a.permission!);
          if (allowed) continue; // a read a viewer may do
          if ("count" in result) expect(result.count, where).toBeNull();
          else {
            expect(result.ok, where).toBe(false);
            expect(result.message, where).toMatch(who ? /view but not change|Only admins/ : /Sign in/);
          }
        }
      }
    }
    g.__actionUser = undefined;
  });

  it("the permission matrix: viewers view; marketers change; admins manage", () => {
    expect([can("viewer", "view"), can("viewer", "change"), can("viewer", "manage")]).toEqual([true, false, false]);
    expect([can("marketer", "view"), can("marketer", "change"), can("marketer", "manage")]).toEqual([true, true, false]);
    expect([can("admin", "view"), can("admin", "change"), can("admin", "manage")]).toEqual([true, true, true]);
  });
});

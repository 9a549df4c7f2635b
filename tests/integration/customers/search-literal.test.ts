/**
 * Searches put the user's text into a LIKE pattern (Prisma's `contains` / `startsWith` do not escape it):
 * `%`, `_` and `\` are matched as the characters they are, and a text ending in `\` is a search like any
 * other, not a broken pattern (PostgreSQL: "LIKE pattern must not end with escape character", a 500).
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { withEngineTest, type EngineTest } from "../engine/support";
import { findCustomers } from "@/lib/marketing/customers/find-customers";
import { listTemplates } from "@/lib/marketing/templates/list-templates";

let e: EngineTest;
withEngineTest({}, (engine) => {
  e = engine;
});

describe("search text is matched literally", () => {
  it("customers: % _ and a trailing \\ in q", async () => {
    await e.db.userProfile.createMany({
      data: [
        { whatsappPhone: "15551230001", name: "Ann 50% off" },
        { whatsappPhone: "15551230002", name: "Ann 50 pct off" },
        { whatsappPhone: "15551230003", name: "Bob_Smith" },
        { whatsappPhone: "15551230004", name: "BobXSmith" },
        { whatsappPhone: "15551230005", name: "C:\\path\\" },
      ],
    });
    const names = async (q: string) => (await findCustomers({ db: e.db, query: { q }, role: "admin" })).customers.map((c) => c.name).sort();
    expect(await names("50%")).toEqual(["Ann 50% off"]);
    expect(await names("Bob_")).toEqual(["Bob_Smith"]);
    expect(await names("path\\")).toEqual(["C:\\path\\"]);
    expect(await names("\\")).toEqual(["C:\\path\\"]);
    expect(await names("%")).toEqual(["Ann 50% off"]);
  });

  it("customers: the city filter is an exact, case-insensitive match of its text, % _ and \\ included", async () => {
    await e.db.userProfile.createMany({
      data: [
        { whatsappPhone: "15551230011", name: "Paris", city: "Paris" },
        { whatsappPhone: "15551230012", name: "Pa_is", city: "Pa_is" },
        { whatsappPhone: "15551230013", name: "backslash", city: "Back\\" },
      ],
    });
    const names = async (city: string) => (await findCustomers({ db: e.db, query: { city }, role: "admin" })).customers.map((c) => c.name).sort();
    expect(await names("paris")).toEqual(["Paris"]);
    expect(await names("Pa_is")).toEqual(["Pa_is"]);
    expect(await names("%")).toEqual([]);
    expect(await names("\\")).toEqual([]);
    expect(await names("back\\")).toEqual(["backslash"]);
  });

  it("templates: a search ending in \\ or holding % finds nothing instead of failing", async () => {
    await e.db.whatsappTemplate.createMany({
      data: [
        { name: "summer_sale", language: "en_US", category: "MARKETING", status: "APPROVED", components: [] },
        { name: "summerxsale", language: "en_US", category: "MARKETING", status: "APPROVED", components: [] },
      ],
    });
    const names = async (search: string) => (await listTemplates({ db: e.db, api: null, query: { search } })).templates.map((t) => t.name).sort();
    // a space stands for the names' underscore, and only for it
    expect(await names("summer sale")).toEqual(["summer_sale"]);
    expect(await names("summer\\")).toEqual([]);
    expect(await names("%sale")).toEqual([]);
  });
});

/**
 * Text PostgreSQL cannot store (the NUL character, lone surrogates) is refused where it comes in, with the
 * field named, and nothing is written; where it still reaches the database, the answer is a clear 422, never
 * a 500. Customer CSV files flag such a cell by line.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, withEngineTest, type EngineTest } from "../engine/support";
import { campaign, campaigns, customers, templates } from "./routes";
import { toErrorResponse } from "@/lib/http/api-route";
import { readPayload } from "@/app/(dashboard)/_lib/action-state";
import { AppError } from "@/lib/marketing/errors";
import { mapCustomerRecords, mapHeader } from "@/lib/marketing/customers/customer-csv";
import { UNSTORABLE_TEXT_MESSAGE } from "@/lib/marketing/text";

let e: EngineTest;
withEngineTest({ clock: "2025-01-10T10:00:00Z" }, (engine) => {
  e = engine;
});

const NUL = "\u0000";

describe("text the database cannot store", () => {
  it("a NUL character in a body's text is a 422 naming the field, and nothing is written", async () => {
    const created = await call(campaigns.POST, { body: { name: `Summer${NUL}Sale`, template_name: "summer_sale_promo" } });
    expect(created.status).toBe(422);
    expect(created.body.error).toEqual({ code: "VALIDATION_FAILED", message: "Some values are invalid.", details: [{ path: "name", message: UNSTORABLE_TEXT_MESSAGE }] });
    expect(await e.db.marketingCampaign.count()).toBe(0);

    const imported = await call(customers.POST, { body: { customers: [{ phone: "+12025550100", name: "Ann" }, { phone: "+12025550101", name: "Bob", tags: ["vip", `x${NUL}`] }] } });
    expect(imported.status).toBe(422);
    expect(imported.body.error.details).toEqual([{ path: "customers.1.tags.1", message: UNSTORABLE_TEXT_MESSAGE }]);
    expect(await e.db.userProfile.count()).toBe(0);

    const draft = await call(campaigns.POST, { body: { name: "Summer Sale", template_name: "summer_sale_promo" } });
    expect(draft.status).toBe(201);
    const patched = await call(campaign.PATCH, { method: "PATCH", params: { campaignId: draft.body.id }, body: { target_audience: { city: `New${NUL}York` } } });
    expect(patched.status).toBe(422);
    expect(patched.body.error.details[0].path).toBe("target_audience.city");
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: draft.body.id } })).targetAudience).toEqual({});
  });

  it("a NUL character in a query parameter is a 422 naming the parameter", async () => {
    for (const [handler, name] of [[customers.GET, "q"], [customers.GET, "city"], [templates.GET, "search"]] as const) {
      const r = await call(handler, { query: { [name]: `a${NUL}b` } });
      expect(r.status, name).toBe(422);
      expect(r.body.error.details).toEqual([{ path: name, message: UNSTORABLE_TEXT_MESSAGE }]);
    }
  });

  it("a lone surrogate stays a 400: the body is not valid Unicode", async () => {
    const r = await call(campaigns.POST, { rawBody: '{"name":"\\ud800","template_name":"summer_sale_promo"}' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("INVALID_JSON");
  });

  it("PostgreSQL's own refusal of such text (22021, 22P05) answers 422, not 500", async () => {
    for (const sql of [`SELECT $1::text`, `SELECT $1::jsonb`]) {
      const error = await e.db.$queryRawUnsafe(sql, sql.endsWith("jsonb") ? '{"a":"\\u0000"}' : `a${NUL}b`).catch((x: unknown) => x);
      const res = toErrorResponse(error, "req-1");
      expect(res.status, sql).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    }
  });

  it("a dashboard form's payload with a NUL character is refused beside its field", () => {
    const form = new FormData();
    form.set("payload", JSON.stringify({ name: "ok", target_audience: { tags: ["a", `b${NUL}`] } }));
    const thrown = (() => {
      try {
        readPayload(form);
      } catch (x) {
        return x;
      }
    })();
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).details).toEqual([{ path: "target_audience.tags.1", message: UNSTORABLE_TEXT_MESSAGE }]);
    form.set("payload", JSON.stringify({ name: "Zoë 👩‍👩‍👧‍👦" }));
    expect(readPayload(form)).toEqual({ name: "Zoë 👩‍👩‍👧‍👦" });
  });

  it("a customer CSV cell with a NUL character is an error on its line", () => {
    const header = mapHeader(["phone", "name"]);
    if (!header.ok) throw new Error("header");
    const result = mapCustomerRecords(header, [["+12025550100", "Ann"], ["+12025550101", `B${NUL}o${NUL}b`]]);
    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([{ line: 3, column: "name", value: "B␀o␀b", message: expect.stringContaining("NUL character") }]);
  });
});

/**
 * The spec's example requests against the demo workspace (what `npm run dev` loads): its createCampaign body
 * as it is (summer_sale_promo with an image header and the discount, its target audience), recipients by
 * that audience and activation on a start date. Someone following the guide's steps against the demo gets an
 * active campaign, not a 422 or NO_RECIPIENTS. (Sending it is the spec-example test's: offline, the Cloud API
 * client here could not fetch the example's banner link to upload it.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, setClock, setupEngineTest, type EngineTest } from "../engine/support";
import { activate, campaigns, recipients, stats } from "./routes";
import { OPERATIONS } from "@/lib/http/openapi/operations";
import { seedDemo } from "@/lib/demo/seed-demo";
import { createSandboxTemplatesApi } from "@/lib/whatsapp/templates/sandbox-templates";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";

vi.mock("server-only", () => ({}));

let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest();
  setClock("2025-01-10T09:00:00Z");
  (globalThis as unknown as { __templatesApi?: TemplatesApi | null }).__templatesApi = createSandboxTemplatesApi();
  await seedDemo({ db: e.db, now: new Date(), timezone: "UTC", customers: 300, guard: { env: {}, argv: [] } });
});
afterAll(async () => e?.stop());

describe("the spec's example, step by step, against the demo", () => {
  it("creates the campaign from the example body, adds its audience and activates it", async () => {
    const body = OPERATIONS.find((o) => o.operationId === "createCampaign")?.body?.example as Record<string, unknown>;
    const created = await call(campaigns.POST, { body });
    expect(created).toMatchObject({ status: 201, body: { status: "draft", template_name: "summer_sale_promo", template_verified: true } });
    const id = created.body.id as string;

    const added = await call(recipients.POST, { params: { campaignId: id }, query: { use_target_audience: "true" } });
    expect(added.status).toBe(200);
    expect(added.body.recipients_added).toBeGreaterThanOrEqual(50);

    const activated = await call(activate.POST, { params: { campaignId: id }, query: { start_date: "2025-01-15" } });
    expect(activated).toMatchObject({ status: 200, body: { status: "active", recipients_scheduled: added.body.recipients_added, daily_limit: 250, estimated_days: 1 } });

    const s = await call(stats.GET, { params: { campaignId: id } });
    expect(s.body).toMatchObject({ status: "active", total_target: added.body.recipients_added, pending: added.body.recipients_added });
  });
});

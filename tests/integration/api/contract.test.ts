/**
 * Contract: every documented operation is called through its route handler, and every answer (successes and
 * errors) matches the response schema the OpenAPI document gives for that status.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { MISSING_ID as MISSING, seedCustomers, withEngineTest, type EngineTest } from "../engine/support";
import { request, type Answer } from "./support";
import { contractErrors, DOCUMENTED } from "./contract";
import { activate, alerts, alertsRead, campaign, campaigns, cancel, customer, customers, customerUndeliverable, deliveries, endpointRoute, endpoints, endpointTest, followUp, health, openapi, pause, processDaily, recipients, releaseHold, resend, resume, retryUnknown, sending, stats, templates, templatesSync, testSend } from "./routes";

let e: EngineTest;
withEngineTest({ clock: "2025-01-10T10:00:00Z" }, (engine) => {
  e = engine;
});

const exercised = new Set<string>();

/** Calls the handler, checks the answer against the document, and records the operation as exercised. */
async function op(handler: unknown, method: string, path: string, opts: { params?: Record<string, string>; body?: unknown; query?: Record<string, string> } = {}): Promise<Answer> {
  const concrete = path.replace(/\{(\w+)\}/g, (_, k: string) => opts.params?.[k] ?? k);
  const a = await request(handler, { method: method.toUpperCase(), path: concrete, ...opts });
  expect(contractErrors(method, path, a.status, a.body), `${method} ${path} → ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`).toEqual([]);
  expect(a.headers.get("x-request-id")).toBeTruthy();
  exercised.add(`${method} ${path}`);
  return a;
}

const C = "/api/marketing/campaigns/{campaignId}";

describe("every operation answers what the document says", () => {
  it("the document itself", async () => {
    const r = await op(openapi.GET, "get", "/api/marketing/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
  });

  it("campaign lifecycle, recipients and stats", async () => {
    await seedCustomers(e.db, 5, { tier: "premium", base: 15550000000 });
    expect((await op(customers.POST, "post", "/api/marketing/customers", { body: { customers: [{ phone: "+14155550101", name: "Ada", tags: ["vip"] }] } })).status).toBe(200);
    const list = await op(customers.GET, "get", "/api/marketing/customers", { query: { limit: "3" } });
    expect(list.body.customers.length).toBe(3);
    expect((await op(customers.GET, "get", "/api/marketing/customers", { query: { limit: "0" } })).status).toBe(422);

    const created = await op(campaigns.POST, "post", "/api/marketing/campaigns", { body: { name: "Contract", template_name: "summer_sale_promo", target_audience: { customer_tier: "premium" } } });
    expect(created.status).toBe(201);
    expect((await op(campaigns.POST, "post", "/api/marketing/campaigns", { body: { name: "" } })).status).toBe(422);
    const id = created.body.id as string;
    const params = { campaignId: id };
    expect((await op(campaigns.GET, "get", "/api/marketing/campaigns")).status).toBe(200);
    expect((await op(campaign.GET, "get", C, { params })).status).toBe(200);
    expect((await op(campaign.GET, "get", C, { params: { campaignId: MISSING } })).status).toBe(404);
    // a campaign whose template was never checked (older data, the demo seed): still a boolean
    const unchecked = await e.db.marketingCampaign.create({ data: { name: "Unchecked", templateName: "summer_sale_promo" } });
    expect((await op(campaign.GET, "get", C, { params: { campaignId: unchecked.id } })).body.template_verified).toBe(false);
    await e.db.marketingCampaign.delete({ where: { id: unchecked.id } });
    expect((await op(campaign.PATCH, "patch", C, { params, body: { priority: 7 } })).status).toBe(200);
    expect((await op(recipients.POST, "post", `${C}/recipients`, { params, query: { use_target_audience: "true" } })).status).toBe(200);
    expect((await op(recipients.POST, "post", `${C}/recipients`, { params, body: { phone_numbers: ["14155550101", "not a phone"] } })).status).toBe(200);
    expect((await op(recipients.GET, "get", `${C}/recipients`, { params })).body.total).toBe(6);
    expect((await op(testSend.POST, "post", `${C}/test-send`, { params, body: { phone_numbers: ["14155550101"] } })).status).toBe(200);
    expect((await op(activate.POST, "post", `${C}/activate`, { params, query: { start_date: "2025-01-10" } })).status).toBe(200);
    expect((await op(activate.POST, "post", `${C}/activate`, { params })).status).toBe(409);
    expect((await op(pause.POST, "post", `${C}/pause`, { params })).status).toBe(200);
    expect((await op(pause.POST, "post", `${C}/pause`, { params })).status).toBe(409);
    expect((await op(resume.POST, "post", `${C}/resume`, { params })).status).toBe(200);
    const retry = await op(retryUnknown.POST, "post", `${C}/retry-unknown`, { params });
    expect([200, 409]).toContain(retry.status);
    expect((await op(processDaily.POST, "post", "/api/marketing/process-daily")).status).toBe(200);
    expect((await op(processDaily.GET, "get", "/api/marketing/process-daily", { query: { date: "2025-01-10" } })).status).toBe(200);
    expect((await op(stats.GET, "get", `${C}/stats`, { params })).status).toBe(200);
    const outcomes = await op(followUp.GET, "get", `${C}/follow-up`, { params });
    expect(outcomes.body.outcomes.not_delivered).toBeGreaterThan(0);
    expect((await op(followUp.GET, "get", `${C}/follow-up`, { params: { campaignId: MISSING } })).status).toBe(404);
    expect((await op(followUp.POST, "post", `${C}/follow-up`, { params, body: { outcome: "not_delivered", name: "Contract follow-up", template_name: "summer_sale_promo" } })).status).toBe(201);
    expect((await op(followUp.POST, "post", `${C}/follow-up`, { params, body: { outcome: "opened", name: "x", template_name: "summer_sale_promo" } })).status).toBe(422);
    const second = await op(campaigns.POST, "post", "/api/marketing/campaigns", { body: { name: "Contract 2", template_name: "summer_sale_promo" } });
    expect((await op(cancel.POST, "post", `${C}/cancel`, { params: { campaignId: second.body.id } })).status).toBe(200);
    const someone = list.body.customers[0].id as string;
    expect((await op(customerUndeliverable.DELETE, "delete", "/api/marketing/customers/{customerId}/undeliverable", { params: { customerId: someone } })).body)
      .toMatchObject({ changed: false });
    expect((await op(customer.DELETE, "delete", "/api/marketing/customers/{customerId}", { params: { customerId: someone } })).status).toBe(200);
  });

  it("templates, settings, health and alerts", async () => {
    expect((await op(templates.GET, "get", "/api/marketing/templates")).status).toBe(200);
    const sync = await op(templatesSync.POST, "post", "/api/marketing/templates/sync");
    expect([200, 503]).toContain(sync.status);
    expect((await op(sending.GET, "get", "/api/marketing/settings/sending")).status).toBe(200);
    expect((await op(sending.PATCH, "patch", "/api/marketing/settings/sending", { body: { require_test_send: false } })).status).toBe(200);
    expect((await op(sending.PATCH, "patch", "/api/marketing/settings/sending", { body: { frequency_cap: "daily" } })).status).toBe(422);
    expect((await op(health.GET, "get", "/api/marketing/health")).status).toBe(200);
    expect((await op(releaseHold.POST, "post", "/api/marketing/health/release-hold")).status).toBe(200);
    expect((await op(alerts.GET, "get", "/api/marketing/alerts", { query: { unread: "true" } })).status).toBe(200);
    expect((await op(alertsRead.POST, "post", "/api/marketing/alerts/read", { body: { all: true } })).status).toBe(200);
  });

  it("webhook endpoints and their delivery log", async () => {
    const W = "/api/marketing/webhook-endpoints";
    // nothing listens on port 9 of loopback: deliveries fail, which is also a documented answer
    expect((await op(endpoints.POST, "post", W, { body: { url: "http://127.0.0.1:9/x", event_types: ["campaign.paused"] } })).status).toBe(422);
    const made = await op(endpoints.POST, "post", W, { body: { url: "http://127.0.0.1:9/x", event_types: ["campaign.paused"], allow_private_network: true } });
    expect(made.status).toBe(201);
    const params = { endpointId: made.body.id as string };
    expect((await op(endpoints.GET, "get", W)).body.endpoints.length).toBe(1);
    expect((await op(endpointRoute.GET, "get", `${W}/{endpointId}`, { params })).status).toBe(200);
    expect((await op(endpointRoute.GET, "get", `${W}/{endpointId}`, { params: { endpointId: MISSING } })).status).toBe(404);
    expect((await op(endpointRoute.PATCH, "patch", `${W}/{endpointId}`, { params, body: { event_types: ["campaign.paused", "campaign.completed"] } })).status).toBe(200);
    const sent = await op(endpointTest.POST, "post", `${W}/{endpointId}/test`, { params });
    expect(sent.body).toMatchObject({ event_type: "endpoint.test", status: "pending", attempts: 1 });
    const log = await op(deliveries.GET, "get", `${W}/{endpointId}/deliveries`, { params, query: { limit: "10" } });
    expect(log.body.deliveries.length).toBe(1);
    expect((await op(deliveries.GET, "get", `${W}/{endpointId}/deliveries`, { params, query: { cursor: "x" } })).status).toBe(422);
    const again = await op(resend.POST, "post", `${W}/{endpointId}/deliveries/{deliveryId}/retry`, { params: { ...params, deliveryId: log.body.deliveries[0].id } });
    expect(again.body).toMatchObject({ status: "pending", attempts: 2 });
    expect((await op(endpointRoute.DELETE, "delete", `${W}/{endpointId}`, { params })).status).toBe(200);
  });

  it("no documented operation was left out", () => {
    expect(DOCUMENTED.filter((d) => !exercised.has(d))).toEqual([]);
  });
});

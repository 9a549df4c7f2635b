/**
 * The OpenAPI document is valid OpenAPI 3.1 and documents every route under app/api/marketing.
 */
import fs from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ApiReference, type ReferenceDocument } from "@/components/api-reference/api-reference";
import { buildOpenApiDocument } from "@/lib/http/openapi/document";
import { EVENT_TYPES } from "@/lib/marketing/events/event-types";

const API_DIR = path.resolve(import.meta.dirname, "../../app/api/marketing");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** Every route file and the HTTP methods it exports, as "post /api/marketing/campaigns/{campaignId}/pause". */
function routeOperations(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const source = fs.readFileSync(full, "utf8");
        const routePath = "/" + path.relative(path.resolve(API_DIR, "../.."), dir).split(path.sep).join("/").replace(/\[(\w+)\]/g, "{$1}");
        for (const m of METHODS) {
          if (new RegExp(`export\\s+(const|async\\s+function|function)\\s+${m}\\b|export\\s*\\{[^}]*\\b${m}\\b`).test(source)) out.push(`${m.toLowerCase()} ${routePath}`);
        }
      }
    }
  };
  walk(API_DIR);
  return out.sort();
}

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument();

  it("validates as OpenAPI 3.1", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("documents every method of every route file under app/api/marketing, and nothing else", () => {
    const routes = routeOperations();
    expect(routes.length).toBeGreaterThan(20);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).sort();
    expect(routes.filter((r) => !documented.includes(r)), "route methods without a documented operation").toEqual([]);
    expect(documented.filter((d) => !routes.includes(d)), "documented operations without a route").toEqual([]);
  });

  it("has unique operation ids, an Idempotency-Key parameter on every POST, and the spec's create example", () => {
    const ops = Object.values(doc.paths).flatMap((p) => Object.entries(p)) as Array<[string, { operationId: string; parameters: Array<{ name: string }> }]>;
    const ids = ops.map(([, o]) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [method, o] of ops) {
      if (method === "post") expect(o.parameters.map((p) => p.name), o.operationId).toContain("Idempotency-Key");
    }
    const create = doc.paths["/api/marketing/campaigns"].post as { requestBody: { content: { "application/json": { example: { name: string } } } } };
    expect(create.requestBody.content["application/json"].example.name).toBe("Summer Sale 2025");
    expect(Object.keys(doc.webhooks)).toEqual(expect.arrayContaining([...EVENT_TYPES]));
    // each event documents its own data (the integration test holds real events to these schemas)
    const body = (type: string) => (doc.webhooks as unknown as Record<string, { post: { requestBody: { content: { "application/json": { schema: { properties: { type: unknown; data: { properties: Record<string, unknown> } } } } } } } }>)[type]
      .post.requestBody.content["application/json"].schema.properties;
    expect(body("reply.received").type).toEqual({ type: "string", const: "reply.received" });
    expect(Object.keys(body("reply.received").data.properties)).toEqual(expect.arrayContaining(["campaign_id", "phone_number", "body", "received_at"]));
    expect(Object.keys(body("campaign.cancelled").data.properties)).toEqual(expect.arrayContaining(["campaign_id", "status", "previous_status"]));
  });

  it("documents the answers every operation may give: 401 (TOKEN_EXPIRED too), 429 with the rate headers, 400/413 for a body, 403 for a viewer's change", () => {
    type Op = { operationId: string; description?: string; requestBody?: unknown; responses: Record<string, { description: string; headers: Record<string, unknown> }> };
    const ops = Object.values(doc.paths).flatMap((p) => Object.entries(p)) as Array<[string, Op]>;
    for (const [method, o] of ops) {
      const statuses = Object.keys(o.responses);
      expect(statuses, o.operationId).toEqual(expect.arrayContaining(["401", "429"]));
      expect(o.responses["401"].description, o.operationId).toMatch(/TOKEN_EXPIRED/);
      expect(Object.keys(o.responses["429"].headers), o.operationId).toEqual(expect.arrayContaining(["Retry-After", "X-RateLimit-Remaining", "X-RateLimit-Reset"]));
      expect(Object.keys(o.responses["200"] ?? o.responses["201"]).length, o.operationId).toBeGreaterThan(0);
      if (o.requestBody) expect(statuses, o.operationId).toEqual(expect.arrayContaining(["400", "413"]));
      // an Idempotency-Key still in use, or used with another request
      if (method === "post") {
        expect(o.responses["409"]?.description, o.operationId).toMatch(/IDEMPOTENCY_KEY_IN_PROGRESS/);
        expect(o.responses["422"]?.description, o.operationId).toMatch(/IDEMPOTENCY_KEY_REUSED/);
      }
      if (method !== "get" && o.operationId !== "runDailyProcessing") {
        expect(statuses, o.operationId).toContain("403");
        expect(o.description ?? "", o.operationId).toMatch(/Viewer tokens get 403|Admins only/);
      }
    }
    const testSend = doc.paths["/api/marketing/campaigns/{campaignId}/test-send"].post as Op;
    expect(testSend.responses["429"].description).toMatch(/TEST_SEND_LIMIT_REACHED/);
    expect(testSend.responses["409"].description).toMatch(/SEND_HOLD/);
    expect((doc.paths["/api/marketing/campaigns/{campaignId}/activate"].post as Op).responses["409"].description).toMatch(/TEST_SEND_REQUIRED/);
  });

  it("renders as the dashboard's reference page: every operation, its parameters, the schemas and the spec's examples", () => {
    const html = renderToStaticMarkup(createElement(ApiReference, { doc: doc as unknown as ReferenceDocument }));
    for (const ops of Object.values(doc.paths)) {
      for (const o of Object.values(ops) as Array<{ operationId: string }>) expect(html).toContain(`id="${o.operationId}"`);
    }
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    expect(html).toContain("Idempotency-Key");
    for (const type of EVENT_TYPES) expect(html).toContain(`id="event-${type}"`);
    expect(html).toContain("use_target_audience");
    // an operation's own response headers (the campaign list's cursor), not the ones every answer carries
    expect(html).toContain("X-Next-Cursor</span> header");
    expect(html).not.toContain("X-RateLimit-Remaining</span> header");
    expect(html).toContain("Campaign activated. Sending 250 messages/day starting 2025-01-15");
    expect(html).not.toMatch(/<script|https?:\/\/cdn/);
  });

  it("makes every example's code block reachable by keyboard, each named after its operation (they scroll sideways on phones)", () => {
    const html = renderToStaticMarkup(createElement(ApiReference, { doc: doc as unknown as ReferenceDocument }));
    const blocks = [...html.matchAll(/<details[^>]*data-testid="api-example"[^>]*>.*?<\/summary>(<pre[^>]*>)/gs)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(10);
    const labels = blocks.map((pre) => {
      expect(pre).toContain('tabindex="0"');
      return /aria-label="([^"]*)"/.exec(pre)?.[1];
    });
    expect(labels).toContain("Example request for Create a campaign (starts as a draft)");
    for (const label of labels) expect(label).toMatch(/^Example (request|\d{3} response) for \S/);
    // a screen reader's list of them tells each apart
    expect(new Set(labels).size).toBe(labels.length);
  });
});

/**
 * The fake Graph API refuses what Meta refuses, with Meta's codes and HTTP statuses: tests that pass
 * against it send what Meta would accept.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeGraphApi, type FakeGraphApi, type FakeTemplate } from "../../support/fake-graph-api";

const TEMPLATES: FakeTemplate[] = [
  {
    name: "sale", language: "en_US", status: "APPROVED", category: "MARKETING",
    components: [
      { type: "HEADER", format: "TEXT", text: "Hello {{1}}" },
      { type: "BODY", text: "{{1}} off until {{2}}" },
      { type: "BUTTONS", buttons: [{ type: "URL", text: "Shop", url: "https://x.example/{{1}}" }, { type: "QUICK_REPLY", text: "Stop" }] },
    ],
  },
  { name: "doc", language: "en_US", status: "APPROVED", category: "UTILITY", components: [{ type: "HEADER", format: "DOCUMENT" }, { type: "BODY", text: "Your invoice" }] },
  { name: "paused_one", language: "en_US", status: "PAUSED", category: "MARKETING", components: [{ type: "BODY", text: "Hi" }] },
  { name: "pending_one", language: "en_US", status: "PENDING", category: "MARKETING", components: [{ type: "BODY", text: "Hi" }] },
];

let graph: FakeGraphApi;
beforeAll(async () => {
  graph = await startFakeGraphApi({ templates: TEMPLATES });
});
afterAll(async () => graph.stop());
beforeEach(() => graph.reset());

async function post(path: string, body: unknown, token: string | null = "t") {
  const res = await fetch(`${graph.url}/v23.0/${path}`, {
    method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: number; error_data: { details: string } }; contacts?: Array<{ wa_id: string }>; id?: string } };
}

const OK_COMPONENTS = [
  { type: "header", parameters: [{ type: "text", text: "Ana" }] },
  { type: "body", parameters: [{ type: "text", text: "30%" }, { type: "text", text: "Friday" }] },
  { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "ana" }] },
];
const send = (template: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ messaging_product: "whatsapp", recipient_type: "individual", to: "+44 7700 900123", type: "template", template, ...extra });
const sale = (components: unknown[]) => send({ name: "sale", language: { code: "en_US", policy: "deterministic" }, components });

describe("the strict fake Graph API", () => {
  it("accepts a send that matches the approved template and answers the normalised wa_id", async () => {
    const r = await post("1/messages", sale(OK_COMPONENTS));
    expect(r.status).toBe(200);
    expect(r.body.contacts).toEqual([{ input: "+44 7700 900123", wa_id: "447700900123" }]);
  });

  it.each([
    ["an unknown template", send({ name: "nope", language: { code: "en_US" } }), 404, 132001],
    ["another language", send({ name: "sale", language: { code: "fr" } }), 404, 132001],
    ["a paused template", send({ name: "paused_one", language: { code: "en_US" } }), 400, 132015],
    ["a template under review", send({ name: "pending_one", language: { code: "en_US" } }), 404, 132001],
    ["a missing body parameter", sale([OK_COMPONENTS[0], { type: "body", parameters: [{ type: "text", text: "30%" }] }, OK_COMPONENTS[2]]), 400, 132000],
    ["an empty value", sale([OK_COMPONENTS[0], { type: "body", parameters: [{ type: "text", text: "" }, { type: "text", text: "x" }] }, OK_COMPONENTS[2]]), 400, 131008],
    ["a newline in a value", sale([OK_COMPONENTS[0], { type: "body", parameters: [{ type: "text", text: "30%\noff" }, { type: "text", text: "x" }] }, OK_COMPONENTS[2]]), 400, 132018],
    ["a tab in a value", sale([OK_COMPONENTS[0], { type: "body", parameters: [{ type: "text", text: "30%\toff" }, { type: "text", text: "x" }] }, OK_COMPONENTS[2]]), 400, 132018],
    ["four spaces in a value", sale([OK_COMPONENTS[0], { type: "body", parameters: [{ type: "text", text: "30%    off" }, { type: "text", text: "x" }] }, OK_COMPONENTS[2]]), 400, 132018],
    ["a header text over 60", sale([{ type: "header", parameters: [{ type: "text", text: "a".repeat(61) }] }, ...OK_COMPONENTS.slice(1)]), 400, 131009],
    ["an empty parameters array", sale([...OK_COMPONENTS, { type: "button", sub_type: "quick_reply", index: "1", parameters: [] }]), 400, 131009],
    ["a button index the template lacks", sale([...OK_COMPONENTS.slice(0, 2), { type: "button", sub_type: "url", index: "5", parameters: [{ type: "text", text: "a" }] }]), 400, 131009],
    ["a wrong button sub_type", sale([...OK_COMPONENTS.slice(0, 2), { type: "button", sub_type: "quick_reply", index: "0", parameters: [{ type: "payload", payload: "a" }] }]), 400, 131009],
    ["a dynamic URL button left out", sale(OK_COMPONENTS.slice(0, 2)), 400, 132000],
    ["a parameter_name on a positional template", sale([{ type: "header", parameters: [{ type: "text", parameter_name: "x", text: "Ana" }] }, ...OK_COMPONENTS.slice(1)]), 400, 100],
    ["a caption on a template's document", send({ name: "doc", language: { code: "en_US" }, components: [{ type: "header", parameters: [{ type: "document", document: { link: "https://x.example/a.pdf", caption: "c" } }] }] }), 400, 100],
    ["a document by an id never uploaded", send({ name: "doc", language: { code: "en_US" }, components: [{ type: "header", parameters: [{ type: "document", document: { id: "123" } }] }] }), 400, 131053],
    ["an image where the template has a document", send({ name: "doc", language: { code: "en_US" }, components: [{ type: "header", parameters: [{ type: "image", image: { link: "https://x.example/a.png" } }] }] }), 400, 132012],
    ["a language policy other than deterministic", send({ name: "sale", language: { code: "en_US", policy: "fallback" }, components: OK_COMPONENTS }), 400, 100],
    ["product_policy on /messages", { ...sale(OK_COMPONENTS), product_policy: "STRICT" }, 400, 100],
  ])("refuses %s", async (_what, body, status, code) => {
    const r = await post("1/messages", body);
    expect([r.status, r.body.error?.code]).toEqual([status, code]);
  });

  it("answers Meta's HTTP status per error: 401 for 190, 429 for rate limits, 503 for 131016", async () => {
    expect((await post("1/messages", sale(OK_COMPONENTS), null)).status).toBe(401);
    graph.script({ error: { code: 130429, title: "Rate limit hit" }, times: 1 });
    graph.script({ error: { code: 131016, title: "Service unavailable" }, times: 1 });
    expect((await post("1/messages", sale(OK_COMPONENTS))).status).toBe(429);
    expect((await post("1/messages", sale(OK_COMPONENTS))).status).toBe(503);
  });

  it("serves /marketing_messages with product_policy and message_activity_sharing checked", async () => {
    expect((await post("1/marketing_messages", { ...sale(OK_COMPONENTS), product_policy: "STRICT", message_activity_sharing: true })).status).toBe(200);
    expect((await post("1/marketing_messages", { ...sale(OK_COMPONENTS), product_policy: "SOMETIMES" })).body.error?.code).toBe(100);
    expect(graph.sends.map((s) => s.path)).toEqual(["/v23.0/1/marketing_messages", "/v23.0/1/marketing_messages"]);
  });

  it("serves media uploads whose ids a send may use, and template creation (PENDING)", async () => {
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", "application/pdf");
    form.set("file", new Blob(["%PDF"], { type: "application/pdf" }), "invoice.pdf");
    const up = await fetch(`${graph.url}/v23.0/1/media`, { method: "POST", headers: { authorization: "Bearer t" }, body: form });
    const { id } = (await up.json()) as { id: string };
    expect(id).toMatch(/^\d+$/);
    const ok = await post("1/messages", send({ name: "doc", language: { code: "en_US" }, components: [{ type: "header", parameters: [{ type: "document", document: { id, filename: "invoice.pdf" } }] }] }));
    expect(ok.status).toBe(200);

    const created = await post("99/message_templates", { name: "new_offer", language: "en_US", category: "MARKETING", components: [{ type: "BODY", text: "Hi" }] });
    expect(created).toMatchObject({ status: 200, body: { status: "PENDING", category: "MARKETING" } });
    // under review: not sendable yet
    expect((await post("1/messages", send({ name: "new_offer", language: { code: "en_US" } }))).body.error?.code).toBe(132001);
  });
});

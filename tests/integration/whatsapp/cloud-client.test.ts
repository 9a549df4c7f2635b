/**
 * The Cloud API client against a fake Graph API served over HTTP on loopback: exact request bodies,
 * every error class, the throughput cap and timeouts.
 */
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCloudWhatsAppClient } from "@/lib/whatsapp/cloud-client";
import { ZCampaignComponents, type CustomerData, type TCampaignComponents } from "@/lib/whatsapp/components";
import { renderForRecipient } from "@/lib/whatsapp/render-components";
import { LISTED_ERROR_CODES } from "@/lib/whatsapp/errors";
import { createWhatsAppClient } from "@/lib/whatsapp/create-client";
import type { Db } from "@/lib/marketing/db";
import type { SendResult } from "@/lib/whatsapp/types";
import { startFakeGraphApi, type FakeGraphApi } from "../../support/fake-graph-api";

let graph: FakeGraphApi;
beforeAll(async () => {
  graph = await startFakeGraphApi();
});
afterAll(async () => {
  await graph.stop();
});
/** the approved templates these sends use (the fake refuses a send its library does not match) */
const TEMPLATES = [
  {
    name: "spring_sale", language: "en_US", status: "APPROVED", category: "MARKETING",
    components: [
      { type: "HEADER", format: "IMAGE" },
      { type: "BODY", text: "Hi {{1}}, {{2}} off everything over {{3}} until {{4}}." },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Stop promotions" }, { type: "URL", text: "Shop", url: "https://shop.example.com/{{1}}" }, { type: "COPY_CODE", example: "SAVE30" }] },
    ],
  },
  ...["video", "document", "location"].map((kind) => ({ name: `header_${kind}`, language: "en_GB", status: "APPROVED", category: "MARKETING", components: [{ type: "HEADER", format: kind.toUpperCase() }, { type: "BODY", text: "Hello" }] })),
  { name: "header_text", language: "en_GB", status: "APPROVED", category: "MARKETING", components: [{ type: "HEADER", format: "TEXT", text: "News from {{1}}" }, { type: "BODY", text: "Hello" }] },
  { name: "named", language: "en", status: "APPROVED", category: "MARKETING", parameter_format: "NAMED", components: [{ type: "BODY", text: "Hi {{first_name}}" }] },
  { name: "hello_world", language: "en_US", status: "APPROVED", category: "UTILITY", components: [{ type: "BODY", text: "Hello World" }] },
  ...["en", "es"].map((language) => ({ name: "t", language, status: "APPROVED", category: "MARKETING", components: [{ type: "BODY", text: "Hello" }] })),
];
beforeEach(() => {
  graph.reset();
  graph.setTemplates(TEMPLATES);
});

function render(components: TCampaignComponents, customer: CustomerData | null) {
  const r = renderForRecipient(components, customer);
  if (!r.ok) throw new Error(r.reason);
  return r.components;
}

function client(overrides: Partial<Parameters<typeof createCloudWhatsAppClient>[0]> = {}) {
  return createCloudWhatsAppClient({
    apiUrl: graph.url,
    apiVersion: "v23.0",
    phoneNumberId: "106540352242922",
    accessToken: "test-token",
    maxMps: 1000,
    timeoutMs: 2000,
    ...overrides,
  });
}

describe("sending a template", () => {
  it("posts Meta's exact template body for every component type, with per-recipient values", async () => {
    const components = ZCampaignComponents.parse([
      { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/promo.jpg" } }] },
      {
        type: "body",
        parameters: [
          { type: "text", variable: { field: "first_name", fallback: "there" } },
          { type: "text", text: "30%" },
          { type: "currency", currency: { fallback_value: "$100.99", code: "USD", amount_1000: 100990 } },
          { type: "date_time", date_time: { fallback_value: "February 25, 1977" } },
        ],
      },
      { type: "button", sub_type: "quick_reply", index: 0, parameters: [{ type: "payload", payload: "STOP_PROMOTIONS" }] },
      { type: "button", sub_type: "url", index: "1", parameters: [{ type: "text", variable: { field: "attributes.code", fallback: "WELCOME" } }] },
      { type: "button", sub_type: "copy_code", index: 2, parameters: [{ type: "coupon_code", coupon_code: "SAVE30" }] },
    ]);
    const result = await client().sendTemplate({
      to: "14155550123",
      templateName: "spring_sale",
      languageCode: "en_US",
      components: render(components, { name: "Ana María López", attributes: { code: "ANA30" } }),
      bizOpaqueCallbackData: "3f1c0a52-2d8e-4c1b-9d2e-1a2b3c4d5e6f",
    });
    expect(result).toEqual({ ok: true, wamid: graph.wamids[0], waId: "14155550123", messageStatus: null });
    const [req] = graph.sends;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v23.0/106540352242922/messages");
    expect(req.headers.authorization).toBe("Bearer test-token");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "14155550123",
      type: "template",
      template: {
        name: "spring_sale",
        language: { code: "en_US", policy: "deterministic" },
        components: [
          { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/promo.jpg" } }] },
          {
            type: "body",
            parameters: [
              { type: "text", text: "Ana" },
              { type: "text", text: "30%" },
              { type: "currency", currency: { fallback_value: "$100.99", code: "USD", amount_1000: 100990 } },
              { type: "date_time", date_time: { fallback_value: "February 25, 1977" } },
            ],
          },
          { type: "button", sub_type: "quick_reply", index: "0", parameters: [{ type: "payload", payload: "STOP_PROMOTIONS" }] },
          { type: "button", sub_type: "url", index: "1", parameters: [{ type: "text", text: "ANA30" }] },
          { type: "button", sub_type: "copy_code", index: "2", parameters: [{ type: "coupon_code", coupon_code: "SAVE30" }] },
        ],
      },
      biz_opaque_callback_data: "3f1c0a52-2d8e-4c1b-9d2e-1a2b3c4d5e6f",
    });
  });

  it.each([
    ["video", { type: "video", video: { link: "https://cdn.example.com/a.mp4" } }],
    ["document", { type: "document", document: { link: "https://cdn.example.com/a.pdf", filename: "menu.pdf" } }],
    ["text", { type: "text", variable: { field: "city", fallback: "your city" } }],
    ["location", { type: "location", location: { latitude: 37.483307, longitude: 122.148981, name: "Pablo Morales", address: "1 Hacker Way" } }],
  ])("header %s", async (kind, param) => {
    const components = ZCampaignComponents.parse([{ type: "header", parameters: [param] }]);
    await client().sendTemplate({ to: "447700900123", templateName: `header_${kind}`, languageCode: "en_GB", components: render(components, { city: "Leeds" }) });
    const body = graph.sends[0].body as { template: { components: unknown[] } };
    const expected = kind === "text" ? { type: "text", text: "Leeds" } : param;
    expect(body.template.components).toEqual([{ type: "header", parameters: [expected] }]);
  });

  it("sends named parameters with their names, and omits components and callback data when absent", async () => {
    const components = ZCampaignComponents.parse([
      { type: "body", parameters: [{ type: "text", parameter_name: "first_name", variable: { field: "first_name", fallback: "there" } }] },
    ]);
    await client().sendTemplate({ to: "15550001", templateName: "named", languageCode: "en", components: render(components, null) });
    await client().sendTemplate({ to: "15550002", templateName: "hello_world", languageCode: "en_US", components: [] });
    expect((graph.sends[0].body as { template: unknown }).template).toEqual({
      name: "named",
      language: { code: "en", policy: "deterministic" },
      components: [{ type: "body", parameters: [{ type: "text", parameter_name: "first_name", text: "there" }] }],
    });
    expect(graph.sends[1].body).toEqual({
      messaging_product: "whatsapp", recipient_type: "individual", to: "15550002", type: "template",
      template: { name: "hello_world", language: { code: "en_US", policy: "deterministic" } },
    });
  });

  it("records wa_id and message_status", async () => {
    graph.script({ to: "5491155550000", waId: "541155550000", messageStatus: "held_for_quality_assessment" });
    const r = await client().sendTemplate({ to: "5491155550000", templateName: "t", languageCode: "es", components: [] });
    expect(r).toMatchObject({ ok: true, waId: "541155550000", messageStatus: "held_for_quality_assessment" });
  });
});

describe("errors", () => {
  const cases = Object.entries(LISTED_ERROR_CODES).flatMap(([cls, codes]) => codes.filter((c) => c < 200 || c > 299 || c === 200).map((code) => [code, cls] as const));
  it(`classifies every listed code returned by the API (${cases.length} codes)`, async () => {
    const c = client();
    for (const [i, [code]] of cases.entries()) graph.script({ to: String(16000000 + i), error: { code, httpStatus: code === 190 ? 401 : 400, title: "x" } });
    const results = await Promise.all(cases.map((_, i) => c.sendTemplate({ to: String(16000000 + i), templateName: "t", languageCode: "en", components: [] })));
    results.forEach((r, i) => expect([cases[i][0], r.ok ? "ok" : r.errorClass]).toEqual([cases[i][0], cases[i][1]]));
  });

  it("keeps Meta's code, title and details; 131049 waits 24 h", async () => {
    graph.script({ to: "15550003", error: { code: 131026, httpStatus: 400, message: "(#131026) Message Undeliverable.", details: "Message Undeliverable." } });
    graph.script({ to: "15550004", error: { code: 131049, httpStatus: 400, details: "In order to maintain healthy ecosystem engagement, the message failed to be delivered." } });
    const c = client();
    const undeliverable = await c.sendTemplate({ to: "15550003", templateName: "t", languageCode: "en", components: [] });
    expect(undeliverable).toEqual({
      ok: false, errorClass: "permanent", code: 131026, title: "131026 Message undeliverable", details: "Message Undeliverable.", httpStatus: 400,
    });
    const cap = await c.sendTemplate({ to: "15550004", templateName: "t", languageCode: "en", components: [] });
    expect(cap).toMatchObject({ ok: false, errorClass: "meta_cap", code: 131049, retryAfterMs: 24 * 3600 * 1000 });
  });

  it("5xx with an error body → retry; a gateway page without one → ambiguous (503 → retry)", async () => {
    graph.script({ to: "1", error: { code: 131000, httpStatus: 500 } });
    graph.script({ to: "2", raw: { status: 502, body: "<html>Bad gateway</html>" } });
    graph.script({ to: "3", raw: { status: 503, body: "<html>Unavailable</html>" } });
    const c = client();
    const send = (to: string) => c.sendTemplate({ to, templateName: "t", languageCode: "en", components: [] });
    expect(await send("1")).toMatchObject({ ok: false, errorClass: "retry", code: 131000, httpStatus: 500 });
    expect(await send("2")).toMatchObject({ ok: false, errorClass: "ambiguous", code: null, httpStatus: 502 });
    expect(await send("3")).toMatchObject({ ok: false, errorClass: "retry", code: null, httpStatus: 503 });
  });

  it("a connection refused before sending → retry", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const r = await client({ apiUrl: `http://127.0.0.1:${port}` }).sendTemplate({ to: "1", templateName: "t", languageCode: "en", components: [] });
    expect(r).toMatchObject({ ok: false, errorClass: "retry", code: null });
  });

  it("a socket reset after the request went out → ambiguous", async () => {
    graph.script({ to: "15550005", destroy: true });
    const r = await client().sendTemplate({ to: "15550005", templateName: "t", languageCode: "en", components: [] });
    expect(r).toMatchObject({ ok: false, errorClass: "ambiguous", code: null });
    expect(graph.sends).toHaveLength(1);
  });

  it("a timeout mid-batch → ambiguous for that message only, the others are sent", async () => {
    graph.script({ to: "15550012", hang: true });
    const c = client({ timeoutMs: 300 });
    const phones = Array.from({ length: 20 }, (_, i) => String(15550000 + i));
    const results: SendResult[] = await Promise.all(phones.map((to) => c.sendTemplate({ to, templateName: "t", languageCode: "en", components: [] })));
    results.forEach((r, i) => {
      if (phones[i] === "15550012") expect(r).toMatchObject({ ok: false, errorClass: "ambiguous", title: expect.stringContaining("timed out") });
      else expect(r.ok).toBe(true);
    });
    expect(graph.sends).toHaveLength(20);
  });
});

describe("throughput", () => {
  it("starts at most maxMps requests in any second, and reaches the cap with 50–200 ms latency", async () => {
    const maxMps = 40;
    let i = 0;
    const c = client({ maxMps });
    // latency between 50 and 200 ms per request
    for (let k = 0; k < 4; k++) graph.script({ match: (r) => Number(r.to) % 4 === k, latencyMs: 50 + k * 50 });
    const total = 100;
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: total }, () => c.sendTemplate({ to: String(1555000 + i++), templateName: "t", languageCode: "en", components: [] })));
    const elapsed = performance.now() - t0;
    expect(results.every((r) => r.ok)).toBe(true);
    const starts = graph.sends.map((r) => r.startedAt).sort((a, b) => a - b);
    expect(starts).toHaveLength(total);
    // the server sees arrival times with a little jitter: allow 1 extra in a window
    for (let k = 0; k + maxMps + 1 < starts.length; k++) expect(starts[k + maxMps + 1] - starts[k]).toBeGreaterThanOrEqual(1000);
    // ... and the cap is reached: 100 requests at 40/s take about 2.5 s, not 100 × latency
    expect(elapsed).toBeLessThan((total / maxMps) * 1000 + 600);
    expect(elapsed).toBeGreaterThanOrEqual(((total - 1) / maxMps) * 1000);
  });
});

describe("createWhatsAppClient", () => {
  const base = { apiUrl: "https://graph.facebook.com", apiVersion: "v23.0", maxMps: 80, timeoutMs: 15000, db: {} as Db };
  it("is the Cloud API client with an access token, the sandbox without one", () => {
    expect(createWhatsAppClient({ ...base, accessToken: "t", phoneNumberId: "1" }).mode).toBe("cloud");
    expect(createWhatsAppClient(base).mode).toBe("sandbox");
    expect(() => createWhatsAppClient({ ...base, accessToken: "t" })).toThrow(/WHATSAPP_PHONE_NUMBER_ID/);
  });
});

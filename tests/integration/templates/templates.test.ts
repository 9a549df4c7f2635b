/**
 * The template library against a fake Graph API over HTTP on loopback: sync with paging, lookup by name,
 * errors; the checks campaigns go through (TEMPLATE_NOT_FOUND, TEMPLATE_PARAMETERS_MISMATCH,
 * TEMPLATE_NOT_APPROVED, TEST_SEND_REQUIRED, the opt-out warning); test sends and their isolation from
 * counters and limits; template status webhooks pausing campaigns, idempotent and safe out of order.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, seedCustomers, setClock, setupEngineTest, type EngineTest } from "../engine/support";
import * as templatesRoute from "@/app/api/marketing/templates/route";
import * as syncRoute from "@/app/api/marketing/templates/sync/route";
import * as testSendRoute from "@/app/api/marketing/campaigns/[campaignId]/test-send/route";
import { OPERATIONS } from "@/lib/http/openapi/operations";
import * as campaignsRoute from "@/app/api/marketing/campaigns/route";
import * as campaignRoute from "@/app/api/marketing/campaigns/[campaignId]/route";
import * as recipientsRoute from "@/app/api/marketing/campaigns/[campaignId]/recipients/route";
import * as activateRoute from "@/app/api/marketing/campaigns/[campaignId]/activate/route";
import * as resumeRoute from "@/app/api/marketing/campaigns/[campaignId]/resume/route";
import { Prisma } from "@/lib/marketing/db";
import { AppError } from "@/lib/marketing/errors";
import { uniqueUsersReached } from "@/lib/marketing/processing/claim-batch";
import { assertTemplateApproved, assertTestSendDone, checkCampaignTemplate, NOT_CONFIGURED_NOTICE, UNREACHABLE_NOTICE } from "@/lib/marketing/templates/check-campaign-template";
import { OPT_OUT_WARNING } from "@/lib/marketing/templates/opt-out";
import { fillEmptySandboxLibrary, maybeSyncTemplates, syncTemplates } from "@/lib/marketing/templates/sync-templates";
import { seedSandboxTemplates } from "@/lib/marketing/templates/seed-sandbox-templates";
import { getTemplateEditorData } from "@/lib/marketing/templates/template-editor-data";
import { createSandboxTemplatesApi } from "@/lib/whatsapp/templates/sandbox-templates";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { SANDBOX_TEMPLATES, templateQualityPayload, templateStatusPayload } from "@/lib/whatsapp/templates/sandbox-templates";
import { createCloudTemplatesApi, fetchTemplates, TemplatesApiError, type TemplatesApi } from "@/lib/whatsapp/templates/templates-api";

let e: EngineTest;
let api: TemplatesApi;
const WABA = "102290129340398";
const T0 = new Date("2025-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const IMAGE = { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/summer.jpg" } }] };
const PROMO_BODY = { type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }, { type: "text", text: "30%" }] };
const PROMO = [IMAGE, PROMO_BODY];

function setApi(value: TemplatesApi | null) {
  (globalThis as unknown as { __templatesApi?: TemplatesApi | null }).__templatesApi = value;
}

beforeAll(async () => {
  e = await setupEngineTest();
  api = createCloudTemplatesApi({ apiUrl: e.graph.url, apiVersion: "v23.0", businessAccountId: WABA, accessToken: "fake-access-token", limit: 4, timeoutMs: 2000 });
  setApi(api);
  // route handlers read new Date(): keep it before every event time the tests use
  setClock("2025-03-01T09:00:00Z");
});
afterAll(async () => e?.stop());
beforeEach(() => {
  e.graph.reset();
  e.graph.setTemplates(SANDBOX_TEMPLATES as never);
});

async function campaign(data: { templateName?: string; status?: string; components?: unknown; recipients?: string[] } = {}) {
  const c = await e.db.marketingCampaign.create({
    data: { name: `C ${Math.random()}`, templateName: data.templateName ?? "summer_sale_personal", languageCode: "en_US", status: data.status ?? "draft", templateComponents: (data.components ?? PROMO) as object[] },
  });
  if (data.recipients?.length) {
    await e.db.campaignRecipient.createMany({ data: data.recipients.map((p) => ({ campaignId: c.id, phoneNumber: p, scheduledSendDate: new Date("2025-03-02") })) });
  }
  return c;
}
const codeOf = async (p: Promise<unknown>) => p.then(() => "ok", (err: unknown) => (err instanceof AppError ? err.code : String(err)));

describe("reading the library from the Graph API", () => {
  it("follows paging.next to the end, with the documented fields and a limit", async () => {
    const r = await fetchTemplates({ apiUrl: e.graph.url, apiVersion: "v23.0", businessAccountId: WABA, accessToken: "tok", limit: 4 });
    expect(r.templates.map((t) => t.name)).toEqual(SANDBOX_TEMPLATES.map((t) => t.name));
    expect(r.pages).toBe(Math.ceil(SANDBOX_TEMPLATES.length / 4));
    const [first] = e.graph.requests;
    expect(first.path).toBe(`/v23.0/${WABA}/message_templates`);
    expect(first.query.get("fields")).toBe("id,name,language,status,category,components,parameter_format,quality_score");
    expect(first.query.get("limit")).toBe("4");
    expect(first.headers.authorization).toBe("Bearer tok");
    expect(e.graph.requests.every((q) => q.headers.authorization === "Bearer tok")).toBe(true);
  });

  it("looks a template up by name", async () => {
    const found = await api.lookup("member_rewards");
    expect(found.map((t) => [t.name, t.parameter_format, t.quality_score])).toEqual([["member_rewards", "NAMED", "YELLOW"]]);
    expect(e.graph.requests[0].query.get("name")).toBe("member_rewards");
  });

  it("turns Meta errors and unreachable hosts into TemplatesApiError, and a sync into 503", async () => {
    e.graph.script({ error: { code: 190, httpStatus: 401, title: "Invalid OAuth access token" } });
    await expect(api.list()).rejects.toMatchObject({ name: "TemplatesApiError", code: 190, httpStatus: 401 });
    const down = createCloudTemplatesApi({ apiUrl: "http://127.0.0.1:9", apiVersion: "v23.0", businessAccountId: WABA, accessToken: "t", timeoutMs: 500 });
    await expect(down.list()).rejects.toBeInstanceOf(TemplatesApiError);
    await expect(syncTemplates({ db: e.db, now: T0, api: down })).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(syncTemplates({ db: e.db, now: T0, api: null })).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  });
});

describe("sync", () => {
  it("upserts every template in one go, marks vanished ones deleted, revives them, and pauses campaigns whose template stopped being approved", async () => {
    const r = await syncTemplates({ db: e.db, now: T0, api });
    expect(r).toMatchObject({ synced: SANDBOX_TEMPLATES.length, deleted: 0, paused_campaigns: [], source: "cloud" });
    const promo = await e.db.whatsappTemplate.findUniqueOrThrow({ where: { name_language: { name: "summer_sale_personal", language: "en_US" } } });
    expect(promo).toMatchObject({ metaId: "900000000000022", category: "MARKETING", status: "APPROVED", qualityScore: "GREEN", parameterFormat: "POSITIONAL", deleted: false });
    const rejected = await e.db.whatsappTemplate.findUniqueOrThrow({ where: { name_language: { name: "cyber_monday_blast", language: "en_US" } } });
    expect(rejected).toMatchObject({ status: "REJECTED", reason: "PROMOTIONAL" });
    expect((await e.db.setting.findUnique({ where: { id: 1 } }))?.lastTemplateSyncAt).toEqual(T0);

    const active = await campaign({ templateName: "flash_sale", status: "active" });
    e.graph.setTemplates(
      SANDBOX_TEMPLATES.filter((t) => t.name !== "order_receipt").map((t) => (t.name === "flash_sale" ? { ...t, status: "PAUSED" } : t)) as never,
    );
    const again = await syncTemplates({ db: e.db, now: at(60), api });
    expect(again.deleted).toBe(1);
    expect(again.paused_campaigns.map((p) => p.campaign_id)).toEqual([active.id]);
    expect((await e.db.whatsappTemplate.findFirstOrThrow({ where: { name: "order_receipt" } })).deleted).toBe(true);
    const paused = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: active.id } });
    expect(paused).toMatchObject({ status: "paused", pausedBy: "template" });
    expect(paused.pauseReason).toContain("flash_sale (en_US) is PAUSED");

    e.graph.setTemplates(SANDBOX_TEMPLATES as never);
    const third = await syncTemplates({ db: e.db, now: at(120), api });
    expect(third.deleted).toBe(0);
    expect((await e.db.whatsappTemplate.findFirstOrThrow({ where: { name: "order_receipt" } })).deleted).toBe(false);
    expect(await e.db.whatsappTemplate.count()).toBe(SANDBOX_TEMPLATES.length);
  });

  it("maybeSyncTemplates runs at most hourly", async () => {
    await e.db.setting.upsert({ where: { id: 1 }, update: { lastTemplateSyncAt: at(200) }, create: { id: 1, lastTemplateSyncAt: at(200) } });
    expect(await maybeSyncTemplates({ db: e.db, now: at(230), api })).toEqual({ ran: false, reason: "synced recently" });
    expect(e.graph.requests).toHaveLength(0);
    expect(await maybeSyncTemplates({ db: e.db, now: at(261), api })).toMatchObject({ ran: true, synced: SANDBOX_TEMPLATES.length });
    expect(await maybeSyncTemplates({ db: e.db, now: at(262), api: null })).toEqual({ ran: false, reason: "library not configured" });
  });

  it("GET /api/marketing/templates lists with filters and the derived parameters (positional and named); POST sync", async () => {
    const all = await call(templatesRoute.GET, {});
    expect(all.status).toBe(200);
    expect(all.body.library).toMatchObject({ available: true, source: "cloud" });
    expect(all.body.templates).toHaveLength(SANDBOX_TEMPLATES.length);
    const approvedMarketing = await call(templatesRoute.GET, { query: { status: "approved", category: "marketing", search: "member" } });
    expect(approvedMarketing.body.templates.map((t: { name: string }) => t.name)).toEqual(["member_rewards"]);
    const named = approvedMarketing.body.templates[0];
    expect(named.parameters.parameterFormat).toBe("NAMED");
    expect(named.parameters.slots.map((s: { key: string; kind: string }) => `${s.key}:${s.kind}`)).toEqual(["header:text", "body.first_name:text", "body.points:text", "body.tier:text", "button.0:text"]);
    const promo = (await call(templatesRoute.GET, { query: { search: "summer" } })).body.templates[0];
    expect(promo.parameters.slots.map((s: { key: string; kind: string }) => `${s.key}:${s.kind}`)).toEqual(["header:image", "body.1:text", "body.2:text", "button.1:payload"]);
    expect(promo.has_opt_out).toBe(true);
    expect((await call(templatesRoute.GET, { query: { bogus: "1" } })).status).toBe(422);
    // several statuses at once; a status or category that does not exist is refused, not answered with nothing
    const approvedOrRejected = await call(templatesRoute.GET, { query: { status: "approved, REJECTED" } });
    expect(new Set(approvedOrRejected.body.templates.map((t: { status: string }) => t.status))).toEqual(new Set(["APPROVED", "REJECTED"]));
    const bogusStatus = await call(templatesRoute.GET, { query: { status: "approved,bogus" } });
    expect(bogusStatus.status).toBe(422);
    expect(bogusStatus.body.error.details).toEqual([{ path: "status", message: expect.stringContaining("must be ALL or one or more of APPROVED, PENDING") }]);
    expect((await call(templatesRoute.GET, { query: { category: "promo" } })).status).toBe(422);
    // a language without a region is every locale of it; any case
    const extra = [{ name: "promo_uk", language: "en_GB" }, { name: "promo_es", language: "es" }, { name: "promo_eng", language: "eng" }];
    await e.db.whatsappTemplate.createMany({ data: extra.map((t) => ({ ...t, category: "MARKETING", status: "APPROVED" })) });
    const languages = async (language: string) => (await call(templatesRoute.GET, { query: { language } })).body.templates.map((t: { language: string }) => t.language);
    const enUS = SANDBOX_TEMPLATES.filter((t) => t.language === "en_US").length;
    expect(enUS).toBeGreaterThan(0);
    expect((await languages("en")).sort()).toEqual([...Array(enUS).fill("en_US"), "en_GB"].sort());
    expect(await languages("EN_gb")).toEqual(["en_GB"]);
    expect(await languages("es")).toEqual(["es"]);
    expect((await call(templatesRoute.GET, { query: { language: "e%" } })).status).toBe(422);
    await e.db.whatsappTemplate.deleteMany({ where: { name: { in: extra.map((t) => t.name) } } });

    const synced = await call(syncRoute.POST, { method: "POST" });
    expect(synced.status).toBe(200);
    expect(synced.body.synced).toBe(SANDBOX_TEMPLATES.length);
  });
});

describe("campaign checks", () => {
  const check = (templateName: string, components: unknown, a: TemplatesApi | null = api) =>
    checkCampaignTemplate({ db: e.db, now: at(300), api: a, templateName, languageCode: "en_US", components });

  it("TEMPLATE_NOT_FOUND after a lookup by name; an unknown template Meta has is looked up and added", async () => {
    const err = await check("no_such_template", []).catch((x: AppError) => x);
    expect(err).toMatchObject({ code: "TEMPLATE_NOT_FOUND", status: 422 });
    expect(e.graph.requests.map((r) => r.query.get("name"))).toEqual(["no_such_template"]);

    e.graph.setTemplates([...(SANDBOX_TEMPLATES as never[]), { id: "77", name: "brand_new", language: "en_US", status: "APPROVED", category: "MARKETING", components: [{ type: "BODY", text: "Hi! Reply STOP to opt out." }] }] as never);
    const r = await check("brand_new", []);
    expect(r).toMatchObject({ verified: true, warnings: [] });
    expect(await e.db.whatsappTemplate.count({ where: { name: "brand_new" } })).toBe(1);
    // wrong language → not found, naming the languages that exist
    const lang = await checkCampaignTemplate({ db: e.db, now: at(300), api, templateName: "brand_new", languageCode: "fr", components: [] }).catch((x: AppError) => x);
    expect(lang).toMatchObject({ code: "TEMPLATE_NOT_FOUND", details: { available_languages: ["en_US"] } });
  });

  it("TEMPLATE_PARAMETERS_MISMATCH names each problem", async () => {
    const err = (await check("summer_sale_personal", [{ type: "header", parameters: [{ type: "image", image: {} }] }, { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "30%" }, { type: "text", text: "x" }] }]).catch((x: AppError) => x)) as AppError;
    expect(err.code).toBe("TEMPLATE_PARAMETERS_MISMATCH");
    expect(err.details).toEqual([
      { path: "template_components.0.parameters.0", message: "the header image needs a link (an https URL of the image)" },
      { path: "template_components.1.parameters.2", message: "extra body value #3: the template's body has only {{1}}, {{2}}" },
    ]);
    const named = (await check("member_rewards", [{ type: "body", parameters: [{ type: "text", text: "x" }] }]).catch((x: AppError) => x)) as AppError;
    expect(named.code).toBe("TEMPLATE_PARAMETERS_MISMATCH");
    expect((named.details as Array<{ message: string }>).map((d) => d.message)).toContain("missing body variable {{points}}");
  });

  it("verified, with the opt-out warning for a MARKETING template without one; unverified when the library is unavailable", async () => {
    expect(await check("summer_sale_personal", PROMO)).toMatchObject({ verified: true, warnings: [] });
    expect((await check("vip_early_access", PROMO)).warnings).toEqual([OPT_OUT_WARNING]);
    expect(await check("anything_at_all", PROMO, null)).toMatchObject({ verified: false, warnings: [NOT_CONFIGURED_NOTICE] });
    e.graph.script({ error: { code: 2, httpStatus: 503, title: "Service temporarily unavailable" } });
    expect(await check("not_in_library_yet", PROMO)).toMatchObject({ verified: false, warnings: [UNREACHABLE_NOTICE] });
  });

  it("TEMPLATE_NOT_APPROVED with the status and reason", async () => {
    const approve = (name: string) => assertTemplateApproved({ db: e.db, now: at(300), api, templateName: name, languageCode: "en_US" });
    expect(await approve("summer_sale_personal")).toEqual({ verified: true });
    const rejected = await approve("cyber_monday_blast").catch((x: AppError) => x);
    expect(rejected).toMatchObject({ code: "TEMPLATE_NOT_APPROVED", status: 422, details: { status: "REJECTED", reason: "PROMOTIONAL" } });
    expect(await codeOf(approve("black_friday_preview"))).toBe("TEMPLATE_NOT_APPROVED");
    expect(await assertTemplateApproved({ db: e.db, now: at(300), api: null, templateName: "x", languageCode: "en_US" })).toEqual({ verified: false });
  });
});

describe("test sends", () => {
  it("sends to 1–10 numbers with each customer's values or the fallbacks, refuses unsubscribed numbers, and touches no counter, schedule, analytics row or daily limit", async () => {
    await seedCustomers(e.db, 3, { base: 14155550100 });
    await e.db.userProfile.update({ where: { whatsappPhone: "14155550102" }, data: { subscription: "unsubscribed", subscriptionChangedAt: at(-60) } });
    const c = await campaign({ status: "active", recipients: ["14155550101", "14155550103"] });
    const before = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } });
    const schedule = await e.db.campaignSendSchedule.findMany({ where: { campaignId: c.id } });
    const reachedBefore = await uniqueUsersReached(e.db, at(-24 * 60));
    e.graph.script({ to: "14155550199", error: { code: 131026, title: "Message undeliverable" } });

    const r = await call(testSendRoute.POST, { params: { campaignId: c.id }, body: { phone_numbers: ["+1 415 555 0101", "14155550102", "14155550109", "14155550199", "12"] } });
    expect(r.status).toBe(200);
    const byPhone = Object.fromEntries(r.body.results.map((x: { phone_number: string }) => [x.phone_number, x]));
    expect(byPhone["14155550101"]).toMatchObject({ status: "sent", whatsapp_message_id: expect.stringMatching(/^wamid\./) });
    expect(byPhone["14155550102"]).toMatchObject({ status: "failed", error: expect.stringContaining("unsubscribed") });
    expect(byPhone["14155550109"].status).toBe("sent");
    expect(byPhone["14155550199"]).toMatchObject({ status: "failed", error: expect.stringContaining("131026") });
    expect(byPhone["12"]).toMatchObject({ status: "failed", error: expect.stringContaining("Not a valid phone number") });
    expect(r.body).toMatchObject({ sent: 2, failed: 3, template_verified: true });

    // the customer's first name for 0101, the fallback for an unknown number; nothing sent to 0102
    const bodies = Object.fromEntries(e.graph.sends.map((s) => [s.to, s.body as { template: { components: Array<{ type: string; parameters: Array<{ text?: string }> }> } }]));
    expect(Object.keys(bodies).sort()).toEqual(["14155550101", "14155550109", "14155550199"]);
    expect(bodies["14155550101"].template.components[1].parameters[0].text).toBe("Customer");
    expect(bodies["14155550109"].template.components[1].parameters[0].text).toBe("there");

    const messages = await e.db.whatsappMessage.findMany({ where: { campaignId: c.id }, orderBy: { phoneNumber: "asc" } });
    expect(messages.map((m) => [m.phoneNumber, m.status, m.isTest, m.recipientId])).toEqual([
      ["14155550101", "queued", true, null],
      ["14155550109", "queued", true, null],
      ["14155550199", "failed", true, null],
    ]);
    const after = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } });
    const counters = (x: typeof after) => [x.status, x.totalTargetCustomers, x.messagesSent, x.messagesPending, x.messagesFailed, x.messagesDelivered];
    expect(counters(after)).toEqual(counters(before));
    expect(await e.db.campaignRecipient.count({ where: { campaignId: c.id } })).toBe(2);
    expect(await e.db.campaignRecipient.count({ where: { campaignId: c.id, sentOn: { not: null } } })).toBe(0);
    expect(await e.db.campaignSendSchedule.findMany({ where: { campaignId: c.id } })).toEqual(schedule);
    expect(await e.db.campaignAnalytics.count({ where: { campaignId: c.id } })).toBe(0);
    // they count toward the global messaging limit (unique users reached), as WhatsApp counts them
    expect(await uniqueUsersReached(e.db, new Date(Date.now() - 24 * 3600_000))).toBe(reachedBefore + 2);
    expect(after.lastTestSendAt).not.toBeNull();
    expect(after.lastTestSendHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await e.db.setting.findUnique({ where: { id: 1 } }))?.testPhoneNumbers.slice(0, 4)).toEqual(["14155550101", "14155550102", "14155550109", "14155550199"]);

    expect((await call(testSendRoute.POST, { params: { campaignId: c.id }, body: { phone_numbers: [] } })).status).toBe(422);
    expect((await call(testSendRoute.POST, { params: { campaignId: c.id }, body: { phone_numbers: Array.from({ length: 11 }, (_, i) => `1415555020${i}`) } })).status).toBe(422);
    expect((await call(testSendRoute.POST, { params: { campaignId: "00000000-0000-4000-8000-000000000000" }, body: { phone_numbers: ["14155550101"] } })).status).toBe(404);
  });

  it("refuses a template that is not approved, and completed campaigns", async () => {
    const pending = await campaign({ templateName: "black_friday_preview" });
    const r = await call(testSendRoute.POST, { params: { campaignId: pending.id }, body: { phone_numbers: ["14155550101"] } });
    expect(r).toMatchObject({ status: 422, body: { error: { code: "TEMPLATE_NOT_APPROVED", details: { status: "PENDING" } } } });
    const done = await campaign({ status: "completed" });
    expect((await call(testSendRoute.POST, { params: { campaignId: done.id }, body: { phone_numbers: ["14155550101"] } })).body.error.code).toBe("INVALID_TRANSITION");
    expect(e.graph.sends).toHaveLength(0);
  });

  it("TEST_SEND_REQUIRED until the exact message had a successful test send", async () => {
    const c = await campaign({});
    const assert = async () => assertTestSendDone({ db: e.db, campaign: await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } }) });
    expect(await codeOf(assert())).toBe("ok"); // setting off by default
    await e.db.setting.update({ where: { id: 1 }, data: { requireTestSend: true } });
    try {
      expect(await codeOf(assert())).toBe("TEST_SEND_REQUIRED");
      expect((await call(testSendRoute.POST, { params: { campaignId: c.id }, body: { phone_numbers: ["14155550101"] } })).body.sent).toBe(1);
      expect(await codeOf(assert())).toBe("ok");
      await e.db.marketingCampaign.update({ where: { id: c.id }, data: { templateComponents: [IMAGE, { ...PROMO_BODY, parameters: [PROMO_BODY.parameters[0], { type: "text", text: "40%" }] }] } });
      const err = await assert().catch((x: AppError) => x);
      expect(err).toMatchObject({ code: "TEST_SEND_REQUIRED", status: 409 });
    } finally {
      await e.db.setting.update({ where: { id: 1 }, data: { requireTestSend: false } });
    }
  });
});

describe("the campaign API with the library available", () => {
  const create = (body: Record<string, unknown>) => call(campaignsRoute.POST, { body: { name: "Templated", template_name: "summer_sale_personal", template_components: PROMO, ...body } });

  it("create / update: 422 TEMPLATE_NOT_FOUND and TEMPLATE_PARAMETERS_MISMATCH with details; verified campaigns carry their warnings", async () => {
    const missing = await create({ template_name: "nope_not_here" });
    expect(missing).toMatchObject({ status: 422, body: { error: { code: "TEMPLATE_NOT_FOUND" } } });
    const mismatch = await create({ template_components: [PROMO_BODY] });
    expect(mismatch).toMatchObject({ status: 422, body: { error: { code: "TEMPLATE_PARAMETERS_MISMATCH", details: [{ path: "template_components", message: "missing the header image: the template's header is IMAGE" }] } } });
    const ok = await create({});
    expect(ok).toMatchObject({ status: 201, body: { template_verified: true, template_warnings: [] } });
    const vip = await call(campaignRoute.PATCH, { method: "PATCH", params: { campaignId: ok.body.id }, body: { template_name: "vip_early_access" } });
    expect(vip).toMatchObject({ status: 200, body: { template_name: "vip_early_access", template_verified: true, template_warnings: [OPT_OUT_WARNING] } });
    const bad = await call(campaignRoute.PATCH, { method: "PATCH", params: { campaignId: ok.body.id }, body: { template_name: "member_rewards" } });
    expect(bad.body.error.code).toBe("TEMPLATE_PARAMETERS_MISMATCH");
    setApi(null);
    try {
      expect(await create({ template_name: "whatever_it_is" })).toMatchObject({ status: 201, body: { template_verified: false, template_warnings: [NOT_CONFIGURED_NOTICE] } });
    } finally {
      setApi(api);
    }
  });

  it("activate / resume: 422 TEMPLATE_NOT_APPROVED with status and reason, 409 TEST_SEND_REQUIRED, then activation", async () => {
    await seedCustomers(e.db, 2, { base: 14155550300 });
    const rejected = await create({ template_name: "cyber_monday_blast", template_components: [{ type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "70%" }] }] });
    expect(rejected.status).toBe(201);
    await call(recipientsRoute.POST, { params: { campaignId: rejected.body.id }, body: { phone_numbers: ["14155550301"] } });
    const r = await call(activateRoute.POST, { params: { campaignId: rejected.body.id }, method: "POST" });
    expect(r).toMatchObject({ status: 422, body: { error: { code: "TEMPLATE_NOT_APPROVED", details: { status: "REJECTED", reason: "PROMOTIONAL" } } } });
    expect(r.body.error.message).toContain("REJECTED: PROMOTIONAL");

    const c = await create({});
    await call(recipientsRoute.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["14155550301", "14155550302"] } });
    await e.db.setting.update({ where: { id: 1 }, data: { requireTestSend: true } });
    try {
      expect((await call(activateRoute.POST, { params: { campaignId: c.body.id }, method: "POST" })).body.error.code).toBe("TEST_SEND_REQUIRED");
      expect((await call(testSendRoute.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["14155550301"] } })).body.sent).toBe(1);
      const ok = await call(activateRoute.POST, { params: { campaignId: c.body.id }, method: "POST" });
      expect(ok).toMatchObject({ status: 200, body: { status: "active", recipients_scheduled: 2 } });
    } finally {
      await e.db.setting.update({ where: { id: 1 }, data: { requireTestSend: false } });
    }
    // the template gets paused by Meta: the campaign pauses, and cannot resume until it is approved again
    await handleWebhookPayload({ db: e.db, now: at(450), payload: templateStatusPayload({ wabaId: WABA, at: at(450), event: "PAUSED", templateId: "900000000000022", name: "summer_sale_personal", language: "en_US", reason: "Low quality" }) });
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.body.id } })).status).toBe("paused");
    expect((await call(resumeRoute.POST, { params: { campaignId: c.body.id }, method: "POST" })).body.error).toMatchObject({ code: "TEMPLATE_NOT_APPROVED", details: { status: "PAUSED" } });
    await handleWebhookPayload({ db: e.db, now: at(460), payload: templateStatusPayload({ wabaId: WABA, at: at(460), event: "APPROVED", templateId: "900000000000022", name: "summer_sale_personal", language: "en_US" }) });
    expect((await call(resumeRoute.POST, { params: { campaignId: c.body.id }, method: "POST" })).body.status).toBe("active");
  });
});

describe("template webhooks", () => {
  const status = (event: string, minutes: number, reason?: string) =>
    handleWebhookPayload({ db: e.db, now: at(minutes), payload: templateStatusPayload({ wabaId: WABA, at: at(minutes), event, templateId: "900000000000005", name: "flash_sale", language: "en_US", reason }) });
  const template = () => e.db.whatsappTemplate.findFirstOrThrow({ where: { name: "flash_sale" } });

  it("PAUSED pauses every active campaign using the template at once, with the reason; duplicates and older events change nothing", async () => {
    await syncTemplates({ db: e.db, now: at(400), api });
    const [a, b] = [await campaign({ templateName: "flash_sale", status: "active" }), await campaign({ templateName: "flash_sale", status: "active" })];
    const draft = await campaign({ templateName: "flash_sale", status: "draft" });
    const other = await campaign({ templateName: "summer_sale_personal", status: "active" });

    const r = await status("PAUSED", 500, "Low quality: customers blocked or reported it");
    expect(r.results.message_template_status_update).toMatchObject({ template_status_applied: 1, campaigns_paused: 2 });
    expect(await template()).toMatchObject({ status: "PAUSED", reason: "Low quality: customers blocked or reported it", statusEventAt: at(500) });
    const rows = await e.db.marketingCampaign.findMany({ where: { id: { in: [a.id, b.id, draft.id, other.id] } } });
    const byId = new Map(rows.map((x) => [x.id, x]));
    for (const id of [a.id, b.id]) {
      expect(byId.get(id)).toMatchObject({ status: "paused", pausedBy: "template" });
      expect(byId.get(id)?.pauseReason).toBe("Template flash_sale (en_US) is PAUSED: Low quality: customers blocked or reported it. Resume the campaign once the template is approved again.");
    }
    expect(byId.get(draft.id)?.status).toBe("draft");
    expect(byId.get(other.id)?.status).toBe("active");
    expect(await e.db.alert.count({ where: { kind: "campaign_paused_template", campaignId: { in: [a.id, b.id] } } })).toBe(2);

    // the same delivery again: stored once (a duplicate adds nothing to the inbox), nothing changes
    const dup = await status("PAUSED", 500, "Low quality: customers blocked or reported it");
    expect(dup.stored).toMatchObject({ stored: 0, duplicates: 1 });
    expect(dup.results.message_template_status_update?.campaigns_paused ?? 0).toBe(0);
    // reinstated later, then an older DISABLED arrives late: ignored
    expect((await status("APPROVED", 520)).results.message_template_status_update).toMatchObject({ template_status_applied: 1 });
    await e.db.marketingCampaign.update({ where: { id: a.id }, data: { status: "active", pausedBy: null, pauseReason: null } });
    expect((await status("DISABLED", 510)).results.message_template_status_update).toMatchObject({ template_status_applied: 0, template_status_stale: 1 });
    expect(await template()).toMatchObject({ status: "APPROVED", reason: null });
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("active");
    expect(await e.db.alert.count({ where: { kind: "campaign_paused_template", campaignId: { in: [a.id, b.id] } } })).toBe(2);
  });

  it("several events in one payload apply in entry-time order; quality updates are ordered separately", async () => {
    const payload = (minutes: number, event: string) => templateStatusPayload({ wabaId: WABA, at: at(minutes), event, templateId: "900000000000005", name: "flash_sale", language: "en_US" });
    const p1 = payload(610, "REJECTED") as { entry: unknown[] };
    const p2 = payload(600, "PAUSED") as { entry: unknown[] };
    await handleWebhookPayload({ db: e.db, now: at(611), payload: { object: "whatsapp_business_account", entry: [...p1.entry, ...p2.entry] } });
    expect((await template()).status).toBe("REJECTED");

    const quality = (minutes: number, next: string) =>
      handleWebhookPayload({ db: e.db, now: at(minutes), payload: templateQualityPayload({ wabaId: WABA, at: at(minutes), templateId: "900000000000005", name: "flash_sale", language: "en_US", previous: "GREEN", next }) });
    await quality(700, "RED");
    await quality(650, "YELLOW");
    await quality(700, "RED");
    expect(await template()).toMatchObject({ qualityScore: "RED", qualityEventAt: at(700), status: "REJECTED" });
  });

  it("a status for a template the library does not hold yet still pauses its campaigns", async () => {
    const c = await campaign({ templateName: "not_synced_yet", status: "active" });
    const r = await handleWebhookPayload({ db: e.db, now: at(800), payload: templateStatusPayload({ wabaId: WABA, at: at(800), event: "DISABLED", templateId: "555", name: "not_synced_yet", language: "en_US", reason: "SCAM" }) });
    expect(r.results.message_template_status_update).toMatchObject({ template_status_unknown: 1, campaigns_paused: 1 });
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } })).pauseReason).toContain("is DISABLED: SCAM");
  });
});

describe("sandbox library", () => {
  it("seedSandboxTemplates is idempotent and the demo campaigns' components fit their templates", async () => {
    await e.db.$executeRaw(Prisma.sql`DELETE FROM whatsapp_templates`);
    await seedSandboxTemplates({ db: e.db, now: at(900) });
    await seedSandboxTemplates({ db: e.db, now: at(901) });
    expect(await e.db.whatsappTemplate.count()).toBe(SANDBOX_TEMPLATES.length);
    expect(await e.db.whatsappTemplate.count({ where: { status: "PENDING" } })).toBe(1);
    expect(await e.db.whatsappTemplate.count({ where: { status: "REJECTED" } })).toBe(1);
    const sandboxApi = { mode: "sandbox" as const, list: async () => [], lookup: async () => [] };
    for (const name of ["back_to_school", "spring_collection", "summer_sale_personal", "vip_early_access", "flash_sale", "loyalty_points", "black_friday_preview", "holiday_newsletter"]) {
      const r = await checkCampaignTemplate({ db: e.db, now: at(902), api: sandboxApi, templateName: name, languageCode: "en_US", components: PROMO });
      expect(r.verified, name).toBe(true);
    }
  });

  it("the spec's example request creates a campaign of the demo's summer_sale_promo as it is (an image header and the discount)", async () => {
    const specExample = OPERATIONS.find((o) => o.operationId === "createCampaign")?.body?.example;
    expect(specExample).toMatchObject({ template_name: "summer_sale_promo", template_components: [{ type: "header" }, { type: "body", parameters: [{ text: "30%" }] }] });
    const created = await call(campaignsRoute.POST, { body: specExample });
    expect(created).toMatchObject({ status: 201, body: { status: "draft", template_name: "summer_sale_promo", template_verified: true, template_warnings: [] } });
  });

  it("in sandbox mode an empty library is filled at server start, never by a read; the editor gets a sample customer from the audience", async () => {
    await e.db.$executeRaw(Prisma.sql`DELETE FROM whatsapp_templates`);
    const api = createSandboxTemplatesApi();
    // the editor's read (a page render) writes nothing
    expect((await getTemplateEditorData({ db: e.db, api, targetAudience: {} })).templates).toEqual([]);
    expect(await e.db.whatsappTemplate.count()).toBe(0);
    // a real library is only filled by a sync; a filled sandbox library is left as it is
    expect(await fillEmptySandboxLibrary({ db: e.db, now: at(950), api: null })).toBe(false);
    expect(await fillEmptySandboxLibrary({ db: e.db, now: at(950), api })).toBe(true);
    expect(await fillEmptySandboxLibrary({ db: e.db, now: at(951), api })).toBe(false);
    const data = await getTemplateEditorData({ db: e.db, api, targetAudience: {} });
    expect(data.library).toMatchObject({ available: true, source: "sandbox" });
    expect(data.templates.map((t) => t.name)).toContain("member_rewards");
    expect(data.sampleCustomer?.name).toMatch(/^Customer /);
    expect(data.testPhoneNumbers.length).toBeGreaterThan(0);
  });
});

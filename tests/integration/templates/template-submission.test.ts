/**
 * Template submission from the dashboard against the fake Graph API: the exact creation request Meta
 * receives, the template kept PENDING, Meta's review arriving by the message_template_status_update
 * webhook (Meta's documented payload) with the rejection reason kept; edits under Meta's rules; the
 * sandbox accepting a submission and approving it by a webhook it schedules.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { setupEngineTest, type EngineTest } from "../engine/support";
import { Prisma } from "@/lib/marketing/db";
import { flushSandbox } from "@/lib/marketing/delivery/flush-sandbox";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { AppError } from "@/lib/marketing/errors";
import { editTemplate } from "@/lib/marketing/templates/edit-template";
import { listSubmittedTemplates } from "@/lib/marketing/templates/list-submitted-templates";
import { submitTemplate } from "@/lib/marketing/templates/submit-template";
import { syncTemplates } from "@/lib/marketing/templates/sync-templates";
import { createSandboxTemplatesApi } from "@/lib/whatsapp/templates/sandbox-templates";
import { createCloudTemplateSubmissionApi, createSandboxTemplateSubmissionApi, type TemplateSubmissionApi } from "@/lib/whatsapp/templates/template-submission-api";
import { createCloudTemplatesApi } from "@/lib/whatsapp/templates/templates-api";

const WABA = "102290129340398";
const T0 = new Date("2025-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
let e: EngineTest;
let api: TemplateSubmissionApi;

beforeAll(async () => {
  e = await setupEngineTest();
  api = createCloudTemplateSubmissionApi({ apiUrl: e.graph.url, apiVersion: "v23.0", businessAccountId: WABA, accessToken: "fake-access-token", timeoutMs: 2000 });
});
afterAll(async () => e?.stop());
beforeEach(() => e.graph.reset());

const DRAFT = {
  name: "spring_launch",
  language: "en_US",
  category: "MARKETING",
  header: { format: "TEXT", text: "Spring is here, {{1}}", example: "Maria" },
  body: { text: "Hi {{1}}, our spring range is in: {{2}} off for members until Sunday.", examples: ["Maria", "20%"] },
  footer: "Reply STOP to unsubscribe",
  buttons: [
    { type: "URL", text: "Shop now", url: "https://shop.example.com/spring/{{1}}", example: "https://shop.example.com/spring/members" },
    { type: "COPY_CODE", example: "SPRING20" },
    { type: "QUICK_REPLY", text: "Stop promotions" },
  ],
};
const COMPONENTS = [
  { type: "HEADER", format: "TEXT", text: "Spring is here, {{1}}", example: { header_text: ["Maria"] } },
  { type: "BODY", text: "Hi {{1}}, our spring range is in: {{2}} off for members until Sunday.", example: { body_text: [["Maria", "20%"]] } },
  { type: "FOOTER", text: "Reply STOP to unsubscribe" },
  {
    type: "BUTTONS",
    buttons: [
      { type: "URL", text: "Shop now", url: "https://shop.example.com/spring/{{1}}", example: ["https://shop.example.com/spring/members"] },
      { type: "COPY_CODE", example: "SPRING20" },
      { type: "QUICK_REPLY", text: "Stop promotions" },
    ],
  },
];

/** Meta's message_template_status_update webhook, as its reference documents it. */
function statusWebhook(v: { id: string; name: string; event: string; reason?: string; minutes: number }) {
  return {
    object: "whatsapp_business_account",
    entry: [{
      id: WABA,
      time: Math.floor(at(v.minutes).getTime() / 1000),
      changes: [{
        field: "message_template_status_update",
        value: { event: v.event, message_template_id: Number(v.id), message_template_name: v.name, message_template_language: "en_US", reason: v.reason ?? "NONE", message_template_category: "MARKETING" },
      }],
    }],
  };
}
const deliver = (payload: unknown, minutes: number) => handleWebhookPayload({ db: e.db, now: at(minutes), payload, log: { info: () => {}, warn: () => {}, error: () => {} } as never });
const failure = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => (err instanceof AppError ? { code: err.code, message: err.message, details: err.details } : err));

describe("submitting a new template", () => {
  it("POSTs Meta's creation request, keeps the template PENDING, and the review webhook makes it REJECTED with the reason, then APPROVED after an edit", async () => {
    const t = await submitTemplate({ db: e.db, now: at(0), api, input: DRAFT, actor: "user:marketer@example.com" });
    const [req] = e.graph.requests;
    expect(req).toMatchObject({ method: "POST", path: `/v23.0/${WABA}/message_templates` });
    expect(req.headers.authorization).toBe("Bearer fake-access-token");
    expect(req.body).toEqual({ name: "spring_launch", language: "en_US", category: "MARKETING", components: COMPONENTS });
    expect(t).toMatchObject({ name: "spring_launch", language: "en_US", category: "MARKETING", status: "PENDING", reason: null, meta_id: expect.stringMatching(/^\d+$/) });
    // the library derives what a campaign must fill from the submitted components right away
    expect(t.parameters.slots.map((s) => s.key)).toEqual(["header", "body.1", "body.2", "button.0", "button.1", "button.2"]);
    const row = await e.db.whatsappTemplate.findUniqueOrThrow({ where: { id: t.id } });
    expect(row.components).toEqual(COMPONENTS);
    expect(await e.db.templateSubmission.findMany({ where: { templateId: t.id }, select: { kind: true, previousStatus: true, submittedBy: true } })).toEqual([
      { kind: "create", previousStatus: null, submittedBy: "user:marketer@example.com" },
    ]);
    expect(await e.db.auditLog.count({ where: { action: "template.submit", entityId: t.id } })).toBe(1);

    // Meta's review: rejected, with its reason
    const r = await deliver(statusWebhook({ id: t.meta_id!, name: "spring_launch", event: "REJECTED", reason: "INVALID_FORMAT", minutes: 30 }), 31);
    expect(r.results.message_template_status_update).toMatchObject({ template_status_applied: 1 });
    expect(await e.db.whatsappTemplate.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "REJECTED", reason: "INVALID_FORMAT" });
    // the fake's library follows Meta's decision too
    e.graph.setTemplates([{ id: t.meta_id, name: "spring_launch", language: "en_US", status: "REJECTED", category: "MARKETING", components: COMPONENTS }]);

    // a rejected template is edited (unlimited), back to PENDING: POST /{template-id} with the new components
    e.graph.requests.length = 0;
    const edited = await editTemplate({ db: e.db, now: at(60), api, templateId: t.id, input: { ...DRAFT, footer: undefined }, actor: "user:marketer@example.com" });
    expect(edited).toMatchObject({ status: "PENDING", reason: null });
    expect(e.graph.requests.map((x) => [x.method, x.path, x.body])).toEqual([["POST", `/v23.0/${t.meta_id}`, { components: COMPONENTS.filter((c) => c.type !== "FOOTER") }]]);
    await deliver(statusWebhook({ id: t.meta_id!, name: "spring_launch", event: "APPROVED", minutes: 90 }), 91);
    expect(await e.db.whatsappTemplate.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "APPROVED", reason: null });
    // a late copy of the first review changes nothing
    await deliver(statusWebhook({ id: t.meta_id!, name: "spring_launch", event: "REJECTED", reason: "INVALID_FORMAT", minutes: 30 }), 92);
    expect((await e.db.whatsappTemplate.findUniqueOrThrow({ where: { id: t.id } })).status).toBe("APPROVED");
  });

  it("names each problem of a draft before anything reaches Meta", async () => {
    const r = await failure(submitTemplate({
      db: e.db, now: at(0), api, actor: "user:x",
      input: { ...DRAFT, name: "Spring Launch", body: { text: "Hi {{1}}, {{3}} off", examples: ["Maria"] }, footer: "Bye {{1}}", buttons: [{ type: "URL", text: "Shop", url: "https://x.example/{{1}}/p" }] },
    }));
    expect(r).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((r as { details: Array<{ path: string; message: string }> }).details).toEqual([
      { path: "name", message: "lowercase letters, digits and _ only" },
      { path: "body.text", message: "number the variables {{1}} to {{2}} without gaps: {{2}} is missing" },
      { path: "body.examples.1", message: "give a sample value for {{2}}" },
      { path: "footer", message: "the footer cannot have variables" },
      { path: "buttons.0.url", message: "a URL takes one variable, {{1}}, at its end" },
    ]);
    expect(e.graph.requests).toHaveLength(0);
  });

  it("a name and language the library holds is edited, not submitted again; Meta's own refusal is shown as a validation error", async () => {
    await submitTemplate({ db: e.db, now: at(0), api, input: { ...DRAFT, name: "taken_name" }, actor: "user:x" });
    expect(await failure(submitTemplate({ db: e.db, now: at(1), api, input: { ...DRAFT, name: "taken_name" }, actor: "user:x" }))).toMatchObject({ code: "CONFLICT" });
    e.graph.script({ match: (req) => req.path.endsWith("/message_templates"), raw: { status: 400, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ error: { message: "Invalid parameter", type: "OAuthException", code: 100, error_subcode: 2388299, error_user_title: "Variables can't be at the start or end of the template", error_user_msg: "Variables can't be at the start or end of the template." } }) } });
    const refused = await failure(submitTemplate({ db: e.db, now: at(2), api, input: { ...DRAFT, name: "refused_by_meta" }, actor: "user:x" }));
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", message: "Meta refused the template: Variables can't be at the start or end of the template: Variables can't be at the start or end of the template." });
    expect(await e.db.whatsappTemplate.count({ where: { name: "refused_by_meta" } })).toBe(0);
  });
});

describe("editing under Meta's rules", () => {
  async function approved(name: string) {
    const t = await submitTemplate({ db: e.db, now: at(0), api, input: { ...DRAFT, name }, actor: "user:x" });
    await deliver(statusWebhook({ id: t.meta_id!, name, event: "APPROVED", minutes: 10 }), 11);
    // the fake's library follows Meta's decision too
    e.graph.setTemplates([{ id: t.meta_id, name, language: "en_US", status: "APPROVED", category: "MARKETING", components: COMPONENTS }]);
    return t;
  }

  it("PENDING cannot be edited; approved keeps its name, language and category; one edit a day, ten in 30 days", async () => {
    const pending = await submitTemplate({ db: e.db, now: at(0), api, input: { ...DRAFT, name: "in_review" }, actor: "user:x" });
    expect(await failure(editTemplate({ db: e.db, now: at(1), api, templateId: pending.id, input: { ...DRAFT, name: "in_review" }, actor: "user:x" }))).toMatchObject({ code: "INVALID_TRANSITION", details: { status: "PENDING" } });

    const t = await approved("weekly_deals");
    const edit = (minutes: number, input: object = {}) => failure(editTemplate({ db: e.db, now: at(minutes), api, templateId: t.id, input: { ...DRAFT, name: "weekly_deals", ...input }, actor: "user:x" }));
    expect(await edit(20, { category: "UTILITY" })).toMatchObject({ code: "VALIDATION_FAILED", details: [{ path: "category", message: "stays MARKETING" }] });
    expect(await edit(20, { name: "weekly_deals_2" })).toMatchObject({ code: "VALIDATION_FAILED", details: [{ path: "name", message: "stays weekly_deals" }] });
    expect(await edit(20, { body: { text: "New text {{1}} and {{2}}.", examples: ["Maria", "10%"] } })).toBeNull();
    expect(await e.db.whatsappTemplate.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "PENDING" });
    await deliver(statusWebhook({ id: t.meta_id!, name: "weekly_deals", event: "APPROVED", minutes: 40 }), 41);
    // approved again, edited again within 24 hours: Meta's daily limit
    const daily = await edit(60);
    expect(daily).toMatchObject({ code: "RATE_LIMITED", details: { next_edit_at: at(20 + 24 * 60).toISOString() } });
    // the 30-day limit: 10 approved edits on record
    await e.db.$executeRaw(Prisma.sql`
      INSERT INTO template_submissions (id, template_id, kind, previous_status, request, submitted_by, submitted_at)
      SELECT gen_random_uuid(), ${t.id}::uuid, 'edit', 'APPROVED', '{}'::jsonb, 'user:x', ${at(0)}::timestamptz - make_interval(days => d)
      FROM generate_series(2, 10) AS d`);
    expect(await edit(26 * 60)).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("10 edits of an approved template in 30 days") });
  });

  it("an approved template an active campaign is sending is not edited until the campaign is paused", async () => {
    const t = await approved("vip_weekend");
    await e.db.marketingCampaign.create({ data: { name: "VIP weekend", templateName: "vip_weekend", languageCode: "en_US", status: "active", templateComponents: [] } });
    expect(await failure(editTemplate({ db: e.db, now: at(30), api, templateId: t.id, input: { ...DRAFT, name: "vip_weekend" }, actor: "user:x" }))).toMatchObject({
      code: "CONFLICT", message: "vip_weekend is being sent by active campaigns (VIP weekend): pause them before editing the template.",
    });
    expect(e.graph.requests.filter((r) => r.path === `/v23.0/${t.meta_id}`)).toHaveLength(0);
  });
});

describe("the sandbox", () => {
  it("accepts a submission, approves it by a webhook it schedules, and keeps it through a sync", async () => {
    const sandbox = createSandboxTemplateSubmissionApi({ db: e.db, now: () => at(0), wabaId: "200000000000000", speed: 0 });
    const t = await submitTemplate({ db: e.db, now: at(0), api: sandbox, input: { ...DRAFT, name: "sandbox_submitted" }, actor: "user:x" });
    expect(t.status).toBe("PENDING");
    expect(e.graph.requests).toHaveLength(0);
    const flushed = await flushSandbox({ db: e.db, now: at(1), log: { info: () => {}, warn: () => {}, error: () => {} } as never });
    expect(flushed.delivered).toBe(1);
    expect(await e.db.whatsappTemplate.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "APPROVED", reason: null });
    // the sandbox's library serves the submitted template, so a sync keeps it
    await syncTemplates({ db: e.db, now: at(5), api: createSandboxTemplatesApi(() => listSubmittedTemplates(e.db)) });
    expect(await e.db.whatsappTemplate.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ status: "APPROVED", deleted: false });
  });

  it("a cloud sync of the library keeps Meta's status for a submitted template", async () => {
    const t = await submitTemplate({ db: e.db, now: at(0), api, input: { ...DRAFT, name: "synced_after_submit" }, actor: "user:x" });
    // the fake's list holds the submitted template as PENDING (what Meta lists while in review)
    const listed = createCloudTemplatesApi({ apiUrl: e.graph.url, apiVersion: "v23.0", businessAccountId: WABA, accessToken: "fake-access-token" });
    expect((await listed.lookup("synced_after_submit")).map((x) => [x.id, x.status])).toEqual([[t.meta_id, "PENDING"]]);
  });
});

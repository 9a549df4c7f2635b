/**
 * Meta's template webhooks as documented in 2026, applied through the webhook handling code:
 *  - message_template_status_update: only events after which a template cannot be sent (PAUSED,
 *    DISABLED, REJECTED, ARCHIVED, PENDING_DELETION, DELETED) pause campaigns; warnings, reviews and
 *    editing locks (FLAGGED, LOCKED, UNLOCKED, IN_APPEAL, PENDING, UNARCHIVED, LIMIT_EXCEEDED) pause
 *    nothing and never hide a disabling event that arrives late;
 *  - template_category_update: completed and announced category changes are recorded on the template,
 *    listed with it, and raise one info alert; the sync records a change it finds the same way.
 * Payloads are written out in Meta's documented shape (entry.time, numeric message_template_id, …).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listTemplates } from "@/lib/marketing/templates/list-templates";
import { upsertTemplates } from "@/lib/marketing/templates/sync-templates";
import { ZMetaTemplate } from "@/lib/whatsapp/templates/meta-template";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { WEBHOOK_HANDLERS } from "@/lib/marketing/delivery/webhook-handlers";
import { createTestDb, type TestDb } from "../../support/db";

let t: TestDb;
const WABA = "102290129340398";
const T0 = Date.parse("2026-02-01T10:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

let seq = 0;
/** an approved MARKETING template in the library, with one active and one draft campaign using it */
async function approvedTemplate(category = "MARKETING") {
  seq++;
  const name = `promo_${seq}`;
  const metaId = String(806312974732000 + seq);
  await t.db.whatsappTemplate.create({ data: { metaId, name, language: "en_US", category, status: "APPROVED", components: [{ type: "BODY", text: "Hi" }], statusEventAt: at(0) } });
  const active = await t.db.marketingCampaign.create({ data: { name: `Active ${name}`, templateName: name, languageCode: "en_US", status: "active" } });
  const draft = await t.db.marketingCampaign.create({ data: { name: `Draft ${name}`, templateName: name, languageCode: "en_US", status: "draft" } });
  return { name, metaId, active, draft };
}

/** message_template_status_update exactly as Meta documents it */
function statusUpdate(tpl: { name: string; metaId: string }, event: string, when: Date, extra: Record<string, unknown> = {}) {
  return {
    entry: [
      {
        id: WABA,
        time: unix(when),
        changes: [
          {
            value: {
              event,
              message_template_id: Number(tpl.metaId),
              message_template_name: tpl.name,
              message_template_language: "en_US",
              reason: "NONE",
              message_template_category: "MARKETING",
              ...extra,
            },
            field: "message_template_status_update",
          },
        ],
      },
    ],
    object: "whatsapp_business_account",
  };
}

/** template_category_update exactly as Meta documents it (completed or impending change) */
function categoryUpdate(tpl: { name: string; metaId: string }, when: Date, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: WABA,
        time: unix(when),
        changes: [
          {
            field: "template_category_update",
            value: { message_template_id: Number(tpl.metaId), message_template_name: tpl.name, message_template_language: "en_US", ...value },
          },
        ],
      },
    ],
  };
}

const apply = (payload: unknown, now: Date) => handleWebhookPayload({ db: t.db, now, payload, log: { warn: () => {} } });
const template = (name: string) => t.db.whatsappTemplate.findFirstOrThrow({ where: { name } });
const campaignStatus = async (id: string) => (await t.db.marketingCampaign.findUniqueOrThrow({ where: { id } })).status;

describe("message_template_status_update", () => {
  it.each(["FLAGGED", "LOCKED", "UNLOCKED", "IN_APPEAL", "PENDING", "UNARCHIVED", "LIMIT_EXCEEDED"])(
    "%s leaves the template approved and pauses nothing",
    async (event) => {
      const tpl = await approvedTemplate();
      const extra = event === "LOCKED" || event === "UNLOCKED" ? { other_info: { title: `TEMPLATE_${event}`, description: "Edits to this template are limited." } } : {};
      const r = await apply(statusUpdate(tpl, event, at(10), extra), at(11));
      expect(r.results.message_template_status_update).toMatchObject({ template_status_received: 1, template_status_applied: 0, template_status_informational: 1, campaigns_paused: 0 });
      expect((await template(tpl.name)).status).toBe("APPROVED");
      expect(await campaignStatus(tpl.active.id)).toBe("active");
      expect(await t.db.alert.count({ where: { kind: "campaign_paused_template", campaignId: tpl.active.id } })).toBe(0);
    },
  );

  it.each(["PAUSED", "DISABLED", "REJECTED", "ARCHIVED", "PENDING_DELETION", "DELETED"])(
    "%s makes the template unusable and pauses the active campaigns using it (not drafts)",
    async (event) => {
      const tpl = await approvedTemplate();
      const r = await apply(statusUpdate(tpl, event, at(10), { reason: event === "REJECTED" ? "INVALID_FORMAT" : "NONE" }), at(11));
      expect(r.results.message_template_status_update).toMatchObject({ template_status_applied: 1, campaigns_paused: 1 });
      expect(await template(tpl.name)).toMatchObject({ status: event, deleted: event === "DELETED", statusEventAt: at(10) });
      const paused = await t.db.marketingCampaign.findUniqueOrThrow({ where: { id: tpl.active.id } });
      expect(paused).toMatchObject({ status: "paused", pausedBy: "template" });
      expect(paused.pauseReason).toContain(`is ${event}`);
      expect(await campaignStatus(tpl.draft.id)).toBe("draft");
    },
  );

  it("REINSTATED makes a paused template approved again; an informational event never hides a disabling one that arrives late", async () => {
    const tpl = await approvedTemplate();
    // FLAGGED (10:20) is delivered before the PAUSED (10:15) that Meta sent earlier
    await apply(statusUpdate(tpl, "FLAGGED", at(20)), at(21));
    const late = await apply(statusUpdate(tpl, "PAUSED", at(15)), at(22));
    expect(late.results.message_template_status_update).toMatchObject({ template_status_applied: 1, campaigns_paused: 1 });
    expect((await template(tpl.name)).status).toBe("PAUSED");

    await apply(statusUpdate(tpl, "REINSTATED", at(30)), at(31));
    expect(await template(tpl.name)).toMatchObject({ status: "APPROVED", statusEventAt: at(30) });
    // the same PAUSED delivered again: older than the reinstatement, nothing changes
    await t.db.marketingCampaign.update({ where: { id: tpl.active.id }, data: { status: "active", pausedBy: null, pauseReason: null } });
    const again = await apply(statusUpdate(tpl, "PAUSED", at(15)), at(32));
    // the inbox recognises the re-delivery by its key: it is not applied a second time
    expect(again.stored).toMatchObject({ stored: 0, duplicates: 1 });
    expect(again.results.message_template_status_update).toBeUndefined();
    expect(await campaignStatus(tpl.active.id)).toBe("active");
  });

  it("an informational event for a template the library does not hold pauses nothing; a disabling one still protects its campaigns", async () => {
    const c = await t.db.marketingCampaign.create({ data: { name: "Unsynced", templateName: "not_synced_yet", languageCode: "en_US", status: "active" } });
    const tpl = { name: "not_synced_yet", metaId: "555000111" };
    expect((await apply(statusUpdate(tpl, "IN_APPEAL", at(40)), at(41))).results.message_template_status_update).toMatchObject({ template_status_unknown: 1, campaigns_paused: 0 });
    expect(await campaignStatus(c.id)).toBe("active");
    expect((await apply(statusUpdate(tpl, "DISABLED", at(42)), at(43))).results.message_template_status_update).toMatchObject({ template_status_unknown: 1, campaigns_paused: 1 });
    expect(await campaignStatus(c.id)).toBe("paused");
  });
});

describe("template_category_update", () => {
  it("is a registered webhook field", () => {
    expect(WEBHOOK_HANDLERS.map((h) => h.field)).toContain("template_category_update");
  });

  it("records an announced change, then the completed one; duplicates and older deliveries change nothing; the library lists it", async () => {
    const tpl = await approvedTemplate("UTILITY");
    // impending change: new_category is still the current one, correct_category is what Meta will set
    const announced = await apply(categoryUpdate(tpl, at(50), { correct_category: "MARKETING", new_category: "UTILITY", category_update_timestamp: unix(at(60 * 24)) }), at(51));
    expect(announced.results.template_category_update).toMatchObject({ template_category_received: 1, template_category_announced: 1, template_category_changed: 0 });
    expect(await template(tpl.name)).toMatchObject({ category: "UTILITY", upcomingCategory: "MARKETING", upcomingCategoryAt: at(60 * 24), previousCategory: null });

    const done = await apply(categoryUpdate(tpl, at(60 * 24), { previous_category: "UTILITY", new_category: "MARKETING" }), at(60 * 24 + 1));
    expect(done.results.template_category_update).toMatchObject({ template_category_changed: 1 });
    expect(await template(tpl.name)).toMatchObject({ category: "MARKETING", previousCategory: "UTILITY", categoryChangedAt: at(60 * 24), upcomingCategory: null, upcomingCategoryAt: null, status: "APPROVED" });
    // the template stays usable: nothing is paused
    expect(await campaignStatus(tpl.active.id)).toBe("active");

    // the same delivery twice, and the older announcement delivered late: no change, no second alert
    // (an identical re-delivery is recognised by the inbox and never reaches the handler)
    expect((await apply(categoryUpdate(tpl, at(60 * 24), { previous_category: "UTILITY", new_category: "MARKETING" }), at(60 * 24 + 2))).stored).toMatchObject({ stored: 0, duplicates: 1 });
    expect((await apply(categoryUpdate(tpl, at(50), { correct_category: "MARKETING", new_category: "UTILITY", category_update_timestamp: unix(at(60 * 24)) }), at(60 * 24 + 3))).stored).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await template(tpl.name)).toMatchObject({ category: "MARKETING", upcomingCategory: null });
    const alerts = await t.db.alert.findMany({ where: { kind: "template_category" }, orderBy: { createdAt: "asc" } });
    expect(alerts.filter((a) => a.text.includes(tpl.name)).map((a) => a.text)).toEqual([
      `WhatsApp will change the category of template ${tpl.name} (en_US) from UTILITY to MARKETING on ${at(60 * 24).toISOString().slice(0, 10)}.`,
      `WhatsApp changed the category of template ${tpl.name} (en_US) from UTILITY to MARKETING.`,
    ]);

    const listed = (await listTemplates({ db: t.db, api: null, query: { search: tpl.name } })).templates.find((x) => x.name === tpl.name);
    expect(listed).toMatchObject({ category: "MARKETING", previous_category: "UTILITY", category_changed_at: at(60 * 24).toISOString(), upcoming_category: null });
  });

  it("a change with no previous_category keeps the category the library had; a category the sync finds changed is recorded the same way", async () => {
    const tpl = await approvedTemplate("MARKETING");
    await apply(categoryUpdate(tpl, at(70), { new_category: "UTILITY" }), at(71));
    expect(await template(tpl.name)).toMatchObject({ category: "UTILITY", previousCategory: "MARKETING", categoryChangedAt: at(70) });

    const synced = await approvedTemplate("UTILITY");
    const meta = ZMetaTemplate.parse({ id: synced.metaId, name: synced.name, language: "en_US", status: "APPROVED", category: "MARKETING", parameter_format: "POSITIONAL", components: [{ type: "BODY", text: "Hi" }] });
    await upsertTemplates(t.db, [meta], at(80));
    expect(await template(synced.name)).toMatchObject({ category: "MARKETING", previousCategory: "UTILITY", categoryChangedAt: at(80) });
    // an unchanged category on the next sync keeps the record
    await upsertTemplates(t.db, [meta], at(90));
    expect(await template(synced.name)).toMatchObject({ category: "MARKETING", previousCategory: "UTILITY", categoryChangedAt: at(80) });
  });
});

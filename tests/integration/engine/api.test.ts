/**
 * Every campaign-engine endpoint, success and error paths, through the route handlers.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, CRON, MISSING_ID as MISSING, seedCustomers, setClock, withEngineTest, type EngineTest } from "./support";
import { activate, campaign, campaigns, cancel, customers, pause, processDaily, recipients, resume, retryUnknown, stats } from "../api/routes";

let e: EngineTest;
withEngineTest({ clock: "2025-01-10T10:00:00Z" }, (engine) => {
  e = engine;
});

const create = (body: Record<string, unknown> = {}) =>
  call(campaigns.POST, { body: { name: "Summer Sale 2025", template_name: "summer_sale_promo", ...body } });

describe("authentication", () => {
  // (no header at all falls back to the next-auth session, which needs a Next request context)
  it("refuses every route without a valid bearer token (401, JSON)", async () => {
    const p = { campaignId: MISSING };
    const handlers = [campaigns.GET, campaigns.POST, campaign.GET, campaign.PATCH, recipients.GET, recipients.POST, activate.POST, pause.POST,
      resume.POST, cancel.POST, stats.GET, retryUnknown.POST, processDaily.GET, processDaily.POST, customers.GET, customers.POST];
    for (const h of handlers) {
      for (const token of ["wrong-token", "wac_unknown-token"]) {
        const r = await call(h, { token, params: p, method: "POST" });
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe("UNAUTHENTICATED");
      }
    }
  });
  it("accepts CRON_SECRET only on process-daily", async () => {
    expect((await call(campaigns.GET, { token: CRON })).status).toBe(401);
    const r = await call(processDaily.GET, { token: CRON, method: "GET" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ date: "2025-01-10", campaigns_processed: 0, messages_sent: 0 });
  });
});

describe("campaigns", () => {
  it("creates a draft with defaults (201) and the spec's answer", async () => {
    const r = await create({ description: "Promo", language_code: "en_US", priority: 5, target_audience: { customer_tier: "premium", city: "New York", tags: ["fashion"] },
      template_components: [{ type: "header", parameters: [{ type: "image", image: { link: "https://example.com/sale-banner.jpg" } }] },
        { type: "body", parameters: [{ type: "text", text: "30%" }] }] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "Summer Sale 2025", status: "draft", template_name: "summer_sale_promo", daily_send_limit: 250,
      message: "Campaign 'Summer Sale 2025' created successfully" });
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const audit = await e.db.auditLog.findFirst({ where: { entityId: r.body.id, action: "campaign.create" } });
    expect(audit?.actor).toBe("env-token");
  });
  it("validates the body: 400 malformed JSON, 422 invalid values with details", async () => {
    expect((await call(campaigns.POST, { rawBody: "{not json" })).body.error.code).toBe("INVALID_JSON");
    expect((await call(campaigns.POST, { rawBody: "{not json" })).status).toBe(400);
    for (const bad of [{ daily_send_limit: 0 }, { daily_send_limit: 100_001 }, { daily_send_limit: "250" }, { priority: 11 }, { template_name: "" },
      { template_name: "Bad Name" }, { target_audience: { color: "red" } }, { target_audience: { tags: "x" } }, { unknown_field: 1 },
      { template_components: [{ type: "body", parameters: [{ type: "text" }] }] }, { language_code: "english!" }]) {
      const r = await create(bad);
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.body.error.code).toBe("VALIDATION_FAILED");
      expect(Array.isArray(r.body.error.details)).toBe(true);
    }
    expect((await call(campaigns.POST, { body: [] })).status).toBe(422);
    const empty = await call(campaigns.POST, { method: "POST" });
    expect([empty.status, empty.body.error.message, empty.body.error.details]).toEqual([422, "The request needs a JSON body.", [{ path: "", message: "a JSON body is required" }]]);
  });
  it("lists newest first with status filter and a capped page size", async () => {
    setClock("2025-01-10T10:00:01Z");
    const a = await create({ name: "A" });
    setClock("2025-01-10T10:00:02Z");
    const b = await create({ name: "B" });
    setClock("2025-01-10T10:00:00Z");
    const list = await call(campaigns.GET, { query: { limit: "2" } });
    expect(list.status).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([b.body.id, a.body.id]);
    expect(list.body[0]).toMatchObject({ name: "B", status: "draft", total_target: 0, messages_sent: 0, messages_pending: 0, progress: 0 });
    expect((await call(campaigns.GET, { query: { status: "active" } })).body).toEqual([]);
    for (const q of [{ limit: "201" }, { limit: "0" }, { limit: "abc" }, { status: "nope" }, { offset: "-1" }, { sort: "name" }]) {
      const r = await call(campaigns.GET, { query: q });
      expect(r.status, JSON.stringify(q)).toBe(422);
    }
  });
  it("gets one campaign; unknown or malformed ids are 404", async () => {
    const c = await create({ name: "Get me" });
    const r = await call(campaign.GET, { params: { campaignId: c.body.id } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: c.body.id, name: "Get me", status: "draft", total_target_customers: 0 });
    for (const id of [MISSING, "not-a-uuid", "1' OR '1'='1", "%00"]) {
      const g = await call(campaign.GET, { params: { campaignId: id } });
      expect(g.status).toBe(404);
      expect(g.body.error.code).toBe("CAMPAIGN_NOT_FOUND");
    }
  });
  it("patches a draft; an active campaign only changes name, description, priority", async () => {
    const c = await create({ name: "Patch me" });
    const p = await call(campaign.PATCH, { method: "PATCH", params: { campaignId: c.body.id }, body: { daily_send_limit: 100, priority: 9 } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ daily_send_limit: 100, priority: 9 });
    expect((await call(campaign.PATCH, { method: "PATCH", params: { campaignId: c.body.id }, body: { daily_send_limit: -1 } })).status).toBe(422);
    await seedCustomers(e.db, 3, { base: 16660000000 });
    await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["16660000001"] } });
    await call(activate.POST, { params: { campaignId: c.body.id } });
    const frozen = await call(campaign.PATCH, { method: "PATCH", params: { campaignId: c.body.id }, body: { daily_send_limit: 10 } });
    expect(frozen.status).toBe(409);
    expect((await call(campaign.PATCH, { method: "PATCH", params: { campaignId: c.body.id }, body: { name: "Renamed" } })).body.name).toBe("Renamed");
  });
});

describe("recipients", () => {
  it("adds explicit numbers: normalised, duplicates and invalid counted", async () => {
    const c = await create({ name: "Explicit" });
    const r = await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: [
      "14694652751", "+1 (945) 308-3188", "15551234567", "14694652751", "not a number", "123", 15551234568] } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ campaign_id: c.body.id, recipients_added: 4, duplicates_skipped: 1, invalid_count: 2, total_recipients: 4,
      message: "Added 4 recipients to campaign" });
    expect(r.body.invalid.map((i: { index: number }) => i.index)).toEqual([4, 5]);
    const again = await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["19453083188", "14155550100"] } });
    expect(again.body).toMatchObject({ recipients_added: 1, duplicates_skipped: 1, total_recipients: 5 });
    const rows = await e.db.campaignRecipient.findMany({ where: { campaignId: c.body.id } });
    expect(rows.map((x) => x.phoneNumber).sort()).toEqual(["14155550100", "14694652751", "15551234567", "15551234568", "19453083188"]);
    expect(rows.every((x) => x.status === "pending" && x.scheduledSendDate === null)).toBe(true);
    const camp = await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.body.id } });
    expect([camp.totalTargetCustomers, camp.messagesPending]).toEqual([5, 5]);
  });
  it("selects the target audience: subscribed, active, tier, city and all tags (each in any case)", async () => {
    const add = (rows: unknown[]) => call(customers.POST, { body: { customers: rows } });
    expect((await add([
      { phone: "17770000001", customer_tier: "premium", city: "New York", tags: ["fashion", "accessories", "x"] },
      { phone: "17770000002", customer_tier: "Premium", city: "new york", tags: ["Fashion", "ACCESSORIES"] },
      { phone: "17770000003", customer_tier: "premium", city: "NEW YORK", tags: ["fashion"] },
      { phone: "17770000004", customer_tier: "basic", city: "New York", tags: ["fashion", "accessories"] },
      { phone: "17770000005", customer_tier: "premium", city: "Boston", tags: ["fashion", "accessories"] },
      { phone: "17770000006", customer_tier: "premium", city: "New York", tags: ["fashion", "accessories"], subscription: "unsubscribed" },
      { phone: "17770000007", customer_tier: "premium", city: "New York", tags: ["fashion", "accessories"], is_active: false },
    ])).status).toBe(200);
    const c = await create({ name: "Audience", target_audience: { customer_tier: "premium", city: "New York", tags: ["fashion", "accessories"] } });
    const r = await call(recipients.POST, { params: { campaignId: c.body.id }, query: { use_target_audience: "true" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ recipients_added: 2, total_recipients: 2 });
    const again = await call(recipients.POST, { params: { campaignId: c.body.id }, query: { use_target_audience: "true" } });
    expect(again.body).toMatchObject({ recipients_added: 0, duplicates_skipped: 2, total_recipients: 2, message: "Added 0 recipients to campaign" });
    // the customer list filtered by the same values, written otherwise, finds the same customers (and the
    // unsubscribed and inactive ones, which the list shows and an audience leaves out)
    const listed = await call(customers.GET, { query: { customer_tier: "PREMIUM", city: "new YORK", tag: "ACCESSORIES", limit: "200" } });
    expect(listed.status).toBe(200);
    expect(listed.body.customers.map((x: { phone: string }) => x.phone).sort()).toEqual(["17770000001", "17770000002", "17770000006", "17770000007"]);
    expect(listed.body.total).toBe(4);
    // an audience that matches nobody says so
    const none = await create({ name: "Nobody", target_audience: { tags: ["vintage"] } });
    const r0 = await call(recipients.POST, { params: { campaignId: none.body.id }, query: { use_target_audience: "true" } });
    expect(r0.body).toMatchObject({ recipients_added: 0, message: "Added 0 recipients to campaign: no subscribed, active customer matches the campaign's target_audience" });
  });
  it("refuses bad input and closed campaigns", async () => {
    const c = await create({ name: "Bad recipients" });
    const p = { campaignId: c.body.id };
    expect((await call(recipients.POST, { params: p })).status).toBe(422);
    expect((await call(recipients.POST, { params: p, body: { phone_numbers: [] } })).status).toBe(422);
    expect((await call(recipients.POST, { params: p, body: { phone_numbers: "14694652751" } })).status).toBe(422);
    expect((await call(recipients.POST, { params: p, body: { phones: ["14694652751"] } })).status).toBe(422);
    expect((await call(recipients.POST, { params: p, body: { phone_numbers: [{}] } })).status).toBe(422);
    expect((await call(recipients.POST, { params: p, query: { use_target_audience: "maybe" } })).status).toBe(422);
    expect((await call(recipients.POST, { params: { campaignId: MISSING }, body: { phone_numbers: ["14694652751"] } })).status).toBe(404);
    await call(cancel.POST, { params: p });
    const closed = await call(recipients.POST, { params: p, body: { phone_numbers: ["14694652751"] } });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe("INVALID_TRANSITION");
  });
  it("adds 100,000 explicit numbers in one request", async () => {
    const c = await create({ name: "Big" });
    const phones = Array.from({ length: 100_000 }, (_, i) => String(18880000000 + i));
    const t0 = performance.now();
    const r = await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: phones } });
    console.info(`[measure] 100,000 explicit numbers added in ${Math.round(performance.now() - t0)} ms`);
    expect(r.status).toBe(200);
    expect(r.body.recipients_added).toBe(100_000);
    const over = await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: [...phones, "18890000000"] } });
    expect(over.status).toBe(422);
  }, 120_000);
  it("lists recipients paged with a status filter", async () => {
    const c = await create({ name: "List recipients" });
    await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["12125550101", "12125550102", "12125550103"] } });
    const r = await call(recipients.GET, { params: { campaignId: c.body.id }, query: { limit: "2", status: "pending" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(r.body.recipients).toHaveLength(2);
    expect((await call(recipients.GET, { params: { campaignId: c.body.id }, query: { status: "sent" } })).body.total).toBe(0);
    expect((await call(recipients.GET, { params: { campaignId: c.body.id }, query: { status: "bogus" } })).status).toBe(422);
    expect((await call(recipients.GET, { params: { campaignId: c.body.id }, query: { limit: "500" } })).status).toBe(422);
    expect((await call(recipients.GET, { params: { campaignId: "x" } })).status).toBe(404);
  });
});

describe("activation and lifecycle", () => {
  it("activates with start_date: schedule in daily batches, estimated days and last day", async () => {
    const c = await create({ name: "Activate", daily_send_limit: 2 });
    await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["13125550101", "13125550102", "13125550103", "13125550104", "13125550105"] } });
    const r = await call(activate.POST, { params: { campaignId: c.body.id }, query: { start_date: "2025-01-15" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ campaign_id: c.body.id, status: "active", recipients_scheduled: 5, daily_limit: 2, estimated_days: 3,
      estimated_completion_date: "2025-01-17", message: "Campaign activated. Sending 2 messages/day starting 2025-01-15" });
    const sched = await e.db.campaignSendSchedule.findMany({ where: { campaignId: c.body.id }, orderBy: { sendDate: "asc" } });
    expect(sched.map((s) => [s.sendDate.toISOString().slice(0, 10), s.batchSize, s.messagesRemaining, s.status])).toEqual([
      ["2025-01-15", 2, 2, "pending"], ["2025-01-16", 2, 2, "pending"], ["2025-01-17", 1, 1, "pending"]]);
    const again = await call(activate.POST, { params: { campaignId: c.body.id } });
    expect(again.status).toBe(409);
  });
  it("defaults start_date to tomorrow; refuses past dates, bad dates and empty campaigns", async () => {
    const c = await create({ name: "Defaults" });
    const empty = await call(activate.POST, { params: { campaignId: c.body.id } });
    expect([empty.status, empty.body.error.code]).toEqual([422, "NO_RECIPIENTS"]);
    await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["13125550201"] } });
    const past = await call(activate.POST, { params: { campaignId: c.body.id }, query: { start_date: "2025-01-09" } });
    expect([past.status, past.body.error.code]).toEqual([422, "START_DATE_IN_PAST"]);
    const far = await call(activate.POST, { params: { campaignId: c.body.id }, query: { start_date: "9999-12-30" } });
    expect([far.status, far.body.error.code, far.body.error.details]).toEqual([422, "VALIDATION_FAILED", [{ path: "start_date", message: "must be within a year: 2026-01-10 at the latest" }]]);
    expect((await call(activate.POST, { params: { campaignId: c.body.id }, query: { start_date: "2026-01-11" } })).status).toBe(422);
    for (const bad of ["2025-02-30", "tomorrow", "2025-1-5"]) {
      expect((await call(activate.POST, { params: { campaignId: c.body.id }, query: { start_date: bad } })).status).toBe(422);
    }
    expect((await call(activate.POST, { params: { campaignId: MISSING } })).status).toBe(404);
    const ok = await call(activate.POST, { params: { campaignId: c.body.id } });
    expect(ok.body).toMatchObject({ start_date: "2025-01-11", estimated_days: 1, estimated_completion_date: "2025-01-11" });
  });
  it("takes start_date from a JSON body too; refuses other body fields and a body that disagrees with the query", async () => {
    const c = await create({ name: "Body start" });
    await call(recipients.POST, { params: { campaignId: c.body.id }, body: { phone_numbers: ["13125550301"] } });
    const params = { campaignId: c.body.id };
    const unknown = await call(activate.POST, { params, body: { start: "2025-01-20" } });
    expect([unknown.status, unknown.body.error.details]).toEqual([422, [{ path: "start", message: "Not a known field" }]]);
    const disagree = await call(activate.POST, { params, query: { start_date: "2025-01-21" }, body: { start_date: "2025-01-20" } });
    expect([disagree.status, disagree.body.error.details[0].path]).toEqual([422, "start_date"]);
    expect((await call(activate.POST, { params, body: { start_date: "2025-01-09" } })).body.error.code).toBe("START_DATE_IN_PAST");
    const ok = await call(activate.POST, { params, body: { start_date: "2025-01-20" } });
    expect(ok.body).toMatchObject({ status: "active", start_date: "2025-01-20", estimated_completion_date: "2025-01-20" });
  });
  it("pauses, resumes, cancels; forbidden transitions are 409", async () => {
    const c = await create({ name: "Lifecycle" });
    const p = { campaignId: c.body.id };
    expect((await call(pause.POST, { params: p })).status).toBe(409);
    expect((await call(resume.POST, { params: p })).status).toBe(409);
    await call(recipients.POST, { params: p, body: { phone_numbers: ["13125550301"] } });
    await call(activate.POST, { params: p, query: { start_date: "2025-01-10" } });
    const paused = await call(pause.POST, { params: p });
    expect(paused.body).toEqual({ campaign_id: c.body.id, status: "paused", message: "Campaign 'Lifecycle' paused" });
    expect((await call(pause.POST, { params: p })).status).toBe(409);
    const resumed = await call(resume.POST, { params: p });
    expect(resumed.body).toMatchObject({ campaign_id: c.body.id, status: "active", message: "Campaign 'Lifecycle' resumed" });
    // a pause may say why (kept and shown, as the dashboard's); other body fields are refused
    const unknownField = await call(pause.POST, { params: p, body: { why: "stock" } });
    expect([unknownField.status, unknownField.body.error.details]).toEqual([422, [{ path: "why", message: "Not a known field" }]]);
    expect((await call(pause.POST, { params: p, body: { reason: "Waiting for new stock " } })).status).toBe(200);
    expect((await call(campaign.GET, { params: p })).body).toMatchObject({ status: "paused", pause_reason: "Waiting for new stock" });
    expect((await call(resume.POST, { params: p })).body.status).toBe("active");
    expect((await call(activate.POST, { params: p })).body.error.message).toBe("An active campaign cannot be activated.");
    expect((await call(stats.GET, { params: p })).body).toMatchObject({ pending: 1, remaining_send_days: 1, estimated_completion_date: "2025-01-10" });
    const cancelled = await call(cancel.POST, { params: p });
    expect(cancelled.body).toEqual({ campaign_id: c.body.id, status: "cancelled", message: "Campaign 'Lifecycle' cancelled" });
    // nothing more is sent: no day left, no completion date (the pending recipient stays listed)
    expect((await call(stats.GET, { params: p })).body).toMatchObject({ pending: 1, remaining_send_days: 0, estimated_completion_date: null });
    for (const h of [resume.POST, activate.POST, pause.POST, cancel.POST]) {
      const r = await call(h, { params: p });
      expect([r.status, r.body.error.code]).toEqual([409, "INVALID_TRANSITION"]);
    }
    expect((await call(retryUnknown.POST, { params: p })).status).toBe(409);
    const actions = (await e.db.auditLog.findMany({ where: { entityId: c.body.id }, orderBy: { createdAt: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["campaign.activate", "campaign.pause", "campaign.resume", "campaign.cancel"]));
    expect((await call(pause.POST, { params: { campaignId: MISSING } })).status).toBe(404);
  });
  it("reports stats per the spec", async () => {
    const c = await create({ name: "Stats" });
    const s = await call(stats.GET, { params: { campaignId: c.body.id } });
    expect(s.body).toMatchObject({ campaign_id: c.body.id, campaign_name: "Stats", status: "draft", total_target: 0, sent: 0, delivered: 0,
      read: 0, failed: 0, pending: 0, skipped: 0, progress_percentage: 0, delivery_rate: 0, read_rate: 0, estimated_completion_date: null });
    expect((await call(stats.GET, { params: { campaignId: MISSING } })).status).toBe(404);
  });
});

describe("process-daily", () => {
  it("validates ?date", async () => {
    for (const date of ["2025-13-01", "yesterday", "2025-01-10T00:00"]) {
      expect((await call(processDaily.POST, { query: { date } })).status).toBe(422);
    }
    expect((await call(processDaily.POST, { query: { other: "1" } })).status).toBe(422);
  });
});

describe("customers", () => {
  it("upserts by normalised phone; omitted fields keep their value", async () => {
    const r = await call(customers.POST, { body: { customers: [
      { phone: "+1 214 555 0101", name: "Ann Lee", customer_tier: "gold", city: "Dallas", tags: ["a", "b"] },
      { phone: "12145550102", subscription: "unsubscribed", is_active: false }] } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ created: 2, updated: 0 });
    const u = await call(customers.POST, { body: { customers: [{ phone: "12145550101", city: "Austin" }, { phone: "12145550103" }] } });
    expect(u.body).toMatchObject({ created: 1, updated: 1 });
    const ann = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: "12145550101" } });
    expect([ann.name, ann.customerTier, ann.city, ann.tags, ann.subscription]).toEqual(["Ann Lee", "gold", "Austin", ["a", "b"], "subscribed"]);
  });
  it("is all-or-nothing with row errors", async () => {
    const before = await e.db.userProfile.count();
    const r = await call(customers.POST, { body: { customers: [
      { phone: "12145550201" }, { phone: "nope" }, { phone: "12145550201" }, { phone: "12145550202", subscription: "maybe" }, { phone: "12145550203", extra: 1 }] } });
    expect(r.status).toBe(422);
    expect(r.body.error.details.map((d: { row: number }) => d.row)).toEqual([1, 2, 3, 4]);
    expect(await e.db.userProfile.count()).toBe(before);
    expect((await call(customers.POST, { body: { customers: [] } })).status).toBe(422);
    expect((await call(customers.POST, { body: { customers: Array.from({ length: 10_001 }, (_, i) => ({ phone: String(13000000000 + i) })) } })).status).toBe(422);
  });
  it("lists with filters and paging", async () => {
    const r = await call(customers.GET, { query: { city: "AUSTIN", limit: "10" } });
    expect(r.status).toBe(200);
    expect(r.body.customers.map((c: { phone: string }) => c.phone)).toEqual(["12145550101"]);
    expect((await call(customers.GET, { query: { subscription: "unsubscribed", q: "1214" } })).body.total).toBe(1);
    expect((await call(customers.GET, { query: { tag: "a" } })).body.total).toBe(1);
    expect((await call(customers.GET, { query: { limit: "1000" } })).status).toBe(422);
    expect((await call(customers.GET, { query: { is_active: "yes" } })).status).toBe(422);
  });
});

/**
 * The messaging limit read from Meta (GET /{phone-number-id}?fields=whatsapp_business_manager_messaging_limit,
 * quality_rating) against the fake Graph API over HTTP, and the limit the engine runs with:
 *  - the transport asks for exactly those fields with the token and reads Meta's answer; Meta's refusals
 *    become PhoneNumberApiError;
 *  - refreshMessagingLimit records tier and quality, reads at most hourly (concurrent callers read once),
 *    survives Meta being down, and never lets an older webhook undo a newer read;
 *  - without WHATSAPP_MESSAGING_LIMIT and before WhatsApp reported anything, a processor run assumes a new
 *    number's 250 unique customers a day; the first run reads the limit before it sends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { call, cloudClient, seedCustomers, setClock, setupEngineTest, type EngineTest } from "../engine/support";
import * as processDaily from "@/app/api/marketing/process-daily/route";
import * as healthRoute from "@/app/api/marketing/health/route";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { effectiveMessagingLimit, NEW_NUMBER_MESSAGING_LIMIT } from "@/lib/marketing/sending/account-health";
import { refreshMessagingLimit } from "@/lib/marketing/sending/refresh-messaging-limit";
import { fetchPhoneNumberHealth, PhoneNumberApiError } from "@/lib/whatsapp/phone-number";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

const PHONE_NUMBER_ID = "1098765432";
let e: EngineTest;
beforeAll(async () => {
  e = await setupEngineTest();
  // the routes' client: a generous timeout, so a loaded machine never turns a send into an unknown outcome
  (globalThis as unknown as { __whatsappClient?: WhatsAppClient }).__whatsappClient = cloudClient(e.graph, { timeoutMs: 20_000 });
});
afterAll(async () => e?.stop());
beforeEach(async () => {
  e.graph.reset();
  await e.db.$executeRaw`UPDATE settings SET messaging_limit_tier = NULL, quality_rating = NULL, messaging_limit_read_at = NULL, account_event_at = NULL, send_hold = false`;
});

const reads = () => e.graph.requests.filter((r) => r.method === "GET" && r.path === `/v23.0/${PHONE_NUMBER_ID}`);
const settings = () => e.db.setting.findUniqueOrThrow({ where: { id: 1 } });

describe("GET /{phone-number-id} (transport)", () => {
  const options = () => ({ apiUrl: e.graph.url, apiVersion: "v23.0", phoneNumberId: PHONE_NUMBER_ID, accessToken: "fake-access-token", timeoutMs: 2000 });

  it("asks for the messaging limit and the quality rating with the token, and reads Meta's answer", async () => {
    e.graph.setPhoneNumber({ whatsapp_business_manager_messaging_limit: "TIER_2K", quality_rating: "YELLOW" });
    expect(await fetchPhoneNumberHealth(options())).toEqual({ messagingLimit: "TIER_2K", qualityRating: "YELLOW" });
    const [req] = reads();
    expect(req.query.get("fields")).toBe("whatsapp_business_manager_messaging_limit,quality_rating");
    expect(req.headers.authorization).toBe("Bearer fake-access-token");
  });

  it("a number without a limit field reads as no limit reported (the deprecated messaging_limit_tier is not asked for)", async () => {
    e.graph.setPhoneNumber({ whatsapp_business_manager_messaging_limit: undefined, quality_rating: undefined });
    expect(await fetchPhoneNumberHealth(options())).toEqual({ messagingLimit: null, qualityRating: null });
  });

  it("turns Meta's refusals into PhoneNumberApiError, as the fake refuses what Meta refuses", async () => {
    await expect(fetchPhoneNumberHealth({ ...options(), accessToken: "" })).rejects.toMatchObject({ name: "PhoneNumberApiError", code: 190, httpStatus: 401 });
    await expect(fetchPhoneNumberHealth({ ...options(), phoneNumberId: "not-a-number" })).rejects.toMatchObject({ code: 100, httpStatus: 400 });
    await expect(fetchPhoneNumberHealth({ ...options(), apiUrl: "http://127.0.0.1:9" })).rejects.toBeInstanceOf(PhoneNumberApiError);
    // a field the node does not have is refused by name
    const res = await fetch(`${e.graph.url}/v23.0/${PHONE_NUMBER_ID}?fields=quality_rating,current_limit`, { headers: { Authorization: "Bearer t" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number; message: string } }).error).toMatchObject({ code: 100, message: expect.stringContaining("nonexisting field (current_limit)") });
  });
});

describe("refreshMessagingLimit", () => {
  const wa = () => cloudClient(e.graph);
  const T = new Date("2026-03-02T09:00:00Z");
  const later = (minutes: number) => new Date(T.getTime() + minutes * 60_000);

  it("records tier and quality, reads at most hourly (concurrent callers read once), and alerts when the tier changed", async () => {
    e.graph.setPhoneNumber({ whatsapp_business_manager_messaging_limit: "TIER_2K", quality_rating: "GREEN" });
    const [a, b] = await Promise.all([refreshMessagingLimit({ db: e.db, now: T, whatsapp: wa() }), refreshMessagingLimit({ db: e.db, now: T, whatsapp: wa() })]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    expect(reads()).toHaveLength(1);
    expect(await settings()).toMatchObject({ messagingLimitTier: "TIER_2K", qualityRating: "GREEN", messagingLimitReadAt: T, accountEventAt: T });

    e.graph.setPhoneNumber({ whatsapp_business_manager_messaging_limit: "TIER_10K", quality_rating: "YELLOW" });
    expect(await refreshMessagingLimit({ db: e.db, now: later(59), whatsapp: wa() })).toEqual({ ran: false, reason: "read recently" });
    expect(reads()).toHaveLength(1);
    expect(await refreshMessagingLimit({ db: e.db, now: later(60), whatsapp: wa() })).toEqual({ ran: true, tier: "TIER_10K", quality_rating: "YELLOW", previous_tier: "TIER_2K" });
    expect(await settings()).toMatchObject({ messagingLimitTier: "TIER_10K", qualityRating: "YELLOW" });
    expect((await e.db.alert.findFirstOrThrow({ where: { kind: "account_quality", text: { contains: "TIER_10K" } } })).text).toBe("WhatsApp reports a messaging limit of TIER_10K (was TIER_2K).");
  });

  it("keeps what is known when Meta is down or has no limit yet (TIER_NOT_SET, quality NA)", async () => {
    await e.db.setting.update({ where: { id: 1 }, data: { messagingLimitTier: "TIER_2K", qualityRating: "GREEN" } });
    e.graph.script({ match: (r) => r.method === "GET", error: { code: 2, httpStatus: 503, title: "Service temporarily unavailable" } });
    const down = await refreshMessagingLimit({ db: e.db, now: T, whatsapp: wa() });
    expect(down).toMatchObject({ ran: false, reason: expect.stringContaining("Meta refused the phone number request: 2") });
    expect(await settings()).toMatchObject({ messagingLimitTier: "TIER_2K", qualityRating: "GREEN" });

    e.graph.reset();
    e.graph.setPhoneNumber({ whatsapp_business_manager_messaging_limit: "TIER_NOT_SET", quality_rating: "NA" });
    expect(await refreshMessagingLimit({ db: e.db, now: later(60), whatsapp: wa() })).toMatchObject({ ran: true, tier: null, quality_rating: null });
    expect(await settings()).toMatchObject({ messagingLimitTier: "TIER_2K", qualityRating: "GREEN" });
  });

  it("a webhook older than the read, delivered after it, changes nothing; a newer one applies", async () => {
    e.graph.setPhoneNumber({ whatsapp_business_manager_messaging_limit: "TIER_10K" });
    await refreshMessagingLimit({ db: e.db, now: T, whatsapp: wa() });
    const quality = (minutes: number, tier: string) => ({
      object: "whatsapp_business_account",
      entry: [{ id: "102290129340398", time: Math.floor(later(minutes).getTime() / 1000), changes: [{ field: "phone_number_quality_update", value: { display_phone_number: "15550783881", event: "UPGRADE", max_daily_conversations_per_business: tier } }] }],
    });
    await handleWebhookPayload({ db: e.db, now: later(1), payload: quality(-5, "TIER_2K"), log: { warn: () => {} } });
    expect((await settings()).messagingLimitTier).toBe("TIER_10K");
    await handleWebhookPayload({ db: e.db, now: later(6), payload: quality(5, "TIER_100K"), log: { warn: () => {} } });
    expect((await settings()).messagingLimitTier).toBe("TIER_100K");
  });
});

describe("the limit a processor run assumes", () => {
  it("is WHATSAPP_MESSAGING_LIMIT when set, else the reported tier, else a new number's 250 — never none", () => {
    expect(NEW_NUMBER_MESSAGING_LIMIT).toBe(250);
    expect(effectiveMessagingLimit(undefined, null)).toBe(250);
    expect(effectiveMessagingLimit(undefined, "TIER_NOT_SET")).toBe(250);
    expect(effectiveMessagingLimit(undefined, "SOMETHING_NEW")).toBe(250);
    expect(effectiveMessagingLimit(undefined, "TIER_50")).toBe(50);
    expect(effectiveMessagingLimit(undefined, "TIER_2K")).toBe(2000);
    expect(effectiveMessagingLimit(undefined, "tier_100k")).toBe(100_000);
    expect(effectiveMessagingLimit(undefined, "TIER_UNLIMITED")).toBeNull();
    expect(effectiveMessagingLimit(5000, "TIER_250")).toBe(5000);
    expect(effectiveMessagingLimit(null, "TIER_250")).toBeNull();
  });

  async function campaignOf(n: number, base: number) {
    await seedCustomers(e.db, n, { base });
    const now = new Date("2026-03-01T12:00:00Z");
    const c = await createCampaign({ db: e.db, now, input: { name: `Limit ${base}`, template_name: "promo", daily_send_limit: 1000 } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: Array.from({ length: n }, (_, i) => String(base + i + 1)) });
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: "2026-03-02" });
    return c.id;
  }

  it("reads the limit on the first run before sending, and assumes 250 while WhatsApp cannot tell", async () => {
    const id = await campaignOf(300, 14160000000);
    // WhatsApp cannot be asked: the first run sends to 250 unique customers, not 300
    e.graph.script({ match: (r) => r.method === "GET", error: { code: 2, httpStatus: 503, title: "Service temporarily unavailable" } });
    setClock("2026-03-02T09:00:00Z");
    const first = await call(processDaily.POST, {});
    expect(first.status).toBe(200);
    expect(reads()).toHaveLength(1);
    expect(first.body.messages_sent).toBe(250);
    expect((await call(healthRoute.GET)).body).toMatchObject({ messaging_limit_tier: null, messaging_limit: 250 });

    // an hour later WhatsApp answers TIER_2K: the run reads it first and sends the rest
    e.graph.reset();
    e.graph.setPhoneNumber({ whatsapp_business_manager_messaging_limit: "TIER_2K", quality_rating: "GREEN" });
    setClock("2026-03-02T10:00:00Z");
    const second = await call(processDaily.POST, {});
    expect(reads()).toHaveLength(1);
    expect(e.graph.requests[0]).toMatchObject({ method: "GET", path: `/v23.0/${PHONE_NUMBER_ID}` }); // before any send
    expect(second.body.messages_sent).toBe(50);
    expect((await call(healthRoute.GET)).body).toMatchObject({ messaging_limit_tier: "TIER_2K", quality_rating: "GREEN", messaging_limit: 2000 });
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id } })).messagesSent).toBe(300);

    // the next run within the hour does not ask again
    setClock("2026-03-02T10:30:00Z");
    await call(processDaily.POST, {});
    expect(reads()).toHaveLength(1);
  });
});

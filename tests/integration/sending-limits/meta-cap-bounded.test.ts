/**
 * Meta's per-user marketing cap (131049) defers a recipient a day and costs an attempt, from a send's
 * answer and from a `failed` status alike: a customer Meta keeps capping fails at the last attempt ("gave
 * up after 5 attempts"), so their campaign can complete. The customer is still deferred 24 hours in every
 * campaign, and the failure guard does not count these failures (they say nothing about the campaign).
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
import { cloudClient, engineSuite } from "../engine/support";
import { createCampaignWithRecipients, statusesPayload } from "../whatsapp/fixtures";
import { handleWebhookPayload } from "@/lib/marketing/delivery/handle-webhook-payload";
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import { measureFailures } from "@/lib/marketing/sending/failure-guard";
import { ENGINE_DEFAULTS } from "@/lib/marketing/engine-config";
import { FAILURE_GUARD_DEFAULTS } from "@/lib/marketing/sending/sending-settings";

const { e } = await engineSuite({ noTemplateLibrary: true });
const CAP = { code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement." };
const DAY = 24 * 3600_000;
const LAST = ENGINE_DEFAULTS.maxAttempts - 1;

describe("131049 is bounded by the attempts", () => {
  it("a send answered 131049: deferred with an attempt spent; at the last attempt failed, the customer deferred all the same, the campaign completes", async () => {
    const now = new Date("2026-04-01T15:00:00Z");
    const phones = ["16505551001", "16505551002"];
    for (const p of phones) await e.db.userProfile.create({ data: { whatsappPhone: p } });
    const c = await createCampaign({ db: e.db, now, input: { name: "Capped", template_name: "promo_hello", daily_send_limit: 10 } });
    await addRecipients({ db: e.db, now, timezone: "UTC", campaignId: c.id, phoneNumbers: phones });
    await activateCampaign({ db: e.db, now, timezone: "UTC", campaignId: c.id, startDate: "2026-04-01" });
    // the second recipient has been deferred (or retried) before: this is its last attempt
    await e.db.campaignRecipient.updateMany({ where: { campaignId: c.id, phoneNumber: phones[1] }, data: { retryCount: LAST } });
    for (const to of phones) e.graph.script({ to, error: { ...CAP, httpStatus: 400 } });
    await runDailyProcessing({ db: e.db, now, whatsapp: cloudClient(e.graph), config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 20_000, staleClaimMs: 600_000 } });

    const [first, last] = await Promise.all(phones.map((p) => e.db.campaignRecipient.findFirstOrThrow({ where: { campaignId: c.id, phoneNumber: p } })));
    expect(first).toMatchObject({ status: "pending", deferredReason: "meta_cap", retryCount: 1, errorCode: 131049 });
    expect(first.nextAttemptAt?.getTime()).toBeGreaterThanOrEqual(now.getTime() + DAY);
    expect(last).toMatchObject({ status: "failed", retryCount: ENGINE_DEFAULTS.maxAttempts, errorCode: 131049, deferredReason: null, nextAttemptAt: null });
    expect(last.failureReason).toMatch(new RegExp(`gave up after ${ENGINE_DEFAULTS.maxAttempts} attempts`));
    const customer = await e.db.userProfile.findUniqueOrThrow({ where: { whatsappPhone: phones[1] } });
    expect(customer.marketingDeferredUntil?.getTime()).toBeGreaterThanOrEqual(now.getTime() + DAY - 1000);

    // the first recipient at its last attempt too: nothing is left pending, and the campaign completes
    await e.db.campaignRecipient.update({ where: { id: first.id }, data: { retryCount: LAST } });
    await e.db.userProfile.updateMany({ where: { whatsappPhone: { in: phones } }, data: { marketingDeferredUntil: null } });
    const later = new Date(now.getTime() + DAY + 60_000);
    await runDailyProcessing({ db: e.db, now: later, whatsapp: cloudClient(e.graph), config: { timezone: "UTC", messagingLimit: null, timeBudgetMs: 20_000, staleClaimMs: 600_000 } });
    expect((await e.db.campaignRecipient.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("failed");
    expect((await e.db.marketingCampaign.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("completed");
  });

  it("a failed status with 131049 (Meta's documented shape): the same, and the failure guard does not count it", async () => {
    const { campaign, recipients } = await createCampaignWithRecipients(e.db, 2);
    await e.db.whatsappMessage.createMany({ data: recipients.map((r) => ({
      direction: "outbound", campaignId: campaign.id, recipientId: r.id, phoneNumber: r.phoneNumber, whatsappMessageId: r.whatsappMessageId, status: "queued",
    })) });
    await e.db.campaignRecipient.update({ where: { id: recipients[1].id }, data: { retryCount: LAST } });
    const now = new Date("2026-03-02T12:00:00Z");
    await handleWebhookPayload({ db: e.db, now, log: { warn: () => {} }, own: { wabaId: "102290129340398", phoneNumberId: "106540352242922" },
      payload: statusesPayload(recipients.map((r) => ({ id: r.whatsappMessageId!, status: "failed", at: "2026-03-02T11:59:00Z", error: CAP }))) });
    const [a, b] = await Promise.all(recipients.map((r) => e.db.campaignRecipient.findUniqueOrThrow({ where: { id: r.id } })));
    expect(a).toMatchObject({ status: "pending", deferredReason: "meta_cap", retryCount: 1 });
    expect(b).toMatchObject({ status: "failed", errorCode: 131049, retryCount: ENGINE_DEFAULTS.maxAttempts, deferredReason: null, nextAttemptAt: null });
    expect(b.failureReason).toMatch(new RegExp(`gave up after ${ENGINE_DEFAULTS.maxAttempts} attempts`));
    expect(b.failedAt?.toISOString()).toBe("2026-03-02T11:59:00.000Z");
    const customer = await e.db.userProfile.findUniqueOrThrow({ where: { id: b.customerId! } });
    expect(customer.marketingDeferredUntil?.toISOString()).toBe(new Date(now.getTime() + DAY).toISOString());

    const verdict = await measureFailures(e.db, campaign.id, { ...FAILURE_GUARD_DEFAULTS, min_attempts: 1 }, null);
    // the give-up is not one of the campaign's attempts for the guard (the other recipient is pending: none)
    expect(verdict).toMatchObject({ attempts: 0, failed: 0, over: false });
    await e.db.campaignRecipient.update({ where: { id: recipients[0].id }, data: { status: "failed", errorCode: null, failedAt: now } });
    expect(await measureFailures(e.db, campaign.id, { ...FAILURE_GUARD_DEFAULTS, min_attempts: 1 }, null)).toMatchObject({ attempts: 1, failed: 1, over: true });
  });
});

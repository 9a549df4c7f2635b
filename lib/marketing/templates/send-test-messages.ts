/**
 * POST /api/marketing/campaigns/{id}/test-send: sends the campaign's message now to 1–10 numbers, the
 * variables filled from each number's customer record when there is one, else from the fallbacks.
 *
 * Test sends are stored in whatsapp_messages with is_test = true and are never recipients: no campaign
 * counter, schedule, analytics row or daily limit changes. They do count toward the global messaging
 * limit (WhatsApp counts them): the engine counts outbound whatsapp_messages with sent_at. An
 * unsubscribed number (or the number of an erased customer) is refused with a reason. A successful test
 * records last_test_send_at and the hash of template + components (assertTestSendDone).
 *
 * Within the safeguards: nothing is sent while sending is on hold (SEND_HOLD); one user (or token) sends
 * to at most settings.test_send_limit_per_hour numbers in any hour (TEST_SEND_LIMIT_REACHED, 429 with
 * Retry-After). The numbers are reserved before sending, under a per-user lock, by the audit entry
 * `campaign.test_send` (who, which template, how many numbers; never the numbers themselves), which
 * gets the outcome counts once the sends are done. A refused send has its error class's effects, as a
 * campaign send's answer and a failed status do (error-effects.ts): 131050 unsubscribes the number's
 * customer, 131049 defers them 24 hours, a template error pauses the campaign when it is active, an
 * account error is recorded (a policy code holds sending).
 */
import { z } from "@/lib/zod";
import { ZCampaignComponents, type CustomerData } from "@/lib/whatsapp/components";
import { renderForRecipient } from "@/lib/whatsapp/render-components";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import type { Principal } from "../auth/api-tokens";
import { Prisma, type Db } from "../db";
import { applyErrorEffects, type ErrorFailure } from "../delivery/error-effects";
import { phoneHash } from "../customers/opt-outs";
import { getSendingSettings } from "../sending/sending-settings";
import { AppError } from "../errors";
import { normalizePhone } from "../phone";
import { phoneReading } from "../sending/sending-settings";
import { assertTemplateApproved, checkCampaignTemplate } from "./check-campaign-template";
import { campaignTemplateHash } from "./template-hash";
import { campaignInStatus, isOpenCampaign } from "../campaigns/campaign-status";

export const MAX_TEST_NUMBERS = 10;
export const ZTestSend = z
  .object({ phone_numbers: z.array(z.string().max(40)).min(1, "give at least one phone number").max(MAX_TEST_NUMBERS, `at most ${MAX_TEST_NUMBERS} numbers`) })
  .strict();

export type TestSendResult = { phone_number: string; status: "sent" | "failed"; whatsapp_message_id?: string; error?: string };

const HOUR_MS = 60 * 60_000;

export async function sendTestMessages({ db, now, whatsapp, api, campaignId, phoneNumbers, principal }: {
  db: Db; now: Date; whatsapp: WhatsAppClient; api: TemplatesApi | null; campaignId: string; phoneNumbers: string[]; principal?: Principal | null;
}): Promise<{ campaign_id: string; results: TestSendResult[]; sent: number; failed: number; template_verified: boolean }> {
  const input = ZTestSend.parse({ phone_numbers: phoneNumbers });
  const campaign = await db.marketingCampaign.findUnique({ where: { id: campaignId } });
  if (!campaign) throw new AppError("CAMPAIGN_NOT_FOUND", "Campaign not found.");
  if (!isOpenCampaign(campaign.status)) {
    throw new AppError("INVALID_TRANSITION", `${campaignInStatus(campaign.status)} cannot send test messages.`, { status: campaign.status });
  }

  // the same checks as creating and activating: never send what WhatsApp will refuse
  const check = await checkCampaignTemplate({ db, now, api, templateName: campaign.templateName, languageCode: campaign.languageCode, components: campaign.templateComponents });
  if (check.verified) await assertTemplateApproved({ db, now, api, templateName: campaign.templateName, languageCode: campaign.languageCode });
  const components = ZCampaignComponents.parse(check.components);

  const results: TestSendResult[] = [];
  const numbers: string[] = [];
  const reading = await phoneReading(db);
  for (const raw of input.phone_numbers) {
    const n = normalizePhone(raw, reading);
    if (!n.ok) results.push({ phone_number: raw, status: "failed", error: `Not a valid phone number: ${n.reason}.` });
    else if (numbers.includes(n.phone)) continue;
    else numbers.push(n.phone);
  }
  const customers = await db.userProfile.findMany({ where: { whatsappPhone: { in: numbers } } });
  const customerOf = new Map(customers.map((c) => [c.whatsappPhone, c]));
  const suppressed = new Set((await db.suppressedNumber.findMany({ where: { phoneHash: { in: numbers.map(phoneHash) } }, select: { phoneHash: true } })).map((s) => s.phoneHash));

  const sendable: string[] = [];
  for (const phone of numbers) {
    const customer = customerOf.get(phone);
    if (customer?.subscription === "unsubscribed") {
      const since = customer.subscriptionChangedAt ? ` on ${customer.subscriptionChangedAt.toISOString().slice(0, 10)}` : "";
      results.push({ phone_number: phone, status: "failed", error: `Refused: this number unsubscribed from marketing messages${since}.` });
    } else if (!customer && suppressed.has(phoneHash(phone))) {
      results.push({ phone_number: phone, status: "failed", error: "Refused: this number belonged to an erased customer." });
    } else sendable.push(phone);
  }
  const auditId = await reserveTestSends({ db, now, actor: principal?.actor ?? "system", campaign, numbers: sendable.length });

  const failures: ErrorFailure[] = [];
  for (const phone of sendable) {
    const customer = customerOf.get(phone);
    const data: CustomerData | null = customer
      ? { name: customer.name, city: customer.city, customer_tier: customer.customerTier, phone_number: customer.whatsappPhone, attributes: (customer.attributes ?? {}) as Record<string, unknown> }
      : { phone_number: phone };
    const filled = renderForRecipient(components, data);
    if (!filled.ok) {
      results.push({ phone_number: phone, status: "failed", error: filled.reason });
      continue;
    }
    const rendered = filled.components;
    const sent = await whatsapp.sendTemplate({ to: phone, templateName: campaign.templateName, languageCode: campaign.languageCode, components: rendered });
    await db.whatsappMessage.create({
      data: {
        direction: "outbound",
        campaignId: campaign.id,
        phoneNumber: phone,
        waId: sent.ok ? sent.waId : null,
        whatsappMessageId: sent.ok ? sent.wamid : null,
        status: sent.ok ? "queued" : sent.errorClass === "ambiguous" ? "unknown" : "failed",
        whatsappMessageStatus: sent.ok ? sent.messageStatus : null,
        messageType: "template",
        templateName: campaign.templateName,
        languageCode: campaign.languageCode,
        payload: { components: rendered } as object,
        isTest: true,
        errorCode: sent.ok ? null : sent.code,
        errorTitle: sent.ok ? null : sent.title,
        // sent_at makes it count toward the messaging limit (unique users reached in 24 h)
        sentAt: sent.ok || sent.errorClass === "ambiguous" ? now : null,
        failedAt: sent.ok ? null : now,
        createdAt: now,
        updatedAt: now,
      },
    });
    if (sent.ok) results.push({ phone_number: phone, status: "sent", whatsapp_message_id: sent.wamid });
    else {
      failures.push({ errorClass: sent.errorClass, code: sent.code, title: sent.title, campaignId: campaign.id, customerId: customer?.id ?? null, phone, waId: null, at: now });
      const hint = sent.errorClass === "ambiguous" ? " (WhatsApp may have delivered it: check the phone before resending)" : "";
      results.push({ phone_number: phone, status: "failed", error: `${sent.title}${sent.details ? `: ${sent.details}` : ""}${hint}` });
    }
  }

  const sentCount = results.filter((r) => r.status === "sent").length;
  await db.$transaction(async (tx) => {
    // a refused test send has its error class's effects, the same as a campaign send's (error-effects.ts)
    await applyErrorEffects(tx, failures, { now });
    if (sentCount > 0) {
      // only the columns of test tracking; no counter, schedule or status changes
      await tx.marketingCampaign.update({ where: { id: campaign.id }, data: { lastTestSendAt: now, lastTestSendHash: campaignTemplateHash(campaign) } });
    }
    if (numbers.length > 0) {
      // remember the team's test numbers (most recent first)
      const settings = await tx.setting.findUnique({ where: { id: 1 }, select: { testPhoneNumbers: true } });
      const remembered = [...numbers, ...(settings?.testPhoneNumbers ?? []).filter((p) => !numbers.includes(p))].slice(0, MAX_TEST_NUMBERS);
      await tx.setting.upsert({ where: { id: 1 }, update: { testPhoneNumbers: remembered }, create: { id: 1, testPhoneNumbers: remembered } });
    }
    await tx.$executeRaw(Prisma.sql`
      UPDATE audit_log SET details = details || ${JSON.stringify({ sent: sentCount, failed: results.length - sentCount - (numbers.length - sendable.length), refused: numbers.length - sendable.length })}::jsonb
      WHERE id = ${auditId}::uuid`);
  });
  return { campaign_id: campaign.id, results, sent: sentCount, failed: results.length - sentCount, template_verified: check.verified };
}

/**
 * Reserves `numbers` test sends for `actor` in the moving hour, or throws: SEND_HOLD while sending is on
 * hold, TEST_SEND_LIMIT_REACHED (with the seconds until enough of the hour's sends age out) over the
 * limit. The reservation is the audit entry (its details.numbers); its id is returned.
 */
async function reserveTestSends({ db, now, actor, campaign, numbers }: {
  db: Db; now: Date; actor: string; campaign: { id: string; templateName: string; languageCode: string }; numbers: number;
}): Promise<string> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtext(${`test_send:${actor}`}))`);
    const settings = await getSendingSettings(tx);
    if (settings.sendHold.active) {
      throw new AppError("SEND_HOLD", `Sending is on hold${settings.sendHold.reason ? `: ${settings.sendHold.reason}` : ""}. Test messages are held too until an admin releases the hold.`);
    }
    const limit = settings.testSendLimitPerHour;
    const recent = await tx.$queryRaw<Array<{ at: Date; n: number }>>(Prisma.sql`
      SELECT created_at AS at, coalesce((details->>'numbers')::int, 0) AS n FROM audit_log
      WHERE action = 'campaign.test_send' AND actor = ${actor} AND created_at > ${new Date(now.getTime() - HOUR_MS)}::timestamptz
      ORDER BY created_at`);
    let used = recent.reduce((sum, r) => sum + r.n, 0);
    if (numbers > 0 && used + numbers > limit) {
      // when enough of this hour's sends have aged out for this request
      let retryAt = now.getTime() + HOUR_MS;
      for (const r of recent) {
        used -= r.n;
        if (used + numbers <= limit) {
          retryAt = r.at.getTime() + HOUR_MS;
          break;
        }
      }
      const left = Math.max(0, limit - recent.reduce((sum, r) => sum + r.n, 0));
      throw new AppError("TEST_SEND_LIMIT_REACHED",
        numbers > limit
          ? `At most ${limit} test numbers an hour: send to fewer numbers.`
          : `Test sends are limited to ${limit} numbers an hour per user; ${left} left now. Try again later.`,
        { limit, remaining: left, retry_after_seconds: Math.max(1, Math.ceil((retryAt - now.getTime()) / 1000)) });
    }
    const entry = await tx.auditLog.create({
      data: {
        actor, action: "campaign.test_send", entityType: "campaign", entityId: campaign.id, createdAt: now,
        details: { template_name: campaign.templateName, language_code: campaign.languageCode, numbers },
      },
      select: { id: true },
    });
    return entry.id;
  });
}

/**
 * POST /api/marketing/campaigns/{id}/test-send: sends the campaign's message now to 1–10 numbers, the
 * variables filled from each number's customer record when there is one, else from the fallbacks.
 *
 * Test sends are stored in whatsapp_messages with is_test = true and are never recipients: no campaign
 * counter, schedule, analytics row or daily limit changes. They do count toward the global messaging
 * limit (WhatsApp counts them): the engine counts outbound whatsapp_messages with sent_at. An
 * unsubscribed number is refused with a reason. A successful test records last_test_send_at and the
 * hash of template + components (assertTestSendDone).
 */
import { z } from "zod";
import { renderComponents, ZCampaignComponents, type CustomerData } from "@/lib/whatsapp/components";
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import type { WhatsAppClient } from "@/lib/whatsapp/types";
import { audit } from "../audit";
import type { Principal } from "../auth/api-tokens";
import type { Db } from "../db";
import { AppError } from "../errors";
import { normalizePhone } from "../phone";
import { assertTemplateApproved, checkCampaignTemplate } from "./check-campaign-template";
import { campaignTemplateHash } from "./template-hash";

export const MAX_TEST_NUMBERS = 10;
export const ZTestSend = z
  .object({ phone_numbers: z.array(z.string().max(40)).min(1, "give at least one phone number").max(MAX_TEST_NUMBERS, `at most ${MAX_TEST_NUMBERS} numbers`) })
  .strict();
export type TTestSend = z.infer<typeof ZTestSend>;

export type TestSendResult = { phone_number: string; status: "sent" | "failed"; whatsapp_message_id?: string; error?: string };

const TESTABLE = ["draft", "active", "paused"];

export async function sendTestMessages({ db, now, whatsapp, api, campaignId, phoneNumbers, principal }: {
  db: Db; now: Date; whatsapp: WhatsAppClient; api: TemplatesApi | null; campaignId: string; phoneNumbers: string[]; principal?: Principal | null;
}): Promise<{ campaign_id: string; results: TestSendResult[]; sent: number; failed: number; template_verified: boolean }> {
  const input = ZTestSend.parse({ phone_numbers: phoneNumbers });
  const campaign = await db.marketingCampaign.findUnique({ where: { id: campaignId } });
  if (!campaign) throw new AppError("CAMPAIGN_NOT_FOUND", "Campaign not found.");
  if (!TESTABLE.includes(campaign.status)) {
    throw new AppError("INVALID_TRANSITION", `A ${campaign.status} campaign cannot send test messages.`, { status: campaign.status });
  }

  // the same checks as creating and activating: never send what WhatsApp will refuse
  const check = await checkCampaignTemplate({ db, now, api, templateName: campaign.templateName, languageCode: campaign.languageCode, components: campaign.templateComponents });
  if (check.verified) await assertTemplateApproved({ db, now, api, templateName: campaign.templateName, languageCode: campaign.languageCode });
  const components = ZCampaignComponents.parse(check.components);

  const results: TestSendResult[] = [];
  const numbers: string[] = [];
  for (const raw of input.phone_numbers) {
    const n = normalizePhone(raw);
    if (!n.ok) results.push({ phone_number: raw, status: "failed", error: `Not a valid phone number: ${n.reason}.` });
    else if (numbers.includes(n.phone)) continue;
    else numbers.push(n.phone);
  }
  const customers = await db.userProfile.findMany({ where: { whatsappPhone: { in: numbers } } });
  const customerOf = new Map(customers.map((c) => [c.whatsappPhone, c]));

  for (const phone of numbers) {
    const customer = customerOf.get(phone);
    if (customer?.subscription === "unsubscribed") {
      const since = customer.subscriptionChangedAt ? ` on ${customer.subscriptionChangedAt.toISOString().slice(0, 10)}` : "";
      results.push({ phone_number: phone, status: "failed", error: `Refused: this number unsubscribed from marketing messages${since}.` });
      continue;
    }
    const data: CustomerData | null = customer
      ? { name: customer.name, city: customer.city, customer_tier: customer.customerTier, phone_number: customer.whatsappPhone, attributes: (customer.attributes ?? {}) as Record<string, unknown> }
      : { phone_number: phone };
    const rendered = renderComponents(components, data);
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
      const hint = sent.errorClass === "ambiguous" ? " (WhatsApp may have delivered it: check the phone before resending)" : "";
      results.push({ phone_number: phone, status: "failed", error: `${sent.title}${sent.details ? `: ${sent.details}` : ""}${hint}` });
    }
  }

  const sentCount = results.filter((r) => r.status === "sent").length;
  await db.$transaction(async (tx) => {
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
    await audit(tx, {
      actor: principal?.actor ?? "system",
      action: "campaign.test_send",
      entityType: "campaign",
      entityId: campaign.id,
      details: { results: results.map((r) => ({ phone_number: r.phone_number, status: r.status })) },
      now,
    });
  });
  return { campaign_id: campaign.id, results, sent: sentCount, failed: results.length - sentCount, template_verified: check.verified };
}

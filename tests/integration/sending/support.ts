/**
 * Sending tests: a campaign of given components and customers, run by the real processor through the
 * real Cloud API client against the strict fake Graph API.
 */
import { createCampaign } from "@/lib/marketing/campaigns/create-campaign";
import { activateCampaign } from "@/lib/marketing/campaigns/activate-campaign";
import { addRecipients } from "@/lib/marketing/recipients/add-recipients";
import { runDailyProcessing } from "@/lib/marketing/processing/run-daily-processing";
import type { Db } from "@/lib/marketing/db";
import type { WhatsAppClient } from "@/lib/whatsapp/types";

export const TZ = "UTC";
export const NOW = new Date("2026-03-02T12:00:00Z");

export type TestCustomer = { phone: string; name?: string | null; city?: string | null; attributes?: Record<string, unknown> };

let seq = 0;

export async function campaignWith(db: Db, { templateName, languageCode = "en_US", components = [], customers }: {
  templateName: string; languageCode?: string; components?: unknown[]; customers: TestCustomer[];
}) {
  for (const c of customers) {
    await db.userProfile.upsert({
      where: { whatsappPhone: c.phone },
      update: { name: c.name ?? null, city: c.city ?? null, attributes: (c.attributes ?? {}) as object },
      create: { whatsappPhone: c.phone, name: c.name ?? null, city: c.city ?? null, attributes: (c.attributes ?? {}) as object },
    });
  }
  const campaign = await createCampaign({
    db, now: NOW,
    input: { name: `Sending ${++seq}`, template_name: templateName, language_code: languageCode, daily_send_limit: 1000, template_components: components as never },
  });
  await addRecipients({ db, now: NOW, timezone: TZ, campaignId: campaign.id, phoneNumbers: customers.map((c) => c.phone) });
  await activateCampaign({ db, now: NOW, timezone: TZ, campaignId: campaign.id, startDate: "2026-03-02" });
  return campaign;
}

export function run(db: Db, whatsapp: WhatsAppClient, now: Date = NOW, batchSize?: number) {
  return runDailyProcessing({ db, now, whatsapp, config: { timezone: TZ, messagingLimit: null, timeBudgetMs: 50_000, staleClaimMs: 600_000, ...(batchSize ? { batchSize } : {}) } });
}

/** the template row the library would hold after a sync (its category decides the route) */
export async function libraryTemplate(db: Db, t: { name: string; language?: string; category: string; metaId: string }) {
  await db.whatsappTemplate.upsert({
    where: { name_language: { name: t.name, language: t.language ?? "en_US" } },
    update: { category: t.category },
    create: { name: t.name, language: t.language ?? "en_US", category: t.category, status: "APPROVED", metaId: t.metaId, components: [] },
  });
}

export async function marketingMessagesSetting(db: Db, s: { enabled: boolean; policy?: "CLOUD_API_FALLBACK" | "STRICT"; sharing?: boolean | null }) {
  const data = { marketingMessagesEnabled: s.enabled, marketingMessagesPolicy: s.policy ?? "CLOUD_API_FALLBACK", marketingMessagesActivitySharing: s.sharing ?? null };
  await db.setting.upsert({ where: { id: 1 }, update: data, create: { id: 1, ...data } });
}


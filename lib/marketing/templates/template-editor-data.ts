/**
 * What the campaign form and detail page need for the template UI (components/templates): the library
 * (read only: nothing is written while a page renders), a sample customer of the campaign's audience for the preview
 * (its recipient with the lowest number when it has some, else the matching customer with the lowest
 * number: both read one entry of a unique index, whatever the campaign's size), and the workspace's
 * test-send settings.
 */
import type { TemplatesApi } from "@/lib/whatsapp/templates/templates-api";
import { readTargetAudience } from "../campaigns/target-audience";
import { Prisma, type Db } from "../db";
import { audienceWhere } from "../recipients/add-recipients";
import { listTemplates } from "./list-templates";

export type SampleCustomerData = { name: string | null; city: string | null; customer_tier: string | null; phone_number: string; attributes: Record<string, unknown> | null };

// the columns by name, never u.*: a prepared statement whose * grows with a migration fails on the
// connections that prepared it ("cached plan must not change result type") until they close
const SAMPLE_COLUMNS = Prisma.sql`u.name, u.city, u.customer_tier, u.whatsapp_phone, u.attributes`;

export async function findSampleCustomer({ db, campaignId, targetAudience }: { db: Db; campaignId?: string | null; targetAudience?: unknown }): Promise<SampleCustomerData | null> {
  const fromRecipients = campaignId
    // `= ANY('{id}')` in the unique index's order, as the recipients table reads (search-recipients.ts): never
    // the phone_number index filtered for this campaign
    ? Prisma.sql`SELECT ${SAMPLE_COLUMNS} FROM campaign_recipients r JOIN user_profiles u ON u.id = r.customer_id
        WHERE r.campaign_id = ANY(${[campaignId]}::uuid[]) ORDER BY r.campaign_id, r.phone_number LIMIT 1`
    : null;
  const fromAudience = Prisma.sql`SELECT ${SAMPLE_COLUMNS} FROM user_profiles u WHERE ${audienceWhere(readTargetAudience(targetAudience))} AND u.name IS NOT NULL ORDER BY u.whatsapp_phone LIMIT 1`;
  for (const query of [fromRecipients, fromAudience]) {
    if (!query) continue;
    const rows = await db.$queryRaw<Array<{ name: string | null; city: string | null; customer_tier: string | null; whatsapp_phone: string; attributes: unknown }>>(query);
    const u = rows[0];
    if (u) return { name: u.name, city: u.city, customer_tier: u.customer_tier, phone_number: u.whatsapp_phone, attributes: (u.attributes ?? null) as Record<string, unknown> | null };
  }
  return null;
}

export async function getTemplateEditorData({ db, api, campaignId, targetAudience }: {
  db: Db; api: TemplatesApi | null; campaignId?: string | null; targetAudience?: unknown;
}) {
  const [library, sampleCustomer, settings] = await Promise.all([
    listTemplates({ db, api, query: {} }),
    findSampleCustomer({ db, campaignId, targetAudience }),
    db.setting.findUnique({ where: { id: 1 }, select: { testPhoneNumbers: true, requireTestSend: true } }),
  ]);
  return {
    templates: library.templates,
    library: library.library,
    sampleCustomer,
    testPhoneNumbers: settings?.testPhoneNumbers ?? [],
    requireTestSend: settings?.requireTestSend ?? false,
  };
}

/**
 * Adds recipients to a draft, active or paused campaign, in one set-based INSERT … SELECT … ON CONFLICT
 * DO NOTHING: explicit numbers (normalised to E.164 digits, up to 100,000 a call) or every subscribed,
 * active customer matching the campaign's target audience (and not marked not reachable on WhatsApp). Recipients added to an active or paused
 * campaign are scheduled after the existing ones within the daily limit. In an A/B test each new recipient
 * gets its variant in the same statement (ab/variants.ts: a stable hash, so re-adding changes nothing).
 * A recipient who is a customer gets the customer's pricing market in the same statement (user_profiles.market:
 * null or the market of the customer's current number), so activation has no market left to compute for them.
 */
import { z } from "@/lib/zod";
import type { Principal } from "../auth/api-tokens";
import { audit } from "../audit";
import { audienceToAdd, type TTargetAudience } from "../campaigns/target-audience";
import { lockCampaign } from "../campaigns/lock-campaign";
import { customerMatchSql } from "../customers/customer-match";
import { Prisma, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import { normalizePhone } from "../phone";
import { phoneReading } from "../sending/sending-settings";
import { dateToDay, dayInZone } from "../time";
import { packSchedule } from "./pack-schedule";
import { readSendWindow } from "../sending/send-window";
import { variantSql, type AbCampaign } from "../ab/variants";
import { isOpenCampaign, isRunningCampaign } from "../campaigns/campaign-status";

export const MAX_PHONE_NUMBERS = 100_000;
/** invalid numbers listed one by one in the answer (the count is always complete) */
const MAX_INVALID_LISTED = 1000;

export const ZAddRecipients = z
  .object({ phone_numbers: z.array(z.union([z.string().max(100), z.number()])).min(1).max(MAX_PHONE_NUMBERS) })
  .strict();

export type AddRecipientsResult = {
  campaign_id: string;
  recipients_added: number;
  duplicates_skipped: number;
  invalid_count: number;
  invalid: Array<{ index: number; phone_number: string; reason: string }>;
  total_recipients: number;
  message: string;
};

export async function addRecipients(args: {
  db: Db; now: Date; timezone: string; campaignId: string; principal?: Principal | null;
} & ({ phoneNumbers: ReadonlyArray<string | number>; useTargetAudience?: false } | { useTargetAudience: true; phoneNumbers?: undefined })): Promise<AddRecipientsResult> {
  const { db, now, timezone, campaignId, principal } = args;
  let phones: string[] | null = null;
  const invalid: AddRecipientsResult["invalid"] = [];
  let invalidCount = 0;
  let repeated = 0;
  if (!args.useTargetAudience) {
    if (args.phoneNumbers.length > MAX_PHONE_NUMBERS) throw new AppError("TOO_MANY_RECIPIENTS", `At most ${MAX_PHONE_NUMBERS} numbers a request.`);
    const seen = new Set<string>();
    const reading = await phoneReading(db);
    args.phoneNumbers.forEach((raw, index) => {
      const n = normalizePhone(raw, reading);
      if (!n.ok) {
        invalidCount++;
        if (invalid.length < MAX_INVALID_LISTED) invalid.push({ index, phone_number: String(raw).slice(0, 100), reason: n.reason });
      } else if (seen.has(n.phone)) repeated++;
      else seen.add(n.phone);
    });
    phones = [...seen];
  }

  return db.$transaction(async (tx) => {
    const c = await lockCampaign(tx, campaignId);
    if (!isOpenCampaign(c.status)) throw new AppError("INVALID_TRANSITION", `Recipients cannot be added to a ${c.status} campaign.`, { status: c.status });
    const { matched, inserted } = phones
      ? await insertPhones(tx, c, phones, now)
      : await insertAudience(tx, c, audienceToAdd(c), now);
    if (inserted > 0 && isRunningCampaign(c.status)) {
      const today = dayInZone(now, timezone);
      const start = c.startDate ? dateToDay(c.startDate) : today;
      await packSchedule(tx, { campaignId: c.id, fromDay: start > today ? start : today, dailyLimit: c.dailySendLimit, now, timezone, window: readSendWindow(c.sendWindow) });
    }
    const total = await tx.marketingCampaign.findUniqueOrThrow({ where: { id: c.id }, select: { totalTargetCustomers: true } });
    await audit(tx, {
      actor: principal?.actor ?? "system", action: "campaign.add_recipients", entityType: "campaign", entityId: c.id, now,
      details: { source: phones ? "phone_numbers" : "target_audience", added: inserted, invalid: invalidCount },
    });
    return {
      campaign_id: c.id,
      recipients_added: inserted,
      duplicates_skipped: matched - inserted + repeated,
      invalid_count: invalidCount,
      invalid,
      total_recipients: total.totalTargetCustomers,
      // an audience that matches nobody says so (a tag or a city written otherwise than the customers' is the usual cause)
      message: !phones && matched === 0
        ? "Added 0 recipients to campaign: no subscribed, active customer matches the campaign's target_audience"
        : `Added ${inserted} ${inserted === 1 ? "recipient" : "recipients"} to campaign`,
    };
  }, { timeout: 120_000, maxWait: 10_000 });
}

async function insertPhones(tx: Tx, campaign: AbCampaign, phones: string[], now: Date) {
  const campaignId = campaign.id;
  if (phones.length === 0) return { matched: 0, inserted: 0 };
  const [row] = await tx.$queryRaw<Array<{ inserted: bigint }>>(Prisma.sql`
    WITH ins AS (
      INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, market, status, created_at, updated_at, variant)
      SELECT uuidv7(), ${campaignId}::uuid, p.phone, u.id, u.market, 'pending', ${now}::timestamptz, ${now}::timestamptz, ${variantSql(campaign, Prisma.sql`p.phone`)}
      FROM unnest(${phones}::text[]) WITH ORDINALITY AS p(phone, ord)
      LEFT JOIN user_profiles u ON u.whatsapp_phone = p.phone
      ORDER BY p.ord
      ON CONFLICT ON CONSTRAINT unique_campaign_recipient DO NOTHING
      RETURNING 1)
    SELECT count(*) AS inserted FROM ins`);
  return { matched: phones.length, inserted: Number(row.inserted) };
}

/**
 * The customer `u` may be sent marketing: subscribed, active, not erased, and not marked not reachable on
 * WhatsApp (customers/undeliverable.ts). Audiences and follow-ups select by it.
 */
export const MAY_RECEIVE_MARKETING_SQL = Prisma.sql`u.subscription = 'subscribed' AND u.is_active AND u.whatsapp_phone !~ '^erased:' AND u.undeliverable_since IS NULL`;

/** The audience filter, whitelisted: each key maps to a fixed SQL condition with a bound value. */
export function audienceWhere(a: TTargetAudience): Prisma.Sql {
  // tier, city and tags in any case: an import's "Premium" is the audience's "premium" (customer-match.ts)
  return Prisma.join([MAY_RECEIVE_MARKETING_SQL, ...customerMatchSql("u", a)], " AND ");
}

async function insertAudience(tx: Tx, campaign: AbCampaign, audience: TTargetAudience, now: Date) {
  const campaignId = campaign.id;
  const [row] = await tx.$queryRaw<Array<{ matched: bigint; inserted: bigint }>>(Prisma.sql`
    WITH matched AS (
      SELECT u.id, u.whatsapp_phone, u.market, u.created_at FROM user_profiles u WHERE ${audienceWhere(audience)}
    ), ins AS (
      INSERT INTO campaign_recipients (id, campaign_id, phone_number, customer_id, market, status, created_at, updated_at, variant)
      SELECT uuidv7(), ${campaignId}::uuid, m.whatsapp_phone, m.id, m.market, 'pending', ${now}::timestamptz, ${now}::timestamptz, ${variantSql(campaign, Prisma.sql`m.whatsapp_phone`)}
      FROM matched m ORDER BY m.created_at, m.id
      ON CONFLICT ON CONSTRAINT unique_campaign_recipient DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FROM matched) AS matched, (SELECT count(*) FROM ins) AS inserted`);
  return { matched: Number(row.matched), inserted: Number(row.inserted) };
}

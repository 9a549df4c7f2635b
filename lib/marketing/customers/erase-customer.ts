/**
 * Erases a customer's personal data (right to erasure): the profile is deleted, and the phone number,
 * WhatsApp id, name and message contents disappear from campaign recipients, messages and buffered status
 * events — while every campaign's totals stay right:
 *   - recipient rows stay (counters, schedule and analytics are recounts of them), their number replaced
 *     by 'erased:<customer id>' (allowed by the CHECK, unique per campaign, never sendable);
 *   - recipients still waiting (pending) become 'skipped' ('Customer erased'), so nothing is ever sent to them;
 *   - outbound messages keep their row, status and time with the number replaced by the same token, so the
 *     unique-users count of WhatsApp's messaging limit does not drop; bodies and payloads are cleared.
 *   - the number stays suppressed (its SHA-256 in suppressed_numbers): a later import or upsert of it
 *     creates an unsubscribed customer, and a send to them still in flight (claimed before the erasure)
 *     is recorded without their number or WhatsApp id (triggers on whatsapp_messages and
 *     campaign_recipients, see the erased_in_flight migration);
 *   - the number leaves the team's test numbers (settings) and every audit entry that mentions it;
 *   - exports kept for download of their campaigns are withdrawn, and an import's staged row of the number is dropped;
 *   - outbound events for integrations that name them keep no number, WhatsApp id or message text.
 * One transaction; the audit entry names the customer id only. Admins and marketers may erase (the API and the
 * customer page); viewers may not.
 */
import { audit } from "../audit";
import type { Principal } from "../auth/api-tokens";
import { Prisma, type Db } from "../db";
import { AppError } from "../errors";
import { phoneHash } from "./opt-outs";
import { ERASED_PHONE_PREFIX } from "../phone";
import { parseUuid } from "../uuid";
import { can } from "../users/permissions";

/** what identifies a person in an outbound event's data (the events' triggers: customer.*, message.failed, reply.received) */
const OUTBOUND_PERSONAL_KEYS = ["phone", "phone_number", "wa_id", "body", "whatsapp_message_id"];

export type EraseCustomerResult = { id: string; erased: true; recipients_erased: number; recipients_skipped: number; messages_erased: number };

export function parseCustomerId(value: unknown): string {
  const id = parseUuid(value);
  if (id === null) throw new AppError("CUSTOMER_NOT_FOUND", "No customer with this id.");
  return id;
}

export async function eraseCustomer({ db, now, principal, customerId }: {
  db: Db; now: Date; principal: Principal; customerId: string;
}): Promise<EraseCustomerResult> {
  if (!can(principal.role, "change")) throw new AppError("FORBIDDEN", "Your role can view but not change anything.");
  const id = parseCustomerId(customerId);
  return db.$transaction(async (tx) => {
    // recipients first, then the customer, like every other writer of both (customers/lock-customers.ts): the
    // person's recipient rows (linked to the profile, or added by number) are found by the number read
    // first, locked in id order, then the profile is locked; a number that changed in between (rare) has its
    // rows locked as well
    const read = (lock: boolean) => tx.$queryRaw<Array<{ phone: string; wa_id: string | null }>>(Prisma.sql`
      SELECT whatsapp_phone AS phone, wa_id FROM user_profiles WHERE id = ${id}::uuid ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`);
    const identitiesOf = (p: { phone: string; wa_id: string | null }) => [p.phone, p.wa_id].filter((x): x is string => !!x && !x.startsWith("erased:"));
    const lockRecipients = (identities: string[]) => tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      SELECT id FROM campaign_recipients
      WHERE customer_id = ${id}::uuid OR phone_number IN (${identities.length ? Prisma.join(identities) : Prisma.sql`NULL`})
      ORDER BY id FOR UPDATE`);
    const [seen] = await read(false);
    if (!seen) throw new AppError("CUSTOMER_NOT_FOUND", "No customer with this id.");
    let recipients = await lockRecipients(identitiesOf(seen));
    const [profile] = await read(true);
    if (!profile) throw new AppError("CUSTOMER_NOT_FOUND", "No customer with this id.");
    const token = `${ERASED_PHONE_PREFIX}${id}`;
    const identities = identitiesOf(profile);
    if (identities.join() !== identitiesOf(seen).join()) recipients = await lockRecipients(identities);
    const idents = identities.length ? Prisma.join(identities) : Prisma.sql`NULL`;
    const rids = recipients.map((r) => r.id);
    let skipped = 0;
    let messages = 0;
    if (rids.length) {
      const ridList = Prisma.join(rids.map((r) => Prisma.sql`${r}::uuid`));
      skipped = await tx.$executeRaw(Prisma.sql`
        UPDATE campaign_recipients SET status = 'skipped', failure_reason = 'Customer erased', claim_id = NULL, claimed_at = NULL,
          next_attempt_at = NULL, deferred_reason = NULL, updated_at = ${now}::timestamptz
        WHERE id IN (${ridList}) AND status = 'pending'`);
      await tx.$executeRaw(Prisma.sql`
        UPDATE campaign_recipients SET phone_number = ${token}, wa_id = NULL, customer_id = NULL, updated_at = ${now}::timestamptz
        WHERE id IN (${ridList})`);
    }
    // the webhook inbox keeps Meta's events for 7 days: every one that mentions the person is scrubbed,
    // and one still waiting is dropped from the applier's work (a late status never writes a wa_id back)
    const ridArray = Prisma.sql`${rids}::uuid[]`;
    await tx.$executeRaw(Prisma.sql`
      UPDATE webhook_inbox SET value = '{}'::jsonb,
        reason = CASE WHEN state = 'pending' THEN 'customer erased' ELSE reason END,
        state = CASE WHEN state = 'pending' THEN 'ignored' ELSE state END
      WHERE recipient_id = ANY(${ridArray})
         OR whatsapp_message_id IN (SELECT whatsapp_message_id FROM campaign_recipients WHERE id = ANY(${ridArray}) AND whatsapp_message_id IS NOT NULL)
         OR EXISTS (SELECT 1 FROM unnest(${identities}::text[]) AS i(x) WHERE position(i.x IN value::text) > 0)`);
    // outbound events for the team's integrations (queued or kept with their delivery log) that name the
    // person lose what identifies them: a delivery still to go (or sent again) carries no number, WhatsApp id
    // or message text, and says so ("erased": true)
    await tx.$executeRaw(Prisma.sql`
      UPDATE outbound_events SET data = (data - ${OUTBOUND_PERSONAL_KEYS}::text[]) || '{"erased": true}'::jsonb
      WHERE data->>'customer_id' = ${id}
         OR data->>'recipient_id' = ANY(${ridArray}::text[])
         OR data->>'phone' = ANY(${identities}::text[]) OR data->>'phone_number' = ANY(${identities}::text[])
         OR data->>'wa_id' = ANY(${identities}::text[])`);
    // an export file kept for download of a campaign they are in is withdrawn whole (its download then
    // says it expired), and a staged import row of their number is dropped before it is written
    await tx.$executeRaw(Prisma.sql`
      DELETE FROM job_parts WHERE job_id IN (
        SELECT j.id FROM jobs j WHERE j.kind = 'export_recipients'
          AND j.campaign_id IN (SELECT campaign_id FROM campaign_recipients WHERE id = ANY(${ridArray})))`);
    // so is every customers export kept (any of them may list the customer; a few parts each, kept 24 hours)
    await tx.$executeRaw(Prisma.sql`DELETE FROM job_parts WHERE job_id IN (SELECT j.id FROM jobs j WHERE j.kind = 'export_customers')`);
    // (staged numbers carry their '+' since 2026-12-06: customer-csv.ts; earlier ones are bare digits)
    if (identities.length) await tx.$executeRaw(Prisma.sql`DELETE FROM job_rows WHERE ltrim(data->>'phone', '+') = ANY(${identities}::text[])`);
    messages = await tx.$executeRaw(Prisma.sql`
      UPDATE whatsapp_messages SET phone_number = ${token}, wa_id = NULL, body = NULL, payload = NULL, updated_at = ${now}::timestamptz
      WHERE phone_number IN (${idents}) OR wa_id IN (${idents})
         ${rids.length ? Prisma.sql`OR recipient_id IN (${Prisma.join(rids.map((r) => Prisma.sql`${r}::uuid`))})` : Prisma.empty}`);
    await tx.$executeRaw(Prisma.sql`DELETE FROM user_profiles WHERE id = ${id}::uuid`);
    if (identities.length) {
      await tx.$executeRaw(Prisma.sql`
        INSERT INTO suppressed_numbers (phone_hash, reason, created_at)
        SELECT h, 'erased', ${now}::timestamptz FROM unnest(${identities.map(phoneHash)}::text[]) h
        ON CONFLICT (phone_hash) DO NOTHING`);
      await tx.$executeRaw(Prisma.sql`
        UPDATE settings SET test_phone_numbers = ARRAY(SELECT x FROM unnest(test_phone_numbers) x WHERE x <> ALL(${identities}::text[]))
        WHERE id = 1 AND test_phone_numbers && ${identities}::text[]`);
      for (const ident of identities) {
        // whole numbers only: a longer number that contains this one is another person's
        const pattern = `(?<![0-9])${ident}(?![0-9])`;
        await tx.$executeRaw(Prisma.sql`
          UPDATE audit_log SET details = regexp_replace(details::text, ${pattern}, ${token}, 'g')::jsonb
          WHERE details::text ~ ${pattern}`);
      }
    }
    await audit(tx, {
      actor: principal.actor, action: "customer.erase", entityType: "customer", entityId: id,
      details: { recipients_erased: rids.length, recipients_skipped: skipped, messages_erased: messages }, now,
    });
    return { id, erased: true as const, recipients_erased: rids.length, recipients_skipped: skipped, messages_erased: messages };
  });
}

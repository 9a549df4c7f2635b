/**
 * Meta's template webhooks:
 *  - message_template_status_update (event APPROVED, REJECTED, PENDING, PAUSED, DISABLED, ARCHIVED,
 *    REINSTATED, FLAGGED, PENDING_DELETION, …): updates the library; a template that is no longer
 *    approved pauses every active campaign using it at once, with the reason shown.
 *  - message_template_quality_update: updates the quality score.
 * Idempotent and safe out of order: each change carries its webhook entry's time (entry.time), and an
 * event older than (or as old as) the one the template already reflects changes nothing.
 *
 * templateStatusWebhookHandler / templateQualityWebhookHandler plug into lib/whatsapp/webhook (WEBHOOK_HANDLERS), which parses each change
 * value with `schema` and calls `apply` inside the payload's transaction. The dispatcher adds the entry's
 * `time` to each value as `entry_time`; without it the event is dated `now`.
 */
import { z } from "zod";
import { Prisma, type Tx } from "../db";
import { pauseCampaignsForTemplateName, pauseCampaignsForTemplates, type PausedForTemplate } from "./pause-campaigns-for-templates";

const ZUnixTime = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative().max(1e12)]).transform((v) => new Date(Number(v) * 1000));
const ZTemplateRef = {
  message_template_id: z.union([z.number(), z.string().max(100)]).transform(String),
  message_template_name: z.string().min(1).max(512),
  message_template_language: z.string().min(1).max(20),
  entry_time: ZUnixTime.optional(),
};

export const ZTemplateStatusValue = z.looseObject({
  ...ZTemplateRef,
  event: z.string().min(1).max(100).transform((e) => e.toUpperCase()),
  reason: z.string().max(2000).nullish(),
  other_info: z.looseObject({ title: z.string().max(500).optional(), description: z.string().max(2000).optional() }).optional(),
});
export type TTemplateStatusValue = z.infer<typeof ZTemplateStatusValue>;

export const ZTemplateQualityValue = z.looseObject({
  ...ZTemplateRef,
  new_quality_score: z.string().min(1).max(50).transform((s) => s.toUpperCase()),
  previous_quality_score: z.string().max(50).optional(),
});
export type TTemplateQualityValue = z.infer<typeof ZTemplateQualityValue>;

/** The library status an event leaves the template in; null = the status does not change. */
export function statusOfEvent(event: string): string | null {
  if (event === "FLAGGED") return null; // still sendable: Meta warns before pausing or disabling
  if (event === "REINSTATED" || event === "UNPAUSED") return "APPROVED";
  return event;
}

function reasonOf(v: TTemplateStatusValue): string | null {
  const parts = [v.reason && v.reason !== "NONE" ? v.reason : null, v.other_info?.title, v.other_info?.description].filter((x): x is string => !!x);
  return parts.length ? [...new Set(parts)].join(" — ") : null;
}

type Ctx = { tx: Tx; now: Date };
const byTime = <T extends { entry_time?: Date }>(values: T[], now: Date) =>
  [...values].sort((a, b) => (a.entry_time ?? now).getTime() - (b.entry_time ?? now).getTime());

export async function applyTemplateStatusUpdates({ tx, now }: Ctx, values: TTemplateStatusValue[]) {
  let applied = 0;
  let stale = 0;
  let unknown = 0;
  const paused: PausedForTemplate[] = [];
  for (const v of byTime(values, now)) {
    const at = v.entry_time ?? now;
    const status = statusOfEvent(v.event);
    const reason = reasonOf(v);
    const rows = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      UPDATE whatsapp_templates SET
        status = coalesce(${status}::text, status),
        reason = CASE WHEN ${status}::text IS NULL THEN coalesce(${reason}::text, reason) ELSE ${reason}::text END,
        deleted = CASE WHEN ${v.event} IN ('DELETED') THEN true ELSE deleted END,
        meta_id = coalesce(meta_id, ${v.message_template_id}),
        status_event_at = ${at},
        updated_at = ${now}
      WHERE id = (
        SELECT id FROM whatsapp_templates
        WHERE meta_id = ${v.message_template_id}
           OR (name = ${v.message_template_name} AND language = ${v.message_template_language})
        ORDER BY (meta_id = ${v.message_template_id}) DESC NULLS LAST LIMIT 1)
      AND (status_event_at IS NULL OR status_event_at < ${at})
      RETURNING id::text AS id`);
    if (rows.length > 0) {
      applied++;
      paused.push(...(await pauseCampaignsForTemplates(tx, { now, templateIds: rows.map((r) => r.id), actor: "webhook" })));
      continue;
    }
    const known = await tx.$queryRaw<unknown[]>(Prisma.sql`
      SELECT 1 FROM whatsapp_templates WHERE meta_id = ${v.message_template_id}
         OR (name = ${v.message_template_name} AND language = ${v.message_template_language}) LIMIT 1`);
    if (known.length > 0) {
      stale++;
      continue;
    }
    // not in the library yet (the next sync brings it): still protect campaigns that use it
    unknown++;
    if (status) {
      paused.push(...(await pauseCampaignsForTemplateName(tx, { now, name: v.message_template_name, language: v.message_template_language, status, reason })));
    }
  }
  return { template_status_received: values.length, template_status_applied: applied, template_status_stale: stale, template_status_unknown: unknown, campaigns_paused: paused.length };
}

export async function applyTemplateQualityUpdates({ tx, now }: Ctx, values: TTemplateQualityValue[]) {
  let applied = 0;
  for (const v of byTime(values, now)) {
    const at = v.entry_time ?? now;
    applied += await tx.$executeRaw(Prisma.sql`
      UPDATE whatsapp_templates SET quality_score = ${v.new_quality_score}, quality_event_at = ${at},
        meta_id = coalesce(meta_id, ${v.message_template_id}), updated_at = ${now}
      WHERE id = (
        SELECT id FROM whatsapp_templates
        WHERE meta_id = ${v.message_template_id}
           OR (name = ${v.message_template_name} AND language = ${v.message_template_language})
        ORDER BY (meta_id = ${v.message_template_id}) DESC NULLS LAST LIMIT 1)
      AND (quality_event_at IS NULL OR quality_event_at < ${at})`);
  }
  return { template_quality_received: values.length, template_quality_applied: applied };
}

/** Shaped like lib/whatsapp/webhook's WebhookChangeHandler: registered in its WEBHOOK_HANDLERS. */
export const templateStatusWebhookHandler = {
  field: "message_template_status_update",
  schema: ZTemplateStatusValue,
  apply: applyTemplateStatusUpdates,
  withEntryTime: true,
};
export const templateQualityWebhookHandler = {
  field: "message_template_quality_update",
  schema: ZTemplateQualityValue,
  apply: applyTemplateQualityUpdates,
  withEntryTime: true,
};
